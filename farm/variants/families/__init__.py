"""The variant families, in a fixed order (the order numbers the fictional codes 98FFxx)."""

from __future__ import annotations

from ..engine import Family
from .gkmlpt import Gkmlpt
from .hanweb import Hanweb
from .jsfams import Anhui, FetchList, Fujian, Guizhou, Jpaas
from .longtail import AspNet, Beijing, Epoint, Henan, Jiangxi
from .trs import Trs
from .vsb import Vsb

FAMILIES: dict[str, Family] = {
    f.name: f
    for f in (
        Hanweb(),
        Trs(),
        Gkmlpt(),
        Jpaas(),
        Vsb(),
        AspNet(),
        Jiangxi(),
        Beijing(),
        Anhui(),
        Fujian(),
        Henan(),
        Epoint(),
        Guizhou(),
        FetchList(),
    )
}
