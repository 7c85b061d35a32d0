"""The discovered registry as a CSV: the crawl's registry columns plus the evidence.

One row for every county-level unit in scope, verified or not: ``code, name, province,
prefecture, url, platform, js`` (what ``nianbao crawl --registry`` reads) and ``found_on,
link_text, link_url, title, site_id, verified_by, verified_at, confidence, reason``. A unit with
no verified portal has an empty ``url`` and the reason.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from .units import Unit

COLUMNS = (
    "code",
    "name",
    "province",
    "prefecture",
    "url",
    "platform",
    "js",
    "found_on",
    "link_text",
    "link_url",
    "title",
    "site_id",
    "verified_by",
    "verified_at",
    "confidence",
    "reason",
)
_RANK = {"high": 3, "medium": 2, "low": 1}


@dataclass(frozen=True)
class Found:
    unit: Unit
    url: str  # the portal's final URL, after redirects
    found_on: str  # the page whose link led there
    link_text: str
    link_url: str  # the link as printed (an old domain, before its redirect)
    title: str
    site_id: str
    verified_by: str
    verified_at: str
    confidence: str


def best(found: list[Found]) -> Found:
    """The most convincing of a unit's verified candidates (the first among equals)."""
    return max(found, key=lambda f: _RANK.get(f.confidence, 0))


def row_for(unit: Unit, found: list[Found], failed: list[str]) -> dict:
    row = dict.fromkeys(COLUMNS, "")
    row.update(code=unit.code, name=unit.name, province=unit.province, prefecture=unit.prefecture)
    if found:
        f = best(found)
        row.update(
            url=f.url,
            found_on=f.found_on,
            link_text=f.link_text,
            link_url=f.link_url,
            title=f.title,
            site_id=f.site_id,
            verified_by=f.verified_by,
            verified_at=f.verified_at,
            confidence=f.confidence,
        )
    elif failed:
        row["reason"] = "; ".join(failed[:3])
    else:
        row["reason"] = f"no link to it found on {unit.prefecture or unit.province}'s portal"
    return row


def write_registry(
    path: str | Path, scope: list[Unit], found: dict[str, list[Found]], failed: dict[str, list[str]]
) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        for unit in sorted(scope, key=lambda u: u.code):
            w.writerow(row_for(unit, found.get(unit.code, []), failed.get(unit.code, [])))
