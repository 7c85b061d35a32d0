"""``/-/status`` and ``/-/status.atom``: the archive's health — last crawl runs, each portal's
outcome history, the changes that need a person — and an Atom feed of those changes, for a
keeper's feed reader (crawler/archive/health.py decides what a change is)."""

from __future__ import annotations

import sqlite3
import xml.etree.ElementTree as ET

from datasette import hookimpl
from datasette.utils.asgi import Request, Response

from ..archive.health import changes, history, runs
from .common import archive, html
from .feed import ATOM, _sub, rfc3339


def _has_history(conn: sqlite3.Connection) -> bool:
    # an archive from before m005 has no portal_runs: an empty status, not a 500
    return bool(conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'portal_runs'").fetchone())


def _health(conn: sqlite3.Connection) -> dict:
    if not _has_history(conn):
        return {"runs": [], "changes": [], "portals": []}
    portals: dict[str, dict] = {}
    for row in history(conn):
        p = portals.setdefault(row["portal_code"], {"code": row["portal_code"],
                                                    "name": row["name"], "runs": []})  # fmt: skip
        p["runs"].append(row)
    for p in portals.values():
        p["runs"] = p["runs"][-10:]  # the last ten outcomes, oldest first
    return {"runs": runs(conn, 20), "changes": changes(conn), "portals": list(portals.values())}


async def status_page(datasette, request: Request) -> Response:
    health = await archive(datasette).execute_fn(_health)
    return await html(datasette, request, "nianbao_status.html", health)


def build(rows: list[dict], *, base: str, self_url: str) -> bytes:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, "title", "nianbao 年报: 需要人工查看 (changes needing a person)")
    _sub(feed, "id", self_url)
    _sub(feed, "link", rel="self", href=self_url, type="application/atom+xml")
    _sub(feed, "updated", rfc3339(max((r["at"] for r in rows), default=None)))
    _sub(feed, "generator", "nianbao")
    for r in rows:
        entry = _sub(feed, "entry")
        _sub(entry, "title", f"{r['name']} ({r['portal_code']}): {r['title']}")
        _sub(entry, "id", f"{base}/-/status/{r['crawl_run']}/{r['portal_code']}/{r['kind']}")
        _sub(entry, "link", rel="alternate", href=f"{base}/-/status#portal-{r['portal_code']}")
        _sub(entry, "updated", rfc3339(r["at"]))
        _sub(entry, "category", term=r["kind"])
        _sub(entry, "summary", f"crawl run {r['crawl_run']}: {r['detail']}")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


async def status_feed(datasette, request: Request) -> Response:
    rows = (await archive(datasette).execute_fn(_health))["changes"][:100]
    base = datasette.absolute_url(request, datasette.urls.path("/")).rstrip("/")
    body = build(rows, base=base, self_url=datasette.absolute_url(request, request.full_path))
    return Response(body, content_type="application/atom+xml; charset=utf-8")


@hookimpl
def register_routes():
    return [(r"^/-/status$", status_page), (r"^/-/status\.atom$", status_feed)]
