"""``nianbao reparse``: every stored report read again by the path that read it first.

A report is one of two kinds on disk: a document (PDF, scan, DOCX, WPS, OFD, an HTML article
that is the report itself) read by ``read_document``, or a 图片版 report — an article page whose
pictures are its pages — read by ``read_pictures`` with the pictures in printed order. Both are
the functions ``ingest`` calls, so a reparse gives what a fresh crawl of the same bytes would.

A re-reading never makes a report worse by accident: when OCR is off (``--no-ocr``) a report
that was read by OCR is left as it is, and a parse that read nothing (aborted: out of time or
memory on a busy machine) leaves the earlier reading in place. Both are counted.
"""

from __future__ import annotations

from collections.abc import Callable

from parsers import PARSER_VERSION

from ..provenance import Listing
from .database import Archive
from .ingest import ParseLimits, read_document, read_pictures
from .pictures import pictures_of

_ROWS = (
    "SELECT r.id, r.portal_code, r.page_url, r.document_url, r.published, r.listed_title, "
    "r.listed_agency, r.listed_year, r.fetched_at, r.extraction, d.sha256, d.filename, d.path, "
    "d.media_type FROM reports r JOIN documents d ON d.sha256 = r.document_sha256 "
)


def _listing(r: dict) -> Listing:
    return Listing(
        portal_code=r["portal_code"],
        page_url=r["page_url"],
        document_url=r["document_url"],
        published=r["published"],
        title=r["listed_title"],
        agency=r["listed_agency"],
        year=r["listed_year"],
        fetched_at=r["fetched_at"],
    )


def reread(archive: Archive, r: dict, limits: ParseLimits) -> tuple[str, dict | None, bytes]:
    """Read one report's stored bytes again. Returns what happened (``reparsed``,
    ``missing_files``, ``needs_ocr``), the new reading if any, and the document's bytes."""
    if not archive.store.exists(r["path"]):
        return "missing_files", None, b""
    data = archive.store.get(r["path"])
    pictures = pictures_of(archive, r, data) if r["media_type"] == "text/html" else []
    if pictures:
        if not limits.ocr:
            return "needs_ocr", None, data  # pictures are read by OCR only
        if not all(archive.store.exists(p.path) for p in pictures):
            return "missing_files", None, data
        images = [archive.store.get(p.path) for p in pictures]
        url = r["document_url"] or r["page_url"] or ""
        parsed = read_pictures(data, images, url, limits)
        for number, p in enumerate(pictures, 1):  # the order is on record from now on
            archive.touch_report(r["id"], p.sha256, p.url, url, page_of=r["sha256"],
                                 page_number=number)  # fmt: skip
        return "reparsed", parsed, data
    if not limits.ocr and r["extraction"] in ("ocr", "mixed"):
        return "needs_ocr", None, data
    return "reparsed", read_document(data, r["filename"] or "", limits), data


def reparse(
    archive: Archive,
    *,
    everything: bool = False,
    limits: ParseLimits = ParseLimits(),  # noqa: B008 - frozen, so one shared default is safe
    progress: Callable[[int, int, dict, dict], None] | None = None,
) -> dict:
    """Re-parse stored reports with the current parser, without crawling.

    By default only reports parsed by an older parser version; ``everything`` forces all.
    Reports keep their ids, URLs and what the portal said about them (a report whose key
    changed and now equals another report's is merged into that one: ``merged``). Each report
    is rewritten in one transaction, so a reparse killed at any point leaves every report
    either as it was or as it is now, and running it again finishes the job.
    """
    where = "" if everything else "WHERE r.parser_version IS NOT ? "
    params = [] if everything else [PARSER_VERSION]
    rows = list(archive.db.query(_ROWS + where + "ORDER BY r.id", params))
    stats = {"reports": len(rows), "reparsed": 0, "missing_files": 0, "merged": 0}
    stats |= {"needs_ocr": 0, "unreadable": 0}
    for n, r in enumerate(rows, 1):
        outcome, parsed, data = reread(archive, r, limits)
        if parsed is not None and parsed.get("extraction") == "none" and r["extraction"] != "none":
            outcome = "unreadable"  # read nothing this time: the earlier reading stays
        stats[outcome] += 1
        if outcome != "reparsed" or parsed is None:
            continue
        archive.add_document(data, r["media_type"], r["filename"], parsed=parsed)
        new_id = archive.add_report(
            parsed, sha=r["sha256"], listing=_listing(r), replace_id=r["id"]
        )
        stats["merged"] += int(new_id != r["id"])
        if progress:
            progress(n, len(rows), r, parsed)
    return stats
