"""The variant families, in a fixed order (the order numbers the fictional codes 98FFxx)."""

from __future__ import annotations

from ..engine import Family
from .hanweb import Hanweb
from .trs import Trs
from .vsb import Vsb

FAMILIES: dict[str, Family] = {f.name: f for f in (Hanweb(), Trs(), Vsb())}
