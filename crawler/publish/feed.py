"""``/-/feed.atom``: an Atom feed (RFC 4287) of newly archived reports, newest first.

For people who follow a place: ``?province=山西省``, ``?prefecture=吕梁市``, ``?county=交城县``
or ``?code=141122`` narrow it (combine them freely). Entries are ordered by ``first_seen`` —
when the archive first saw the report — so a late report found today is news today.
The XML is built with ElementTree, so every title and name is escaped correctly.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from datasette import hookimpl
from datasette.utils.asgi import Request, Response

from .common import archive, int_arg, place_filter, place_label

ATOM = "http://www.w3.org/2005/Atom"
DEFAULT_ENTRIES = 50
MAX_ENTRIES = 500


def rfc3339(stamp: str | None) -> str:
    """Archive timestamps ('2024-01-18T09:30:00Z', '2024-01-18 09:30', '2024-01-18') → RFC 3339."""
    if not stamp:
        return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    text = stamp.strip().replace(" ", "T")
    if len(text) == 10:
        text += "T00:00:00"
    if len(text) == 16:
        text += ":00"
    if not text.endswith("Z") and "+" not in text[10:]:
        text += "Z"
    return text


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        el.text = text
    return el


def build_feed(rows: list[dict], *, base: str, self_url: str, place: str) -> bytes:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    feed.set("{http://www.w3.org/XML/1998/namespace}lang", "zh-CN")
    title = "nianbao 年报: 新收录的政府信息公开工作年度报告"
    _sub(feed, "title", f"{title} · {place}" if place else title)
    _sub(feed, "subtitle", "Government information-disclosure annual reports, newly archived")
    _sub(feed, "id", self_url)
    _sub(feed, "link", rel="self", href=self_url, type="application/atom+xml")
    _sub(feed, "link", rel="alternate", href=f"{base}/", type="text/html")
    _sub(feed, "updated", rfc3339(rows[0]["first_seen"] if rows else None))
    _sub(feed, "generator", "nianbao")
    for r in rows:
        entry = _sub(feed, "entry")
        page = f"{base}/-/report/{r['id']}"
        _sub(entry, "title", r["title"] or f"{r['agency'] or '?'} {r['year'] or ''}年度报告")
        _sub(entry, "id", page)
        _sub(entry, "link", rel="alternate", href=page, type="text/html")
        if r["document_sha256"]:
            _sub(
                entry,
                "link",
                rel="enclosure",
                href=f"{base}/-/document/{r['document_sha256']}",
                type=r["media_type"] or "application/octet-stream",
            )
        if r["page_url"]:
            _sub(entry, "link", rel="via", href=r["page_url"], type="text/html")
        _sub(entry, "updated", rfc3339(r["first_seen"]))
        if r["published"]:
            _sub(entry, "published", rfc3339(r["published"]))
        author = _sub(entry, "author")
        _sub(author, "name", r["agency"] or r["county"] or "unknown")
        for term in (r["province"], r["prefecture"], r["county"], str(r["year"] or "")):
            if term:
                _sub(entry, "category", term=term)
        place_text = " ".join(x for x in (r["province"], r["prefecture"], r["county"]) if x)
        summary = [place_text, r["agency"] or "", f"{r['year']}年度" if r["year"] else ""]
        if r["new_received"] is not None:
            summary.append(f"新收申请 {r['new_received']:g} 件")
        if r["checks_failed"]:
            summary.append(f"{r['checks_failed']} 项勾稽关系不符 (checks failed)")
        _sub(entry, "summary", " · ".join(s for s in summary if s))
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


async def feed(datasette, request: Request) -> Response:
    db = archive(datasette)
    where, params = place_filter(request, by_date=True)
    params["limit"] = min(MAX_ENTRIES, int_arg(request, "_size") or DEFAULT_ENTRIES)
    rows = [
        dict(r)
        for r in await db.execute(
            "SELECT r.id, r.title, r.agency, r.year, r.province, r.prefecture, r.county, "
            "r.published, r.first_seen, r.page_url, r.document_sha256, r.media_type, "
            "r.checks_failed, a.new_received_total AS new_received "
            "FROM reports r LEFT JOIN applications a ON a.report_id = r.id "
            f"{'WHERE ' + where if where else ''} "
            "ORDER BY r.first_seen DESC, r.id DESC LIMIT :limit",
            params,
        )
    ]
    base = datasette.absolute_url(request, datasette.urls.path("/")).rstrip("/")
    self_url = datasette.absolute_url(request, request.full_path)
    body = build_feed(rows, base=base, self_url=self_url, place=place_label(request))
    return Response(body, content_type="application/atom+xml; charset=utf-8")


@hookimpl
def register_routes():
    return [(r"^/-/feed\.atom$", feed)]
