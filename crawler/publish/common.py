"""Small helpers shared by the publishing plugins."""

from __future__ import annotations

import os
import weakref
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from datasette.database import Database
from datasette.utils.asgi import Request, Response

from crawler.archive.store import files_dir_for

if TYPE_CHECKING:
    from datasette.app import Datasette


def archive(datasette: Datasette) -> Database:
    """The archive: the one database `nianbao serve` publishes."""
    return datasette.get_database()


def files_dir(datasette: Datasette) -> Path:
    """``<archive>-files/`` beside the archive file, where crawl and import store documents."""
    return files_dir_for(archive(datasette).path).resolve()


def arg(request: Request, name: str) -> str:
    return (request.args.get(name) or "").strip()


MAX_ID = 2**63 - 1  # SQLite's largest integer


def url_id(request: Request, name: str = "id") -> int:
    """A row id from the URL (the route matched digits); too large for SQLite: no such row."""
    value = int(request.url_vars[name])
    if value > MAX_ID:
        from datasette.utils.asgi import NotFound

        raise NotFound(f"No row {value}")
    return value


def int_arg(request: Request, name: str) -> int | None:
    """A whole number from the query string, or None for anything else: ASCII digits only
    (``str.isdigit`` also takes ² and ٣) and within SQLite's integers (a bigger one is a 500
    when bound, and no year or page anyway)."""
    value = arg(request, name)
    if not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if number <= MAX_ID else None


async def html(datasette: Datasette, request: Request, template: str, context: dict) -> Response:
    db = archive(datasette)
    body = await datasette.render_template(
        template, {"database": db.name, **context}, request=request
    )
    return Response.html(body)


def place_filter(request: Request, alias: str = "r", *, by_date: bool = False) -> tuple[str, dict]:
    """SQL for the ?province= ?prefecture= ?county= ?code= filters every page understands.

    ``county`` and ``code`` go through ``portal_code`` (indexed); a county name can be shared by
    two provinces, so it is narrowed by the other filters given. ``by_date``: the query reads
    reports newest first and stops early, so keep SQLite on the date index rather than
    gathering a whole province by its index and sorting it (a unary + hides an index).
    """
    clauses, params = [], {}
    plus = "+" if by_date else ""
    for key in ("province", "prefecture"):
        if value := arg(request, key):
            clauses.append(f"{plus}{alias}.{key} = :{key}")
            params[key] = value
    if code := arg(request, "code"):
        clauses.append(f"{alias}.portal_code = :code")
        params["code"] = code
    if county := arg(request, "county"):
        sub = "SELECT code FROM portals WHERE name = :county"
        sub += "".join(f" AND {k} = :{k}" for k in ("province", "prefecture") if k in params)
        clauses.append(f"{alias}.portal_code IN ({sub})")
        params["county"] = county
    return " AND ".join(clauses), params


def place_label(request: Request) -> str:
    return " ".join(
        arg(request, k) for k in ("province", "prefecture", "county", "code") if arg(request, k)
    )


def archive_version(datasette: Datasette) -> tuple:
    """Changes whenever the archive file does: its size and mtime, and its WAL's."""
    path = Path(archive(datasette).path)
    out: list[Any] = []
    for p in (path, path.with_name(path.name + "-wal")):
        try:
            st = os.stat(p)
            out += [st.st_mtime_ns, st.st_size]
        except FileNotFoundError:
            out += [None, None]
    return tuple(out)


_CACHES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
CACHE_ENTRIES = 512


async def cached(datasette: Datasette, key: tuple, compute: Callable[[], Awaitable[Any]]) -> Any:
    """``await compute()``, remembered until the archive file changes.

    For the pages that sum the whole archive (charts, places): a crawl writing to the archive
    changes the file and so empties the cache; a finished archive is summed once per place.
    """
    cache = _CACHES.setdefault(datasette, {})
    version = archive_version(datasette)
    hit = cache.get(key)
    if hit is not None and hit[0] == version:
        return hit[1]
    value = await compute()
    if len(cache) >= CACHE_ENTRIES:
        cache.clear()
    cache[key] = (version, value)
    return value
