"""``/-/flags.atom``: an Atom feed of new flags — spikes, sudden zeros, 雷同年报, revised
documents, agencies that stopped publishing — newest ``first_flagged`` first.

The same place filters as the report feed (``?province= ?prefecture= ?county= ?code=``) and
``?flag=`` for one kind. A flag is news when the archive first raises it; one that no longer
holds (the missing report was found) leaves the feed.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from datasette import hookimpl
from datasette.utils.asgi import Request, Response

from .common import archive, arg, int_arg, place_filter, place_label
from .feed import ATOM, DEFAULT_ENTRIES, MAX_ENTRIES, _sub, rfc3339

FLAG_TITLES = {
    "spike": "申请量激增 spike in applications",
    "sudden_zero": "申请量骤降为零 sudden zero",
    "similar_text": "雷同年报 near-copy of last year's report",
    "revised": "发布后修改 revised after publication",
    "stopped": "停止发布 stopped publishing",
}


def build(rows: list[dict], *, base: str, self_url: str, place: str) -> bytes:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    feed.set("{http://www.w3.org/XML/1998/namespace}lang", "zh-CN")
    title = "nianbao 年报: 新发现的异常 (new flags)"
    _sub(feed, "title", f"{title} · {place}" if place else title)
    _sub(feed, "id", self_url)
    _sub(feed, "link", rel="self", href=self_url, type="application/atom+xml")
    _sub(feed, "updated", rfc3339(rows[0]["first_flagged"] if rows else None))
    _sub(feed, "generator", "nianbao")
    for r in rows:
        entry = _sub(feed, "entry")
        who = r["agency"] or r["county"] or r["portal_code"] or "?"
        _sub(entry, "title", f"{FLAG_TITLES.get(r['flag'], r['flag'])}: {who} {r['year'] or ''}")
        _sub(entry, "id", f"{base}/-/flags/{r['flag_key']}")
        href = f"{base}/-/report/{r['report_id']}" if r["report_id"] else (
            f"{base}/-/county/{r['portal_code']}"
        )  # fmt: skip
        _sub(entry, "link", rel="alternate", href=href, type="text/html")
        if r["portal_code"]:
            _sub(entry, "link", rel="related", href=f"{base}/-/county/{r['portal_code']}")
        _sub(entry, "updated", rfc3339(r["first_flagged"]))
        author = _sub(entry, "author")
        _sub(author, "name", who)
        _sub(entry, "category", term=r["flag"])
        place_text = " ".join(x for x in (r["province"], r["prefecture"], r["county"]) if x)
        _sub(entry, "summary", " · ".join(x for x in (place_text, r["detail"]) if x))
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


async def flags_feed(datasette, request: Request) -> Response:
    db = archive(datasette)
    where, params = place_filter(request, "f")
    if flag := arg(request, "flag"):
        where = " AND ".join(filter(None, [where, "f.flag = :flag"]))
        params["flag"] = flag
    params["limit"] = min(MAX_ENTRIES, int_arg(request, "_size") or DEFAULT_ENTRIES)
    rows = [
        dict(r)
        for r in await db.execute(
            "SELECT f.* FROM flags f INDEXED BY flags_first"
            f"{' WHERE ' + where if where else ''} "
            "ORDER BY f.first_flagged DESC, f.flag_key LIMIT :limit",
            params,
        )
    ]
    base = datasette.absolute_url(request, datasette.urls.path("/")).rstrip("/")
    body = build(
        rows,
        base=base,
        self_url=datasette.absolute_url(request, request.full_path),
        place=place_label(request),
    )
    return Response(body, content_type="application/atom+xml; charset=utf-8")


@hookimpl
def register_routes():
    return [(r"^/-/flags\.atom$", flags_feed)]
