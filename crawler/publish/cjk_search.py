"""Chinese full-text search in Datasette, for every query length.

The archive indexes text as overlapping bigrams (crawler/archive/search.py). Datasette's search
box and ``?_search=`` wrap the query in the SQL function ``escape_fts`` — which quotes the whole
input as one token, so 复议 would look for a token that the bigram index never holds. This
plugin re-registers ``escape_fts`` as :func:`crawler.archive.search.fts_query` (bigram
phrases), so the table page, ``?_search_<column>=``, canned queries and our own search page all
find 1-, 2- and n-character Chinese words.

``trylast=True`` matters: pluggy calls the implementations registered last *first*, and
Datasette's own ``prepare_connection`` (which registers the original ``escape_fts``) is
registered before ours — without ``trylast`` it would run after ours and win.

The table pages' search filter is in search_filter.py.

The ``/-/search`` page is our "search all": one box over titles, agencies and text, with an
excerpt around the first match (the index is contentless, so FTS5's ``snippet()`` cannot be
used; the excerpt is cut from ``reports.text``).
"""

from __future__ import annotations

import re
import unicodedata

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.utils.asgi import Request
from markupsafe import Markup, escape

from crawler.archive.search import fts_query

from .common import arg, html, int_arg, place_filter

PAGE_SIZE = 20
COUNT_TIME_LIMIT_MS = 250  # counting every report that contains 政府信息公开 takes longer: "many"


def escape_fts(query: str | None) -> str:
    return fts_query(query or "")


@hookimpl(trylast=True)
def prepare_connection(conn) -> None:
    conn.create_function("escape_fts", 1, escape_fts, deterministic=True)


def snippet(text: str | None, query: str, width: int = 60) -> Markup:
    """An excerpt of ``text`` around the first query term, terms marked with <mark>."""
    if not text:
        return Markup("")
    text = unicodedata.normalize("NFKC", text).replace("\n", " ")
    terms = [unicodedata.normalize("NFKC", t) for t in query.split() if t.strip()]
    if not terms:
        return Markup("")
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.I)
    m = pattern.search(text)
    start = max(0, m.start() - width) if m else 0
    end = min(len(text), (m.end() if m else 0) + width)
    excerpt = text[start:end]
    out, pos = [], 0
    for hit in pattern.finditer(excerpt):
        out.append(escape(excerpt[pos : hit.start()]))
        out.append(Markup("<mark>") + escape(hit.group(0)) + Markup("</mark>"))
        pos = hit.end()
    out.append(escape(excerpt[pos:]))
    prefix, suffix = ("…" if start > 0 else ""), ("…" if end < len(text) else "")
    return Markup(prefix) + Markup("").join(out) + Markup(suffix)


async def search_page(datasette, request: Request):
    from .common import archive

    db = archive(datasette)
    q = arg(request, "q")
    page = max(1, int_arg(request, "page") or 1)
    where, params = place_filter(request, by_date=True)  # the index drives, newest first
    if year := int_arg(request, "year"):
        where = " AND ".join(filter(None, [where, "r.year = :year"]))
        params["year"] = year
    results: list[dict] = []
    total: int | None = None
    if q:
        params |= {"match": fts_query(q), "limit": PAGE_SIZE, "offset": (page - 1) * PAGE_SIZE}
        and_where = f" AND {where}" if where else ""
        rows = await db.execute(
            "SELECT r.id, r.province, r.prefecture, r.county, r.agency, r.year, r.title, "
            "r.published, r.document_sha256, r.media_type, r.page_url, r.text "
            "FROM reports_fts f JOIN reports r ON r.id = f.rowid "
            f"WHERE reports_fts MATCH :match{and_where} ORDER BY f.rowid DESC "
            "LIMIT :limit OFFSET :offset",
            params,
        )
        results = [dict(r) | {"snippet": snippet(r["text"], q)} for r in rows]
        count_sql = (
            "SELECT count(*) FROM reports_fts f JOIN reports r ON r.id = f.rowid "
            f"WHERE reports_fts MATCH :match{and_where}"
            if where
            else "SELECT count(*) FROM reports_fts WHERE reports_fts MATCH :match"
        )
        try:
            total = (
                await db.execute(count_sql, params, custom_time_limit=COUNT_TIME_LIMIT_MS)
            ).first()[0]
        except QueryInterrupted:
            total = None
    return await html(
        datasette,
        request,
        "nianbao_search.html",
        {
            "q": q,
            "results": results,
            "total": total,
            "page": page,
            "page_size": PAGE_SIZE,
            "has_next": len(results) == PAGE_SIZE,
            "filters": {k: arg(request, k) for k in ("province", "prefecture", "county", "year")},
        },
    )


@hookimpl
def register_routes():
    return [(r"^/-/search$", search_page)]
