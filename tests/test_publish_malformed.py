"""Malformed ids and query strings on every route of the plugin answer 4xx, never 5xx (issue 11).

The routes are the plugin's own (Datasette's ``register_routes`` hook, enumerated, not listed
here); each route's URL variables get bad values of their own shape (ids too large for SQLite,
unknown codes and names), and each route gets every query parameter the plugin's pages read
(found in crawler/publish/ by the same helper they use, ``arg(request, name)``) with values a
person or a bot might send: words where numbers go, huge numbers, negative ones, NUL bytes,
broken percent escapes, quotes.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from datasette.plugins import pm
from sample_archive import build

from crawler.publish.app import make_datasette

ROOT = Path(__file__).resolve().parent.parent
PUBLISH = ROOT / "crawler" / "publish"
BAD_VALUES = ("abc", "-1", "99999999999999999999", "%C2%B2", "%00%ZZ'%E4%B8")
# the plugin's search filter on Datasette's own table pages
TABLES = ("/archive/reports", "/archive/cells", "/archive/reports.json")
SEARCH = ("_search", "_searchmode", "_fts_table", "_fts_pk")
BAD_VARS = {
    r"\d+": ("99999999999999999999", "0", "9223372036854775807", "9223372036854775808"),
    r"\d{6}": ("000000", "999999"),
    r"[a-z_]+": ("nonexistent", "sqlite_master", "reports_fts_config"),
    r"[\w.-]+\.db": ("nope.db", "..db", ".db", "archive-2000-01-01.db"),
    r"[0-9a-f]{64}": ("0" * 64, "f" * 64),
}
_VAR = re.compile(r"\(\?P<(\w+)>((?:[^()]|\([^()]*\))+)\)")


def _reads(source: str) -> set[str]:
    return set(re.findall(r"""\b(?:int_)?arg\(request, ["'](\w+)["']\)""", source)) | set(
        re.findall(r"""request\.args(?:\.get\(|\[)["'](\w+)["']""", source)
    )


def query_parameters() -> dict[str, set[str]]:
    """Route pattern → the query parameters its page reads: those its module reads, and those
    of the route-less helper modules it imports (their SQL builders read the request too)."""
    sources = {p.stem: p.read_text(encoding="utf-8") for p in PUBLISH.glob("*.py")}
    helpers = {name for name, text in sources.items() if "def register_routes" not in text}
    out: dict[str, set[str]] = {}
    for name, text in sources.items():
        if name in helpers:
            continue
        module = importlib.import_module(f"crawler.publish.{name}")
        imported = set(re.findall(r"from \.(\w+) import", text)) & helpers
        reads = _reads(text).union(*(_reads(sources[h]) for h in imported))
        for pattern, _ in module.register_routes():
            out[pattern] = reads
    return out


def paths_of(pattern: str) -> list[str]:
    """Concrete paths for a route's regex, each URL variable filled with a bad value of its
    shape (the route must match: a path the router refuses is Datasette's 404, not ours)."""
    body = pattern.removeprefix("^").removesuffix("$")
    variables = _VAR.findall(body)
    if not variables:
        return [re.sub(r"\\(.)", r"\1", body)]
    out = []
    for _, shape in variables:
        assert shape in BAD_VARS, f"a new kind of URL variable {shape!r}: give it bad values"
    for n in range(max(len(BAD_VARS[s]) for _, s in variables)):
        path = _VAR.sub(lambda m, n=n: BAD_VARS[m[2]][n % len(BAD_VARS[m[2]])], body)
        out.append(re.sub(r"\\(.)", r"\1", path))
    return out


@pytest.fixture(scope="module")
def ds(tmp_path_factory):
    return make_datasette(build(tmp_path_factory.mktemp("malformed") / "archive.db").path)


def routes(ds) -> list[str]:
    found = [p for hook in pm.hook.register_routes(datasette=ds) for p, _ in (hook or [])]
    ours = [p for p in found if p.startswith("^/-/")]
    assert len(ours) >= 15, ours  # the enumeration sees the plugin's pages
    return ours


@pytest.mark.asyncio
async def test_every_route_with_bad_ids_and_query_strings_is_a_client_error(ds):
    parameters = query_parameters()
    assert set(parameters) == set(routes(ds))  # every route the plugin registers, no other
    assert {"year", "page", "q", "province"} <= set().union(*parameters.values())
    urls = [f"{t}?{p}={v}" for t in TABLES for p in SEARCH for v in BAD_VALUES]
    for pattern, reads in parameters.items():
        paths = paths_of(pattern)
        # every bad id alone, then the first one with every bad query string its page reads
        urls += paths + [f"{paths[0]}?{p}={v}" for p in sorted(reads) for v in BAD_VALUES]
    errors = []
    for url in urls:
        response = await ds.client.get(url)
        if response.status_code >= 500:
            errors.append((url, response.status_code, response.text[:200]))
    assert len(urls) > 300
    assert errors == []


@pytest.mark.asyncio
async def test_an_id_too_large_for_sqlite_is_not_found(ds):
    for path in ("/-/report/99999999999999999999", "/-/evidence/99999999999999999999"):
        assert (await ds.client.get(path)).status_code == 404, path
