"""Document bytes → document store → parser → archive: the one path every source takes.

The crawl pipeline, ``nianbao import`` (a journalist's folder of PDFs) and ``nianbao reparse``
all call :func:`ingest`, so a report is archived the same way whatever brought it in.
"""

from __future__ import annotations

from dataclasses import dataclass

from parsers import PARSER_VERSION, parse_bytes

from .archive import Archive
from .store import sha256


@dataclass
class Ingested:
    sha256: str
    report_id: int | None  # None when the document is not an annual report
    parsed: dict | None  # None when nothing had to be parsed
    new_document: bool


def ingest(
    archive: Archive,
    data: bytes,
    filename: str = "",
    *,
    portal_code: str | None = None,
    page_url: str | None = None,
    document_url: str | None = None,
    published: str | None = None,
    title: str | None = None,
    agency: str | None = None,
    year: int | None = None,
    fetched_at: str | None = None,
    keep_non_reports: bool = False,
    ocr: bool = True,
    years: tuple[int, int] | None = None,
) -> Ingested:
    """Store the bytes, parse them (isolated, time- and memory-bounded) and archive the report.

    A document that is not an annual report (a decoy the crawler could not rule out from its
    title) is stored, but becomes a report only with ``keep_non_reports``; neither does a
    report outside ``years`` (inclusive range).
    """
    digest = sha256(data)
    seen = archive.document(digest)
    if seen is not None and seen["parser_version"] == PARSER_VERSION:
        # The same bytes were parsed by this parser version already (an unchanged document
        # found again, or under another URL): record where it was seen, parse nothing.
        report = archive.report_for_document(digest)
        if report is not None:
            archive.touch_report(report["id"], digest, document_url or page_url or "", page_url)
            return Ingested(digest, report["id"], None, False)
        if not seen["is_annual_report"] and not keep_non_reports:
            return Ingested(digest, None, None, False)
    parsed = parse_bytes(data, filename, ocr=ocr)
    archive.add_document(data, parsed["source"]["media_type"], filename or None, parsed=parsed)
    report_id = None
    report_year = year or parsed.get("year")
    if years and report_year and not years[0] <= report_year <= years[1]:
        return Ingested(digest, None, parsed, seen is None)  # outside the requested years
    if parsed.get("is_annual_report") or keep_non_reports:
        report_id = archive.add_report(
            parsed,
            sha=digest,
            portal_code=portal_code,
            page_url=page_url,
            document_url=document_url,
            published=published,
            title=title,
            agency=agency,
            year=year,
            fetched_at=fetched_at,
        )
    return Ingested(digest, report_id, parsed, seen is None)


def ingest_pictures(
    archive: Archive,
    page: bytes,
    images: list[tuple[str, bytes]],
    *,
    url: str,
    portal_code: str | None = None,
    published: str | None = None,
    title: str | None = None,
    agency: str | None = None,
    year: int | None = None,
    fetched_at: str | None = None,
) -> Ingested:
    """A 图片版 report: the article page is its document, the pictures are its pages."""
    from parsers import parse_pages

    digest = sha256(page)
    seen = archive.document(digest)
    report = archive.report_for_document(digest) if seen else None
    if report is not None and report["parser_version"] == PARSER_VERSION:
        archive.touch_report(report["id"], digest, url, url)
        return Ingested(digest, report["id"], None, False)
    parsed = parse_pages([data for _, data in images], page, url.rsplit("/", 1)[-1])
    archive.add_document(page, "text/html", None, parsed=parsed)
    pictures = [
        (u, archive.add_document(data, _image_type(data), u.rsplit("/", 1)[-1]))
        for u, data in images
    ]
    report_id = archive.add_report(
        parsed,
        sha=digest,
        portal_code=portal_code,
        page_url=url,
        document_url=url,
        published=published,
        title=title,
        agency=agency,
        year=year,
        fetched_at=fetched_at,
    )
    for picture_url, picture_sha in pictures:
        archive.touch_report(report_id, picture_sha, picture_url, url)
    return Ingested(digest, report_id, parsed, seen is None)


def _image_type(data: bytes) -> str:
    from parsers.sniff import sniff

    return sniff(data)[1]


def reparse(archive: Archive, *, everything: bool = False, ocr: bool = True, progress=None) -> dict:
    """Re-parse stored documents with the current parser, without crawling.

    By default only reports parsed by an older parser version; ``everything`` forces all.
    Reports keep their ids, URLs and what the portal said about them.
    """
    where = "" if everything else "WHERE parser_version IS NOT ? "
    params = [] if everything else [PARSER_VERSION]
    rows = list(
        archive.db.query(
            "SELECT r.id, r.portal_code, r.page_url, r.document_url, r.published, r.listed_title, "
            "r.listed_agency, r.listed_year, r.fetched_at, d.sha256, d.filename, d.path "
            f"FROM reports r JOIN documents d ON d.sha256 = r.document_sha256 {where}ORDER BY r.id",
            params,
        )
    )
    stats = {"reports": len(rows), "reparsed": 0, "missing_files": 0, "changed_key": 0}
    for n, r in enumerate(rows, 1):
        if not archive.store.exists(r["path"]):
            stats["missing_files"] += 1
            continue
        data = archive.store.get(r["path"])
        parsed = parse_bytes(data, r["filename"] or "", ocr=ocr)
        new_id = archive.add_report(
            parsed,
            sha=r["sha256"],
            portal_code=r["portal_code"],
            page_url=r["page_url"],
            document_url=r["document_url"],
            published=r["published"],
            title=r["listed_title"],
            agency=r["listed_agency"],
            year=r["listed_year"],
            fetched_at=r["fetched_at"],
            replace_id=r["id"],
        )
        stats["reparsed"] += 1
        stats["changed_key"] += int(new_id != r["id"])
        if progress:
            progress(n, len(rows), r, parsed)
    return stats
