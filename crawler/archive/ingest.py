"""Document bytes → document store → parser → archive: the one path every source takes.

The crawl pipeline, ``nianbao import`` (a journalist's folder of PDFs) and ``nianbao reparse``
all come through here, so a report is archived the same way whatever brought it in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from parsers import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT, PARSER_VERSION, parse_bytes, parse_pages
from parsers.container import basename, read_members
from parsers.sniff import sniff

from ..provenance import Listing
from .database import Archive
from .store import sha256


@dataclass
class Ingested:
    sha256: str
    report_id: int | None  # None when the document is not an annual report
    parsed: dict | None  # None when nothing had to be parsed
    # A zip's documents, each archived as a document (and report) of its own; ``report_id``
    # is then the first member report's.
    members: list[Ingested] = field(default_factory=list)


@dataclass(frozen=True)
class ParseLimits:
    """What one document's parse may cost (settings NIANBAO_PARSE_TIMEOUT / _MEMORY_MB)."""

    timeout: float = DEFAULT_TIMEOUT
    memory_mb: int | None = DEFAULT_MEMORY_MB
    ocr: bool = True


def read_document(data: bytes, filename: str, limits: ParseLimits) -> dict:
    """One document read by the parser, isolated and bounded: what ``ingest`` and ``reparse``
    both call, so a stored document reads the same whichever brought it in."""
    return parse_bytes(
        data, filename, ocr=limits.ocr, timeout=limits.timeout, memory_mb=limits.memory_mb
    )


def read_pictures(page: bytes, images: list[bytes], page_url: str, limits: ParseLimits) -> dict:
    """A 图片版 report read by the parser: the article page is its document, the pictures (in
    printed order) its pages, OCR'd like a scan. Shared by ``ingest_pictures`` and ``reparse``."""
    return parse_pages(
        images,
        page,
        page_url.rsplit("/", 1)[-1],
        timeout=limits.timeout,
        memory_mb=limits.memory_mb,
    )


def ingest(
    archive: Archive,
    data: bytes,
    filename: str = "",
    listing: Listing = Listing(),  # noqa: B008 - frozen, so one shared default is safe
    *,
    limits: ParseLimits = ParseLimits(),
    keep_non_reports: bool = False,
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
            url = listing.document_url or listing.page_url or ""
            archive.touch_report(report["id"], digest, url, listing.page_url)
            return Ingested(digest, report["id"], None)
        if not seen["is_annual_report"] and not keep_non_reports:
            return Ingested(digest, None, None)
    parsed = read_document(data, filename, limits)
    if "members" in parsed:
        # A zip: stored as found, and each document inside archived as one of its own (its
        # report's document is the member, so reparse reads the member). The zip is linked to
        # the reports too, so that finding the same zip again parses nothing.
        archive.add_document(data, parsed["source"]["media_type"], filename or None, parsed=parsed)
        members = [
            _archive_one(archive, member, data_of, basename(name), listing, keep_non_reports, years)
            for member, (name, data_of) in _member_bytes(data, parsed["members"])
        ]
        url = listing.document_url or listing.page_url or ""
        for m in members:
            if m.report_id is not None:
                archive.touch_report(m.report_id, digest, url, listing.page_url)
        first = next((m.report_id for m in members if m.report_id is not None), None)
        return Ingested(digest, first, parsed, members)
    return _archive_one(archive, parsed, data, filename, listing, keep_non_reports, years)


def _member_bytes(data: bytes, reports: list[dict]) -> list[tuple[dict, tuple[str, bytes]]]:
    """Each member report with its bytes (read again, with the same limits, from the zip)."""
    by_sha = {sha256(m.data): (m.name, m.data) for m in read_members(data)[0]}
    return [(r, by_sha[r["source"]["sha256"]]) for r in reports if r["source"]["sha256"] in by_sha]


def _archive_one(
    archive: Archive,
    parsed: dict,
    data: bytes,
    filename: str,
    listing: Listing,
    keep_non_reports: bool,
    years: tuple[int, int] | None,
) -> Ingested:
    """Store a parsed document and, if it is a report to keep, archive the report."""
    digest = sha256(data)
    archive.add_document(data, parsed["source"]["media_type"], filename or None, parsed=parsed)
    report_year = listing.year or parsed.get("year")
    if years and report_year and not years[0] <= report_year <= years[1]:
        return Ingested(digest, None, parsed)  # outside the requested years
    if not (parsed.get("is_annual_report") or keep_non_reports):
        return Ingested(digest, None, parsed)
    return Ingested(digest, archive.add_report(parsed, sha=digest, listing=listing), parsed)


def ingest_pictures(
    archive: Archive,
    page: bytes,
    images: list[tuple[str, bytes]],
    listing: Listing,
    *,
    limits: ParseLimits = ParseLimits(),
) -> Ingested:
    """A 图片版 report: the article page (``listing.page_url``) is its document, the pictures
    are its pages."""
    url = listing.page_url or ""
    digest = sha256(page)
    seen = archive.document(digest)
    report = archive.report_for_document(digest) if seen else None
    if report is not None and report["parser_version"] == PARSER_VERSION:
        archive.touch_report(report["id"], digest, url, url)
        return Ingested(digest, report["id"], None)
    parsed = read_pictures(page, [data for _, data in images], url, limits)
    archive.add_document(page, "text/html", None, parsed=parsed)
    pictures = [
        (u, archive.add_document(data, sniff(data)[1], u.rsplit("/", 1)[-1])) for u, data in images
    ]
    report_id = archive.add_report(parsed, sha=digest, listing=listing.but(document_url=url))
    for number, (picture_url, picture_sha) in enumerate(pictures, 1):
        archive.touch_report(
            report_id, picture_sha, picture_url, url, page_of=digest, page_number=number
        )
    return Ingested(digest, report_id, parsed)
