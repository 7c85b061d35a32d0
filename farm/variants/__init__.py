"""The generalisation test world: a seeded generator of county-portal variants.

    from farm.variants import generate
    site = generate("trs", 3)          # a farm Site; site.portal is the farm.model.Portal
    site.v.knobs                       # every choice the seed made

Each family (``FAMILIES``) reproduces a platform of portals.md §1 — the big four, the long tail
of §1.8, the JS-only kinds of §4.6 — and draws everything else from the seed: ids, URL shapes,
markup classes, loader scripts, their endpoints and parameter names, JSON field names, pagers,
where the 年报 column sits and how one reaches it, link texts, carriers, decoys and the
cross-cutting traits (cookie-reload stub, analytics tags, robots.txt Crawl-delay, sub-hosts).

The crawler was tuned on the sample farm; these variants exist so that it can be measured on
portals nobody tuned for. Seeds 0–99 are for development, 1000–1999 are held out (only the
benchmark runs them), 2000–2999 are a fresh held-out range for later (docs/farm.md).
"""

from __future__ import annotations

import hashlib
import random

from ..model import Portal
from ..reportgen import build_truths
from ..sites.base import TLS_OK, TLS_REFUSED, FarmState
from . import engine, names, navigation, world
from .engine import Family
from .families import FAMILIES
from .jslist import Api
from .site import VariantSite

__all__ = ["FAMILIES", "generate", "parse_spec"]


def _hosts(v: world.Variant) -> None:
    py = v.pinyin
    known = all(c in names.PINYIN for c in v.stem)
    initials = "".join(names.PINYIN[c][0] for c in v.stem) if known else py
    abbr = initials + ("x" if v.kind_char == "县" else "q")
    shape = v.pick("host_shape", ("www", "bare", "abbr", "suffix"), [5, 2, 1.5, 1.5])
    v.host = {
        "www": f"www.{py}.gov.cn.test",
        "bare": f"{py}.gov.cn.test",
        "abbr": f"www.{abbr}.gov.cn.test",
        "suffix": f"www.{py}{'x' if v.kind_char == '县' else 'q'}.gov.cn.test",
    }[shape]


def generate(
    family: str,
    seed: int,
    *,
    code: str | None = None,
    name: str | None = None,
    province: str | None = None,
    prefecture: str | None = None,
    host: str | None = None,
    subhost: str | None = None,
    state: FarmState | None = None,
) -> VariantSite:
    """One variant portal of ``family`` for ``seed``: a Site whose ``portal`` carries the
    reports and decoys with their URLs, and whose ``v`` the knobs and click paths.

    The steps run in a fixed order because each draws from the variant's one seeded random
    source: reordering them would change every variant."""
    fam = type(FAMILIES[family])()  # a fresh instance: families keep per-variant state
    v = _variant(fam, family, seed, code=code, name=name, province=province, prefecture=prefecture)
    _host_names(v, host, subhost)
    _plan_portal(fam, v)
    site = VariantSite(v, state or FarmState())
    tls = _plan_hosts(fam, v, site)
    fam.setup(v, site)
    _family_knobs(fam, v)
    _build_pages(fam, v, site)
    _list_portal(v, site, tls)
    return site


def _variant(
    fam: Family,
    family: str,
    seed: int,
    *,
    code: str | None,
    name: str | None,
    province: str | None,
    prefecture: str | None,
) -> world.Variant:
    """The county: name, pinyin, code, province and prefecture, as given or drawn."""
    fi = list(FAMILIES).index(family) + 1
    rng = random.Random(f"nianbao-variant:{family}:{seed}")
    if name:
        stem = name[:-1] if name[-1] in "县区市旗" else name
        kind_char = name[-1] if name[-1] in "县区市旗" else "县"
        py = names.pinyin_of(stem) or f"c{code or seed}"  # real names: not all in the table
    else:
        stem, py = names.stem_for(fi, seed)
        kind_char = rng.choice(("县", "县", "县", "区"))
        name = stem + kind_char
    code = code or f"98{fi:02d}{seed % 100:02d}"
    pref_rng = random.Random(f"nianbao-variant-pref:{family}:{seed}")
    prefecture = prefecture or names.prefecture_name(pref_rng, stem)
    v = world.Variant(
        family=family,
        seed=seed,
        rng=rng,
        code=code,
        name=name,
        stem=stem,
        pinyin=py,
        province=province or rng.choice(fam.provinces),
        prefecture=prefecture,
        kind_char=kind_char,
    )
    v.pinyin_prefecture = names.pinyin_of(prefecture[:-1]) or "pref" + code[:4]
    v.site_code = code + f"{int(hashlib.md5(name.encode()).hexdigest(), 16) % 10000:04d}"
    return v


def _host_names(v: world.Variant, host: str | None, subhost: str | None) -> None:
    """The main host, given or in a drawn shape; a given sub-host is kept for the navigation."""
    if host:
        v.host = host
        v.knobs["host_shape"] = "given"
    else:
        _hosts(v)
    if subhost:
        v.knobs["subhost_given"] = subhost


def _plan_portal(fam: Family, v: world.Variant) -> None:
    """The portal's agencies, reports (with their truths), decoys and the 年报 column tree."""
    portal = Portal(
        code=v.code,
        name=v.name,
        province=v.province,
        prefecture=v.prefecture,
        url="",
        archetype=f"variant:{v.family}",
        outcome="ok",
        reason=f"variant {v.family}:{v.seed}",
        section="portals.md " + fam.research,
    )
    v.portal = portal
    portal.agencies = world.plan_agencies(v)
    world.plan_reports(v, fam.formats)
    world.plan_decoys(v)
    build_truths(portal)
    world.plan_tree(v, fam.splits, v.rng.choice(world.ROOT_TEXTS))


def _plan_hosts(fam: Family, v: world.Variant, site: VariantSite) -> str:
    """http, https or both; where the 年报 column sits (which may add a sub-host or a document
    host); then every host the site answers. Returns the scheme choice."""
    tls = v.pick("scheme", ("http", "https", "both"), [6, 2.5, 1.5])
    v.scheme = "https" if tls == "https" else "http"
    navigation.plan_navigation(fam, v)
    extra_hosts = [h for h in (v.subhost, v.doc_host) if h and h not in (v.host, v.subhost)]
    for h in [v.host, *([v.subhost] if v.subhost else []), *extra_hosts]:
        site.add_host(h, tls=TLS_OK if tls != "http" and not h[0].isdigit() else TLS_REFUSED)
    return tls


def _family_knobs(fam: Family, v: world.Variant) -> None:
    """What the family decided in its setup, recorded with the seed's other choices."""
    v.knobs["static_links"] = fam.static_links  # every click-path step a literal link
    v.knobs["js_only"] = fam.js_only
    api = getattr(fam, "api", None)
    if isinstance(api, Api):  # the JS families' endpoint, as finally configured
        v.knobs["api"] = {k: getattr(api, k) for k in api.__dataclass_fields__}


def _build_pages(fam: Family, v: world.Variant, site: VariantSite) -> None:
    """Every page: the 年报 tree, side columns, news, the navigation to them, the traits; then
    the click path to each report."""
    v.xxgk_url = v.url(fam.xxgk_path(v), v.tree_host if v.placement == "subhost" else v.host)
    side = fam.side_columns(v, site)
    engine.build_tree(fam, v, site)
    engine.build_side(fam, v, site, side)
    engine.build_news(v, site)
    navigation.build_navigation(fam, v, site, side)
    _traits(v, site)
    engine.record_paths(fam, v)


def _list_portal(v: world.Variant, site: VariantSite, tls: str) -> None:
    """The registry URL and hosts of the portal; a report's own page is not its twin."""
    portal = v.portal
    assert portal is not None
    # an https portal is listed by its https URL or by the http one that redirects to it
    http_listed = tls == "https" and v.chance("registry_lists_http", 0.5)
    portal.url = f"http://{v.host}/" if http_listed else v.url("/")
    portal.hosts = list(site.hosts)
    for rep in portal.reports:
        rep.twin_urls = [u for u in rep.twin_urls if u != rep.page_url]


def _traits(v: world.Variant, site: VariantSite) -> None:
    robots = v.pick("robots", ("none", "open", "delay", "disallow"), [4, 2.5, 2.5, 1])
    delay = v.rng.choice((0.5, 1.0, 1.5, 2.0)) if robots == "delay" else None
    v.knobs["crawl_delay"] = delay
    for cfg in site.hosts.values():
        if robots != "none":
            dis = ["/admin/", "/search/"] if robots == "disallow" else []
            cfg.robots = site.robots_text(delay, dis)
    v.chance("soft_404", 0.2)
    if v.chance("cookie_stub", 0.12):
        token = hashlib.sha1(f"{v.code}{v.seed}".encode()).hexdigest()[:16]
        site.cookie_gate = (
            v.rng.choice(("wzws_cid", "__tst_status", "yunsuo_session_verify")),
            token,
        )
        v.knobs["cookie_gate"] = list(site.cookie_gate)  # what the stub's script sets


def parse_spec(spec: str) -> list[tuple[str, int]]:
    """``trs:0-9,gkmlpt:3`` or ``all:0-2`` → [(family, seed), …]."""
    out: list[tuple[str, int]] = []
    for part in filter(None, (p.strip() for p in spec.split(","))):
        fam, _, seeds = part.partition(":")
        lo, _, hi = (seeds or "0").partition("-")
        fams = list(FAMILIES) if fam == "all" else [fam]
        for f in fams:
            if f not in FAMILIES:
                raise ValueError(f"unknown family {f!r}; known: {', '.join(FAMILIES)}")
            out += [(f, s) for s in range(int(lo), int(hi or lo) + 1)]
    return out
