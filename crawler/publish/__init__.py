"""Publishing the archive with Datasette: ``nianbao serve``, or plain ``datasette archive.db``.

nianbao is a Datasette plugin (the ``datasette`` entry points in pyproject.toml), so a plain
``datasette archive.db`` gets the same site as ``nianbao serve``: our plugin modules, this
package's ``templates/`` and ``static/``, the metadata (labels, canned queries) of every
database that is a nianbao archive, and the search filter that scales. ``nianbao serve``
(``app.make_datasette``) adds the settings measured for a national archive.

``cjk_search``    Chinese search for every query length (bigram ``escape_fts``), ``/-/search``
``search_filter`` the tables' ``?_search=`` with SQL that scales (replaces Datasette's)
``documents``     ``/-/document/<sha256>``: the original document; links in table cells
``report_page``   ``/-/report/<id>``: a report laid out like the printed tables, with checks
``feed``          ``/-/feed.atom``: newly archived reports, by province / prefecture / county
``charts``        ``/-/charts``: applications and outcomes over the years (inline SVG)
``places``        ``/-/places``: province → prefecture → county breakdown with bars
``site``          home page links, our stylesheet

Every asset is served from this package: the pages work with no network at all. This module
is imported while Datasette loads its plugins, so it imports nothing of ``datasette.app``.
"""

from __future__ import annotations

import functools
import sqlite3

from datasette import hookimpl

_ARCHIVES: dict[str, bool] = {}  # database file → is it a nianbao archive?


def is_archive(path: str | None) -> bool:
    """A SQLite file migrated by nianbao (its ``_sqlite_migrations`` name them)."""
    if not path:
        return False
    if path not in _ARCHIVES:
        try:
            con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                row = con.execute(
                    "SELECT 1 FROM _sqlite_migrations WHERE migration_set = 'nianbao' LIMIT 1"
                ).fetchone()
            finally:
                con.close()
            _ARCHIVES[path] = row is not None
        except sqlite3.Error:
            _ARCHIVES[path] = False
    return _ARCHIVES[path]


@hookimpl
def startup(datasette):
    # Datasette registers its own filters after the plugins of entry points: replace its
    # ?_search= now (nianbao serve has done so already; installing twice changes nothing).
    from datasette.plugins import pm

    from . import search_filter

    search_filter.install(pm)


@functools.cache
def _metadata(names: tuple[str, ...]) -> dict:
    from .metadata import build_metadata

    merged = build_metadata(names[0])
    for name in names[1:]:
        merged["databases"].update(build_metadata(name)["databases"])
    return merged


@hookimpl
def get_metadata(datasette, key, database, table):
    # Asked on every page, often several times: built once per set of archives. Databases that
    # the command line's metadata describes already (nianbao serve) are left to it, since
    # Datasette merges its own metadata into what this returns.
    local = (getattr(datasette, "_metadata_local", None) or {}).get("databases", {})
    names = tuple(
        n for n, db in datasette.databases.items() if n not in local and is_archive(db.path)
    )
    return _metadata(names) if names else {}
