"""``/-/places``: province → prefecture → county, with bars.

Each level lists its places with the registered portals and how many of them have reports,
reports, applications received (the bar), processed, denied and the denial rate, reports whose
tables do not add up and reports published late. Click a province for its prefectures, a
prefecture for its counties, a county for its reports. ``?year=`` restricts to one report year.

Every figure is first summed per portal — three index-only scans (reports_place,
applications_outcomes, the partial index reports_late) — and then rolled up to the level shown
in Python: 2,900 portals are nothing to add up, and the database never reads a report row. The
per-portal figures (a few hundred milliseconds at national scale) are kept until the archive
file changes (common.cached), so drilling down costs nothing.
"""

from __future__ import annotations

from datasette import hookimpl
from datasette.utils.asgi import Request

from crawler.archive.columns import DENIED as _DENIED_COLUMNS
from crawler.archive.columns import sum_of

from .common import archive, arg, cached, html, int_arg

DENIED = sum_of(_DENIED_COLUMNS)
METRICS = ("reports", "failing", "new_received", "processed", "denied", "late")


def level(request: Request) -> tuple[str, dict]:
    """(the registry column the rows are grouped by, the filters above it)."""
    province, prefecture = arg(request, "province"), arg(request, "prefecture")
    if province and prefecture:
        return "code", {"province": province, "prefecture": prefecture}
    if province:
        return "prefecture", {"province": province}
    return "province", {}


async def per_portal(datasette, year: int | None) -> dict[str, dict]:
    db = archive(datasette)
    params = {"year": year} if year else {}
    # The unary + keep SQLite on the covering indexes: reports_place and the partial
    # reports_late hold every column these read, while grouping "by portal_code" or filtering
    # "year =" through the narrower indexes would read each report's row (with its text).
    where, plus_where = ("WHERE year = :year", "WHERE +year = :year") if year else ("", "")
    out: dict[str, dict] = {}
    for sql in (
        f"SELECT portal_code, count(*) AS reports, sum(checks_failed > 0) AS failing "
        f"FROM reports {plus_where} GROUP BY +portal_code",
        f"SELECT portal_code, sum(new_received_total) AS new_received, "
        f"sum(total_processed_total) AS processed, {DENIED} AS denied "
        f"FROM applications {where} GROUP BY portal_code",
        f"SELECT portal_code, count(*) AS late FROM late_reports {plus_where} "
        "GROUP BY +portal_code",
    ):
        for r in await db.execute(sql, params):
            if r["portal_code"] is not None:
                out.setdefault(r["portal_code"], {}).update(dict(r))
    return out


async def breakdown(datasette, request: Request) -> list[dict]:
    key, filters = level(request)
    db = archive(datasette)
    where = " AND ".join(f"{k} = :{k}" for k in filters)
    portals = await db.execute(
        "SELECT code, name, province, prefecture FROM portals"
        + (f" WHERE {where}" if where else ""),
        filters,
    )
    year = int_arg(request, "year")
    figures = await cached(datasette, ("places", year), lambda: per_portal(datasette, year))
    places: dict[str, dict] = {}
    for p in portals:
        name = p["name"] if key == "code" else p[key]
        place = places.setdefault(
            p[key], {"key": p[key], "name": name, "portals": 0, "counties": 0}
        )
        place["portals"] += 1
        f = figures.get(p["code"], {})
        place["counties"] += 1 if f.get("reports") else 0
        for m in METRICS:
            place[m] = (place.get(m) or 0) + (f.get(m) or 0)
    rows = sorted(places.values(), key=lambda p: (-p["new_received"], str(p["key"])))
    peak = max([p["new_received"] for p in rows] + [1])
    for p in rows:
        p["bar"] = 100 * p["new_received"] / peak
        p["denial_rate"] = p["denied"] / p["processed"] if p["processed"] else None
    return rows


async def places_page(datasette, request: Request):
    rows = await breakdown(datasette, request)
    key, filters = level(request)
    return await html(
        datasette,
        request,
        "nianbao_places.html",
        {
            "rows": rows,
            "level": {
                "province": "省 province",
                "prefecture": "地市 prefecture",
                "code": "县 county",
            }[key],
            "key": key,
            "filters": filters,
            "year": int_arg(request, "year"),
            "totals": {k: sum(r[k] for r in rows) for k in ("portals", "counties", *METRICS)},
        },
    )


@hookimpl
def register_routes():
    return [(r"^/-/places$", places_page)]
