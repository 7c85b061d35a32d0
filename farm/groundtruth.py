"""Ground truth of the farm: expected outcome per portal, every expected report with the URLs where
it is reachable, the decoys that must not be archived; plus the registry CSV.

    .venv/bin/python -m farm --write-truth    # rewrite farm/manifest.json and farm/registry.csv

The committed ``farm/manifest.json`` is the manifest of an unmutated farm; a running farm's
``Farm.manifest`` reflects the mutations applied to it.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from .content import ContentStore
from .model import Portal, Report
from .reportgen import DELIBERATE
from .sites import MUTATIONS, build_sites
from .sites.base import FarmState

HERE = Path(__file__).resolve().parent
MANIFEST_PATH = HERE / "manifest.json"
REGISTRY_PATH = HERE / "registry.csv"
REGISTRY_COLUMNS = ("code", "name", "province", "prefecture", "url", "platform", "js")
FORMAT_VERSION = 1


def report_entry(r: Report) -> dict:
    errors = [
        {"id": e, "rules": list(DELIBERATE[e][0]), "what": DELIBERATE[e][1]} for e in r.errors
    ]
    return {
        "id": r.id,
        "portal_code": r.portal,
        "agency": r.agency.name,
        "agency_short": r.agency.short,
        "agency_aliases": r.agency.aliases,
        "agency_type": r.agency.kind,
        "agency_credit_code": r.agency.credit_code,
        "year": r.year,
        "title": r.title,
        "printed_title": (r.truth or {}).get("title"),
        "published": r.published.isoformat(),
        "report_date": (r.truth or {}).get("report_date"),
        "template_version": r.template_version,
        "layouts": {"sec2": r.sec2, "sec3": r.sec3, "sec4": "standard"},
        "carrier": r.carrier,
        "format": r.fmt,
        "page_url": r.page_url,
        "document_urls": r.document_urls,
        "twin_urls": r.twin_urls,
        "urls": r.urls,
        "must_archive": r.must_archive,
        "has_deliberate_error": bool(r.errors),
        "deliberate_errors": errors,
        "fault": r.fault or None,
        "revised": r.revised,
        "note": r.note or None,
    }


def portal_entry(p: Portal) -> dict:
    return {
        "code": p.code,
        "name": p.name,
        "province": p.province,
        "prefecture": p.prefecture,
        "url": p.url,
        "platform": p.platform,
        "js": p.js,
        "archetype": p.archetype,
        "hosts": p.hosts,
        "expected_outcome": p.outcome,
        "reason": p.reason,
        "research": p.section,
        "reports": len(p.reports),
        "must_archive": sum(r.must_archive for r in p.reports),
        "decoys": len(p.decoys),
    }


def build_manifest(portals: list[Portal], mutations: frozenset[str] = frozenset()) -> dict:
    return {
        "format_version": FORMAT_VERSION,
        "mutations_applied": sorted(mutations),
        "mutations_available": MUTATIONS,
        "portals": [portal_entry(p) for p in portals],
        "reports": [report_entry(r) for p in portals for r in p.reports],
        "decoys": [
            {
                "portal_code": d.portal,
                "kind": d.kind,
                "title": d.title,
                "published": d.published.isoformat(),
                "urls": d.urls,
                "note": d.note or None,
            }
            for p in portals
            for d in p.decoys
        ],
    }


def registry_csv(portals: list[Portal]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(REGISTRY_COLUMNS)
    for p in portals:
        w.writerow([p.code, p.name, p.province, p.prefecture, p.url, p.platform, p.js])
    return buf.getvalue()


def manifest(mutations: frozenset[str] = frozenset()) -> dict:
    """The manifest of a farm with ``mutations`` applied (builds the sites, starts nothing)."""
    portals, _ = build_sites(frozenset(mutations), ContentStore(), FarmState())
    return build_manifest(portals, frozenset(mutations))


def dumps(obj: dict) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=1) + "\n"


def write() -> str:
    """Rewrite the committed manifest.json and registry.csv; returns a one-line summary."""
    portals, _ = build_sites(frozenset(), ContentStore(), FarmState())
    MANIFEST_PATH.write_text(dumps(build_manifest(portals)), "utf-8")
    REGISTRY_PATH.write_text(registry_csv(portals), "utf-8")
    m = build_manifest(portals)
    return (
        f"{len(m['portals'])} portals, {len(m['reports'])} reports "
        f"({sum(r['must_archive'] for r in m['reports'])} must be archived), "
        f"{len(m['decoys'])} decoys → {MANIFEST_PATH}, {REGISTRY_PATH}"
    )
