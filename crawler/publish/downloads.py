"""``/-/downloads``: the data in bulk — a dated copy of the whole archive, streamed CSVs of the
wide tables and the indicators, and the data dictionary.

The dated SQLite copy is written by the archive (``nianbao snapshot``: ``VACUUM INTO``, a
consistent copy even while a crawl writes), into ``<archive>-snapshots/``; the site only serves
the newest one there, since it opens the archive read-only and never writes. The CSVs are read
and sent in batches of ``BATCH`` rows by primary key (keyset paging), so a national table
streams in constant memory and no query runs into the time limit. Datasette's own ``.csv`` and
``.json`` stay available on every table, view and query.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from datasette import hookimpl
from datasette.utils.asgi import AsgiFileDownload, AsgiStream, NotFound, Request

from crawler.archive.columns import WIDE
from crawler.archive.store import snapshots_dir_for

from .common import archive, html

BATCH = 5000
# table → its unique key, for keyset paging
TABLES: dict[str, str] = {
    **{name: "report_id" for name in WIDE},
    "indicators": "id",
    "metric_dictionary": "position",
    "flags": "rowid",  # first_flagged repeats: keyset paging needs a unique key
    "counties": "code",
}
DESCRIPTIONS = {
    "applications": "表三, one row per report, one column per cell (row_col)",
    "review_litigation": "表四, one row per report",
    "proactive_disclosure": "表二, one row per report (both formats' columns)",
    "indicators": "every indicator per report and per county-year (level), with N and change",
    "metric_dictionary": "what each indicator is: formula over the cell keys, denominator, caveat",
    "flags": "spikes, sudden zeros, 雷同年报, revisions, stops",
    "counties": "the bundled national county list, with coordinates",
}


def snapshots(datasette) -> list[Path]:
    """The dated copies of the archive, newest first."""
    folder = snapshots_dir_for(archive(datasette).path)
    return sorted(folder.glob("*.db"), reverse=True) if folder.is_dir() else []


async def downloads_page(datasette, request: Request):
    db = archive(datasette)
    counts = {}
    for name in TABLES:
        counts[name] = (await db.execute(f"SELECT max(rowid) FROM [{name}]")).first()[0]
    return await html(
        datasette,
        request,
        "nianbao_downloads.html",
        {
            "snapshots": [
                {"name": p.name, "size": p.stat().st_size, "date": p.stem.rsplit("-", 3)[-3:]}
                for p in snapshots(datasette)
            ],
            "tables": [(n, DESCRIPTIONS[n], counts[n]) for n in TABLES],
        },
    )


async def snapshot_file(datasette, request: Request):
    name = request.url_vars["name"]
    for p in snapshots(datasette):
        if p.name == name:
            return AsgiFileDownload(
                str(p),
                filename=p.name,
                content_type="application/vnd.sqlite3",
                headers={"cache-control": "max-age=86400"},
            )
    raise NotFound("No such snapshot")


def _line(values) -> str:
    out = io.StringIO()
    csv.writer(out).writerow(values)
    return out.getvalue()


async def table_csv(datasette, request: Request):
    name = request.url_vars["table"]
    key = TABLES.get(name)
    if key is None:
        raise NotFound("No such download")
    db = archive(datasette)
    columns = [c for c in await db.table_columns(name)]
    if key not in columns:
        key = "rowid"
    order = f"[{key}]"

    async def stream(r):
        await r.write("\ufeff" + _line(columns))  # a BOM: spreadsheets then read UTF-8
        last = None
        select = ", ".join(f"[{c}]" for c in columns)
        while True:
            where = f"WHERE {order} > :last" if last is not None else ""
            rows = await db.execute(
                f"SELECT {order} AS _k, {select} FROM [{name}] {where} ORDER BY {order} "
                f"LIMIT {BATCH}",
                {"last": last},
            )
            rows = list(rows)
            if not rows:
                break
            await r.write("".join(_line(list(row)[1:]) for row in rows))
            last = rows[-1]["_k"]
            if len(rows) < BATCH:
                break

    return AsgiStream(
        stream,
        headers={"content-disposition": f'attachment; filename="{name}.csv"'},
        content_type="text/csv; charset=utf-8",
    )


async def dictionary_csv(datasette, request: Request):
    """Every table's columns and what they mean (the metadata every table page shows)."""
    db = archive(datasette)
    meta = datasette.metadata(database=db.name) or {}
    tables = meta.get("tables", {})
    lines = ["\ufeff" + _line(["table", "column", "meaning"])]
    for table in sorted(tables):
        for column, meaning in (tables[table].get("columns") or {}).items():
            lines.append(_line([table, column, meaning]))

    async def stream(r):
        await r.write("".join(lines))

    return AsgiStream(
        stream,
        headers={"content-disposition": 'attachment; filename="data-dictionary.csv"'},
        content_type="text/csv; charset=utf-8",
    )


@hookimpl
def register_routes():
    return [
        (r"^/-/downloads$", downloads_page),
        (r"^/-/downloads/data-dictionary\.csv$", dictionary_csv),
        (r"^/-/downloads/(?P<table>[a-z_]+)\.csv$", table_csv),
        (r"^/-/downloads/(?P<name>[\w.-]+\.db)$", snapshot_file),
    ]
