"""The portal catalogue: one (portal factory, site builder) pair per registry entry.

Factories are pure: given the set of applied mutations they return the :class:`~farm.model.Portal`
with its reports and decoys (content generated, URLs still empty). Builders turn a portal into a
running :class:`~farm.sites.base.Site` and fill in the URLs. ``None`` as builder means nothing
answers for the portal's hosts (the unreachable county).
"""

from __future__ import annotations

from collections.abc import Callable

from ..content import ContentStore
from ..model import Portal
from . import challenge, gkmlpt, hanweb, hostile, jsonapi, misc, trs, vsb
from .base import FarmState, Site

PortalFactory = Callable[[frozenset[str]], Portal]
SiteBuilder = Callable[[Portal, ContentStore, FarmState], Site]

CATALOGUE: list[tuple[PortalFactory, SiteBuilder | None]] = [
    (hanweb.qingxi, hanweb.build_site),
    (hanweb.ziqiao, hanweb.build_site),
    (trs.yuchuan, trs.build_site),
    (gkmlpt.fengchuan, gkmlpt.build_site),
    (jsonapi.huaxi, jsonapi.build_site),
    (challenge.lingxi, challenge.build_ruishu),
    (challenge.xiaxi, challenge.build_jsl),
    (challenge.meiling, challenge.build_waf),
    (vsb.jiachuan, vsb.build_site),
    (hostile.yixi, hostile.build_site),
    (misc.shunhe, misc.build_disallowed),
    (misc.anlan, None),
    (misc.yunxiu, misc.build_no_column),
]

MUTATIONS = {
    "revise": "青溪县人民政府2023 report: new PDF bytes (and ETag, Last-Modified) at the same "
    "downfile.jsp URL",
    "add": "青溪县城东街道 2024 report published late: a new article, first in the 年报 column "
    "(every dataproxy page shifts by one record)",
    "broken-certificate": "弋溪县's https host serves an expired self-signed certificate that no "
    "CA file vouches for (as many gov.cn hosts do)",
}


def portals(mutations: frozenset[str] = frozenset()) -> list[Portal]:
    return [factory(mutations) for factory, _ in CATALOGUE]


def build_sites(
    mutations: frozenset[str], content: ContentStore, state: FarmState
) -> tuple[list[Portal], list[Site]]:
    """Portals with their URLs filled in, and the sites that serve them."""
    out_portals, out_sites = [], []
    for factory, builder in CATALOGUE:
        portal = factory(mutations)
        out_portals.append(portal)
        if builder is not None:
            out_sites.append(builder(portal, content, state))
    return out_portals, out_sites
