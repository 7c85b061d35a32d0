"""The table pages' ``?_search=``, with SQL that scales to a national archive.

Datasette's own search filter restricts a table with ``id IN (SELECT rowid FROM reports_fts
WHERE … MATCH …)``. SQLite then fetches every matching report row by its id — for a word in
every one of 700,000 reports, 700,000 reads of rows that carry whole report texts, for the page,
again for the count and again for each facet: seconds each.

This filter takes the same parameters (``_search``, ``_search_<column>``, ``_searchmode``,
``_fts_table``, ``_fts_pk``, the ``fts_table``/``fts_pk``/``searchmode`` metadata) and gives the
same rows, but writes ``+id IN (…)``: the unary ``+`` keeps SQLite from driving the query by
that list, so it scans an index instead — the sort order's for the page (stopping after a page
of rows), the smallest for the count, the facet column's for a facet — and tests each id
against the match list, never reading a report row it does not show.
(docs/publishing.md, "Speed"; ``escape_fts`` is our bigram version, cjk_search.py.)
"""

from __future__ import annotations

import sys
import types

import datasette.filters as builtin_filters
from datasette import hookimpl
from datasette.filters import FilterArguments
from datasette.utils import escape_sqlite
from datasette.utils.asgi import BadRequest


@hookimpl(specname="filters_from_request")
def search_filters(request, database, table, datasette):
    """``?_search=`` and ``?_search_<column>=`` on tables with a full-text index."""

    async def inner() -> FilterArguments:
        table_metadata = datasette.table_metadata(database, table)
        db = datasette.get_database(database)
        fts_table = (
            request.args.get("_fts_table")
            or table_metadata.get("fts_table")
            or await db.fts_table(table)
        )
        fts_pk = request.args.get("_fts_pk", table_metadata.get("fts_pk", "rowid"))
        raw = table_metadata.get("searchmode") == "raw"
        raw = {"raw": True, "escaped": False}.get(request.args.get("_searchmode") or "", raw)
        searches = {
            k: request.args[k]
            for k in request.args
            if k.startswith("_search") and k != "_searchmode"
        }
        context: dict = {"supports_search": bool(fts_table)}
        if not fts_table or not searches:
            return FilterArguments([], extra_context=context)
        fts = escape_sqlite(fts_table)
        clauses, params, described = [], {}, []
        for i, (key, text) in enumerate(searches.items()):
            if key == "_search":
                name, target, what = "search", fts, f'search matches "{text}"'
            else:
                column = key.split("_search_", 1)[1]
                if column not in await db.table_columns(fts_table):
                    raise BadRequest("Cannot search by that column")
                name, target = f"search_{i}", escape_sqlite(column)
                what = f'search column "{column}" matches "{text}"'
            match = f":{name}" if raw else f"escape_fts(:{name})"
            pk = escape_sqlite(fts_pk)
            clauses.append(f"+{pk} IN (SELECT rowid FROM {fts} WHERE {target} MATCH {match})")
            params[name] = text
            described.append(what)
            context["search"] = text
        return FilterArguments(clauses, params, described, context)

    return inner


def install(pm) -> None:
    """Use this search filter instead of Datasette's own (its other filters stay).

    Datasette registers its three filters (?_where=, ?_search=, ?_through=) as one module; it is
    registered again without its ``search_filters``.
    """
    if pm.get_plugin("datasette.filters") is not builtin_filters:
        return  # installed already
    pm.unregister(builtin_filters)
    rest = types.ModuleType("datasette.filters")
    rest.where_filters = builtin_filters.where_filters  # type: ignore[attr-defined]
    rest.through_filters = builtin_filters.through_filters  # type: ignore[attr-defined]
    pm.register(rest, name="datasette.filters")
    pm.register(sys.modules[__name__], name="nianbao.search_filter")


def uninstall(pm) -> None:
    """Datasette's own search filter again (the baseline of benchmarks/archive.py --compare)."""
    if pm.get_plugin("datasette.filters") is builtin_filters:
        return
    pm.unregister(name="datasette.filters")
    pm.unregister(name="nianbao.search_filter")
    pm.register(builtin_filters, name="datasette.filters")
