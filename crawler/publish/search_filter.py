"""The table pages' ``?_search=``, with SQL that scales to a national archive.

Datasette's own search filter restricts a table with ``id IN (SELECT rowid FROM reports_fts
WHERE … MATCH …)``. SQLite then fetches every matching report row by its id — for a word in
every one of 700,000 reports, 700,000 reads of rows that carry whole report texts, for the page,
again for the count and again for each facet: seconds each.

This filter takes the same parameters (``_search``, ``_search_<column>``, ``_searchmode``,
``_fts_table``, ``_fts_pk``, the ``fts_table``/``fts_pk``/``searchmode`` metadata) and gives the
same rows, but first asks the index how many reports match (stopping at ``BIG``):

* few matches: Datasette's ``id IN (…)`` (``seek``): SQLite reads just the matching rows, for
  the page, the count and each facet — cheap when they are few;
* a small table, however many match: ``+id IN (…)`` (``scan``): each query walks one narrow
  index (the facet's column, the sort order) and tests each id against the set of matches —
  it never reads a report row to count or facet (31,553 reports: ~15 ms a query, where looking
  up 31,553 matches by id took ~75 ms);
* otherwise, or beyond ``BIG`` matches (``big``; :func:`plan` weighs the two costs): the
  page is found with ``EXISTS (… MATCH … AND rowid = id)``, which lets SQLite walk the
  sort order's index and stop after one page of rows, and the exact count and the facets
  (which would have to visit every matching report — over a second for a word in all
  700,000) are left out: :func:`asgi_wrapper` adds ``_nocount=1&_nofacet=1`` to such requests
  before Datasette reads them, and the page says how many reports match at least.

(docs/publishing.md, "Speed"; ``escape_fts`` is our bigram version, cjk_search.py.)
"""

from __future__ import annotations

import sys
import time
import types
from urllib.parse import parse_qsl, urlencode

import datasette.filters as builtin_filters
from datasette import hookimpl
from datasette.filters import FilterArguments
from datasette.utils import escape_sqlite
from datasette.utils.asgi import BadRequest

BIG = 50_000  # more matches than this: no exact count, no facets (see the module docstring)
SCOPE_KEY = "nianbao.search_matches"  # how many reports the request's _search matches (capped)
SCOPE_PLAN = "nianbao.search_plan"  # seek | scan | big: how the request's _search is run
# What the count and the five facets cost, measured with benchmarks/archive.py (warm pages):
SEEK_US = 2.5  # per matching report looked up by its id (its row's first page is read)
SCAN_US = 0.45  # per report of the table, scanning a narrow index and testing membership
PER_MATCH_US = 0.1  # building the set of matching ids, per match
QUERIES = 7  # the page, the count and five facets
BUDGET_MS = 120  # what they may cost together, so that the page stays under 300 ms


def plan(matches: int, rows: int, match_ms: float = 0.0) -> str:
    """How to run a search with ``matches`` hits in a table of ``rows``: ``seek`` (look each
    match up by id: cheap for few matches), ``scan`` (walk a narrow index once per query,
    testing membership: cheap for a small table, whatever matches), or ``big`` (the page only,
    walking the sort order; no count, no facets) when neither fits the budget. ``match_ms``
    is what finding the matches took (each query does it again: a phrase of several bigrams
    costs more than one)."""
    if matches > BIG:
        return "big"
    seek = matches * SEEK_US
    scan = rows * SCAN_US + matches * PER_MATCH_US
    how, cost = ("seek", seek) if seek <= scan else ("scan", scan)
    return how if (cost / 1000 + match_ms) * QUERIES <= BUDGET_MS else "big"


async def table_rows(db, table: str) -> int:
    """About how many rows the table has (its largest rowid: one index lookup)."""
    rows = await db.execute(f"SELECT max(rowid) FROM {escape_sqlite(table)}")
    return rows.first()[0] or 0


async def count_matches(db, fts_table: str, query: str, *, raw: bool = False) -> int:
    """How many rows of the index match, counting no further than BIG + 1."""
    fts = escape_sqlite(fts_table)
    match = "?" if raw else "escape_fts(?)"
    rows = await db.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM {fts} WHERE {fts} MATCH {match} LIMIT {BIG + 1})",
        [query],
    )
    return rows.first()[0]


async def _fts_table(datasette, database: str, table: str, args) -> str | None:
    db = datasette.get_database(database)
    meta = datasette.table_metadata(database, table)
    return args.get("_fts_table") or meta.get("fts_table") or await db.fts_table(table)


def _raw(datasette, database: str, table: str, mode: str | None) -> bool:
    raw = datasette.table_metadata(database, table).get("searchmode") == "raw"
    return {"raw": True, "escaped": False}.get(mode or "", raw)


# Tables of a national archive too long to count on every page view (cells: ~200 rows per
# report, checks: ~80, indicators: ~30), and the view missing_years (counting it probes every
# report for its next year: ~330 ms): their unfiltered pages skip the total count and the
# facets; with any filter (a report_id, a status …) both come back.
UNCOUNTED_TABLES = ("cells", "checks", "indicators", "missing_years")


@hookimpl
def asgi_wrapper(datasette):
    """Before Datasette reads a table request: is it a big search, or a whole huge table?"""

    def wrap(app):
        async def wrapped(scope, receive, send):
            if scope.get("type") == "http":
                if b"_search=" in scope.get("query_string", b""):
                    scope = await _size_up(datasette, scope)
                else:
                    scope = _whole_huge_table(datasette, scope)
            await app(scope, receive, send)

        return wrapped

    return wrap


def _with_args(scope: dict, args: dict, extra: tuple[str, ...]) -> dict:
    missing = {k: "1" for k in extra if k not in args}
    if not missing:
        return scope
    sep = b"&" if scope.get("query_string") else b""
    return dict(
        scope, query_string=scope.get("query_string", b"") + sep + urlencode(missing).encode()
    )


def _whole_huge_table(datasette, scope: dict) -> dict:
    parts = scope.get("path", "").strip("/").split("/")
    if len(parts) != 2 or parts[0] not in datasette.databases:
        return scope
    if parts[1].rsplit(".", 1)[0] not in UNCOUNTED_TABLES:
        return scope
    args = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True))
    if any(not k.startswith("_") or k in ("_where", "_search") for k in args):
        return scope  # filtered: counting and faceting the rows asked for is fine
    return _with_args(scope, args, ("_nocount", "_nofacet"))


async def _size_up(datasette, scope: dict) -> dict:
    parts = scope.get("path", "").strip("/").split("/")
    if len(parts) != 2 or parts[0].startswith("-"):
        return scope
    database, table = parts[0], parts[1].rsplit(".", 1)[0]
    if database not in datasette.databases:
        return scope
    args = dict(parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True))
    query = args.get("_search")
    if not query:
        return scope
    db = datasette.get_database(database)
    if table not in await db.table_names():
        return scope
    fts_table = await _fts_table(datasette, database, table, args)
    if not fts_table:
        return scope
    raw = _raw(datasette, database, table, args.get("_searchmode"))
    started = time.perf_counter()
    try:
        matches = await count_matches(db, fts_table, query, raw=raw)
    except Exception:  # a raw query with a syntax error: Datasette will report it
        return scope
    match_ms = (time.perf_counter() - started) * 1000
    how = plan(matches, await table_rows(db, table), match_ms)
    scope = dict(scope, **{SCOPE_KEY: matches, SCOPE_PLAN: how})
    if how == "big":
        scope = _with_args(scope, args, ("_nocount", "_nofacet"))
    return scope


@hookimpl(specname="filters_from_request")
def search_filters(request, database, table, datasette):
    """``?_search=`` and ``?_search_<column>=`` on tables with a full-text index."""

    async def inner() -> FilterArguments:
        table_metadata = datasette.table_metadata(database, table)
        db = datasette.get_database(database)
        fts_table = await _fts_table(datasette, database, table, request.args)
        fts_pk = request.args.get("_fts_pk", table_metadata.get("fts_pk", "rowid"))
        raw = _raw(datasette, database, table, request.args.get("_searchmode"))
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
        matches = request.scope.get(SCOPE_KEY)
        how = request.scope.get(SCOPE_PLAN, "seek")
        for i, (key, text) in enumerate(searches.items()):
            big = False
            if key == "_search":
                name, target, what = "search", fts, f'search matches "{text}"'
                if matches is None:  # not sized up on the way in (e.g. a direct view call)
                    matches = await count_matches(db, fts_table, text, raw=raw)
                    how = "big" if matches > BIG else "seek"
                big = how == "big"
                if big and matches > BIG:
                    what += f" (more than {BIG:,} reports: count and facets left out)"
                elif big:
                    what += f" ({matches:,} reports: too many to facet quickly; add a filter)"
            else:
                column = key.split("_search_", 1)[1]
                if column not in await db.table_columns(fts_table):
                    raise BadRequest("Cannot search by that column")
                name, target = f"search_{i}", escape_sqlite(column)
                what = f'search column "{column}" matches "{text}"'
            match = f":{name}" if raw else f"escape_fts(:{name})"
            pk = escape_sqlite(fts_pk)
            if big and matches > BIG:
                # each report in the sort order's index asked of the index in turn: a word in
                # most reports fills the page after a few dozen
                clauses.append(
                    f"EXISTS (SELECT 1 FROM {fts} WHERE {target} MATCH {match} AND rowid = {pk})"
                )
            else:
                # scan: the unary + keeps SQLite from looking each match up by id; it walks
                # the narrow index each query needs (count, facet, sort) testing membership.
                # A big search of at most BIG matches pages this way too: its set of matches
                # is cheap to build, and asking the index once per report walked is not (a
                # word in 1 report of 40: ~150 ms at national scale, against ~5 ms).
                plus = "+" if key == "_search" and how in ("scan", "big") else ""
                clauses.append(
                    f"{plus}{pk} IN (SELECT rowid FROM {fts} WHERE {target} MATCH {match})"
                )
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
    if not pm.is_registered(sys.modules[__name__]):
        pm.register(sys.modules[__name__], name="nianbao.search_filter")


def uninstall(pm) -> None:
    """Datasette's own search filter again (the baseline of benchmarks/archive.py --compare)."""
    if pm.get_plugin("datasette.filters") is builtin_filters:
        return
    pm.unregister(name="datasette.filters")
    pm.unregister(name="nianbao.search_filter")
    pm.register(builtin_filters, name="datasette.filters")
