"""Ground truth of a variant farm: the sample farm's manifest format (``farm/groundtruth.py``)
plus, per portal, the family, seed and knobs, and per report the click path a person follows
from the home page (and, for JS-only lists, the API URLs the loader script calls).

Also the serving set: which (family, seed) pairs to build, with codes and hosts kept unique
across the set (a fictional code is ``98`` + family number + ``seed % 100``, so two seeds of
one family 100 apart would collide; the later one takes the next free code).
"""

from __future__ import annotations

from ..sites.base import FarmState
from . import generate
from .site import VariantSite


def build_set(pairs: list[tuple], state: FarmState) -> list[VariantSite]:
    """The sites of ``pairs``: ``(family, seed)`` or ``(family, seed, {generate kwargs})``
    (e.g. a real county's ``code``, ``name``, ``province``, ``prefecture``)."""
    sites: list[VariantSite] = []
    codes: set[str] = set()
    hosts: set[str] = set()
    for family, seed, *rest in pairs:
        kw = dict(rest[0]) if rest else {}
        site = generate(family, seed, state=state, **kw)
        v = site.v
        code, host, sub = v.code, None, None
        while "code" not in kw and (code in codes or code.startswith("99")):
            code = f"98{(int(code[2:]) + 1) % 10000:04d}"
        if v.host in hosts or (v.subhost and v.subhost in hosts and not v.subhost[0].isdigit()):
            for cand in (
                f"www.{v.pinyin}",
                f"www.{v.pinyin}{v.code[:2]}",
                f"www.{v.pinyin}{v.code}",
            ):
                host = f"{cand}.gov.cn.test"
                bare = host.removeprefix("www.")
                if (
                    host not in hosts
                    and f"xxgk.{bare}" not in hosts
                    and f"zwgk.{bare}" not in hosts
                ):
                    break
        if v.subhost and v.subhost[0].isdigit() and v.subhost in hosts:
            base = v.subhost.split(":")[0].rsplit(".", 1)[0]
            n = 20
            while f"{base}.{n}" in hosts or any(h.startswith(f"{base}.{n}:") for h in hosts):
                n += 1
            sub = f"{base}.{n}" + (":8080" if ":" in v.subhost else "")
        if (code, host, sub) != (v.code, None, None):
            kw.update(code=code, host=host, subhost=sub)
            site = generate(family, seed, state=state, **kw)
        codes.add(site.v.code)
        hosts.update(site.hosts)
        sites.append(site)
    return sites


def annotate(manifest: dict, sites: list[VariantSite]) -> dict:
    """Add the variant fields to a manifest built from these sites' portals."""
    by_code = {s.v.code: s.v for s in sites}
    for p in manifest["portals"]:
        v = by_code.get(p["code"])
        if v is None:
            continue
        p["variant"] = {
            "family": v.family,
            "seed": v.seed,
            "placement": v.placement,
            "tree_host": v.tree_host,
            "knobs": v.knobs,
        }
    for r in manifest["reports"]:
        v = by_code.get(r["portal_code"])
        if v is not None:
            r["click_path"] = v.paths.get(r["id"], [])
            r["endpoints"] = v.endpoints.get(r["id"], [])
            r["list_page"] = v.list_pages.get(r["id"])
    for d in manifest["decoys"]:
        v = by_code.get(d["portal_code"])
        if v is not None:
            d["click_path"] = v.decoy_paths.get(d["title"], [])
    return manifest
