"""``/-/county/<code>``: one county — every agency and year found, what is missing or late,
its indicators over the years, its flags, and every report with its original.

``<code>`` is any 行政区划代码 of the bundled national list or of a registered portal; a code
of six digits that is neither is a 404, anything else never reaches this page (the route only
matches six digits). The agency × year grid reads ``reports_agency_year`` and the partial index
``reports_late``; the indicators their county rows (``indicators_county``).
"""

from __future__ import annotations

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Request

from crawler.archive.metrics import BY_KEY, METRICS

from .charts import yearly_for_code
from .common import archive, html
from .rankings import fmt
from .report_page import lateness

COUNTY_METRICS = tuple(m for m in METRICS if m.kind != "similarity")


async def _place(db, code: str) -> dict | None:
    row = (
        await db.execute(
            "SELECT k.code, k.name, k.province, k.prefecture, k.registered, c.type, "
            "p.url, p.status, p.status_reason, p.last_crawled FROM known_counties k "
            "LEFT JOIN counties c ON c.code = k.code LEFT JOIN portals p ON p.code = k.code "
            "WHERE k.code = ?",
            [code],
        )
    ).first()
    return dict(row) if row else None


def grid(reports: list[dict], latest: int | None) -> tuple[list[int], list[dict]]:
    """Years (columns) and one row per agency: each year its report, or why there is none
    (``gap``: a year between two reports, ``stopped``: after the last one, up to the latest
    year of the archive; before its first report nothing is expected)."""
    years = sorted({r["year"] for r in reports if r["year"]} | ({latest} if latest else set()))
    if years:
        years = list(range(years[0], years[-1] + 1))
    agencies: dict[str, dict] = {}
    for r in reports:
        a = agencies.setdefault(r["agency"] or "(agency not named)", {"years": {}})
        a["years"].setdefault(r["year"], r)
    rows = []
    for name, a in sorted(agencies.items()):
        found = [y for y in a["years"] if y]
        first, last = (min(found), max(found)) if found else (None, None)
        cells = []
        for y in years:
            if y in a["years"]:
                cells.append({"report": a["years"][y], "state": "found"})
            elif first is None or y < first:
                cells.append({"state": "before"})
            else:
                cells.append({"state": "gap" if y < last else "stopped"})
        rows.append({"agency": name, "cells": cells, "undated": a["years"].get(None)})
    return years, rows


async def county_page(datasette, request: Request):
    db = archive(datasette)
    code = request.url_vars["code"]
    place = await _place(db, code)
    if place is None:
        raise NotFound(f"No county {code} in the national list or the registry")
    reports = [
        dict(r)
        for r in await db.execute(
            "SELECT id, agency, agency_type, year, title, published, page_url, "
            "document_sha256, media_type, checks_failed, first_seen FROM reports "
            "WHERE portal_code = ? ORDER BY year DESC, agency",
            [code],
        )
    ]
    for r in reports:
        late = lateness(r)
        r["days_late"] = late["days_late"] if late and late["late"] else 0
    latest = (await db.execute("SELECT max(year) FROM reports")).first()[0]
    years, rows = grid(reports, latest)
    values: dict[str, dict[int, dict]] = {}
    for r in await db.execute(
        "SELECT indicator, year, value, numerator, denominator, reports, change "
        "FROM indicators INDEXED BY indicators_county WHERE portal_code = ? AND level = 'county'",
        [code],
    ):
        values.setdefault(r["indicator"], {})[r["year"]] = dict(r)
    flags = [
        dict(f)
        for f in await db.execute(
            "SELECT * FROM flags WHERE portal_code = ? ORDER BY year DESC, flag", [code]
        )
    ]
    chart = await yearly_for_code(datasette, code, place["name"])
    return await html(
        datasette,
        request,
        "nianbao_county.html",
        {
            "place": place,
            "reports": reports,
            "years": years,
            "rows": rows,
            "metrics": [m for m in COUNTY_METRICS if m.key in values],
            "values": values,
            "indicator_years": sorted({y for v in values.values() for y in v}),
            "flags": flags,
            "chart": chart,
            "fmt": fmt,
            "by_key": BY_KEY,
            "late": sum(1 for r in reports if r["days_late"]),
            "missing": sum(1 for row in rows for c in row["cells"] if c["state"] != "found"
                           and c["state"] != "before"),
        },
    )  # fmt: skip


@hookimpl
def register_routes():
    return [(r"^/-/county/(?P<code>\d{6})$", county_page)]
