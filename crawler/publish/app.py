"""Datasette configured for the archive as ``nianbao serve`` publishes it: metadata, settings.

``make_datasette`` is what ``nianbao serve`` runs and what the tests and the benchmark use, so
all three see the same site.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import ModuleType

from datasette.app import Datasette
from datasette.plugins import pm

from . import (
    charts,
    cjk_search,
    county_page,
    countymap,
    documents,
    downloads,
    evidence,
    feed,
    flags_feed,
    places,
    rankings,
    report_page,
    search_filter,
    site,
    status_page,
)
from .metadata import build_metadata

PLUGINS: tuple[ModuleType, ...] = (
    cjk_search, documents, report_page, feed, charts, places, site,
    rankings, county_page, flags_feed, downloads, countymap, evidence, status_page,
)  # fmt: skip

SETTINGS = {
    # Suggested facets run one query per column per page view: too slow at national scale.
    "suggest_facets": False,
    # The text columns are whole reports; the table pages show the start of each.
    "truncate_cells_html": 200,
    "default_page_size": 50,
    # A facet over 700,000 reports by an indexed column takes ~100 ms; give it room.
    "facet_time_limit_ms": 1000,
    "sql_time_limit_ms": 3000,
    # Each SQLite connection keeps up to 64 MB of pages: the indexes the pages use stay warm.
    "cache_size_kb": 65536,
}


def register_plugins() -> None:
    """Register our plugins with Datasette's plugin manager, where its entry points did not
    already (Datasette skips entry points under its own test runner); once per process."""
    package = sys.modules[__package__]
    for module in (package, *PLUGINS):
        if not pm.is_registered(module):
            pm.register(module, name=f"nianbao.{module.__name__.rsplit('.', 1)[-1]}")
    search_filter.install(pm)


def make_datasette(db_path: str | os.PathLike, *, immutable: bool = False) -> Datasette:
    """The archive at ``db_path`` as ``nianbao serve`` publishes it (read-only).

    Datasette opens the file read-only (``mode=ro``) and never writes to it. ``immutable``
    additionally promises SQLite that nothing else will (no locking, counts computed once):
    right for a finished copy, wrong while a crawl is still writing to the archive.
    """
    path = str(Path(db_path).resolve())
    register_plugins()
    return Datasette(
        files=[] if immutable else [path],
        immutables=[path] if immutable else [],
        metadata=build_metadata(Path(path).stem),
        settings=SETTINGS,
        version_note="nianbao",
    )


async def warm(ds: Datasette) -> None:
    """Sum the national charts and breakdown once, so that the first visitor does not wait
    for them (about a second at national scale; kept until the archive changes)."""
    for path in ("/-/charts", "/-/places", "/-/map"):
        await ds.client.get(path)


def serve(db_path: str | os.PathLike, *, host: str, port: int, immutable: bool = False) -> None:
    """Serve the archive with uvicorn until interrupted."""
    import asyncio

    import uvicorn

    ds = make_datasette(db_path, immutable=immutable)
    asyncio.run(ds.invoke_startup())  # as `datasette serve` does: plugin errors show up now
    asyncio.run(warm(ds))
    print(f"nianbao: serving {db_path} read-only at http://{host}:{port}/", file=sys.stderr)
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on")
