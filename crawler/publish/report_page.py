"""``/-/report/<id>``: one report as the national format prints it, with its checks.

The page shows the report's metadata (place, agency, year, dates and whether it was late), the
original document and the portal page one click away, the three table sections laid out by
crawler/publish/layout.py, the checks with failures first, and the narrative sections.
"""

from __future__ import annotations

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Request

from crawler.archive.agencies import deadline
from crawler.archive.metrics import BY_KEY, METRICS

from .common import archive, html, url_id
from .layout import failing_cells, t2_grid, t3_grid, t4_grid
from .rankings import fmt
from .vocab import AGENCY_TYPES, RULES, STATUSES

ORDER = {m.key: i for i, m in enumerate(METRICS)}
STATUS_ORDER = {"FAIL": 0, "UNCERTAIN": 1, "PASS": 2, "NOT_ASSESSABLE": 3}
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
LAYOUT_NOTES = {
    "absent": "本节无表格 — the report prints no table here",
    "image_only": "本节表格为图片 — the table is an image the parser could not read",
    "unparsed": "本节表格未能识别 — a table is there but its layout was not recognised",
}
META_COLUMNS = (
    "id, portal_code, province, prefecture, county, agency, agency_type, year, title, "
    "document_title, page_url, document_url, document_sha256, media_type, published, "
    "report_date, template_version, layout_sec2, layout_sec3, layout_sec4, extraction, "
    "parser_version, parsed_at, year_source, checks_failed, checks_uncertain, first_seen, "
    "last_seen, warnings, overview, problems, other_matters"
)


def sort_checks(checks: list[dict]) -> list[dict]:
    return sorted(
        checks,
        key=lambda c: (
            STATUS_ORDER.get(c["status"], 9),
            SEVERITY_ORDER.get(c["severity"] or "", 9),
            c["rule"],
            c["scope"],
        ),
    )


def lateness(report: dict) -> dict | None:
    """The statutory deadline and how many days after it the portal dated the report."""
    if not report["year"] or not report["published"]:
        return None
    from datetime import date

    due = deadline(report["year"], report["agency_type"] or "other")
    try:
        published = date.fromisoformat(report["published"][:10])
    except ValueError:
        return None
    days = (published - date.fromisoformat(due)).days
    return {"deadline": due, "days_late": max(0, days), "late": days > 0}


async def report_page(datasette, request: Request):
    db = archive(datasette)
    rid = url_id(request)
    row = (await db.execute(f"SELECT {META_COLUMNS} FROM reports WHERE id = ?", [rid])).first()
    if row is None:
        raise NotFound(f"No report {rid}")
    report = dict(row)
    cells = {
        (c["table_key"], c["row_key"], c["col_key"]): dict(c)
        for c in await db.execute(
            "SELECT table_key, row_key, col_key, value, raw, semantic, unit, page, flags "
            "FROM cells WHERE report_id = ?",
            [rid],
        )
    }
    checks = sort_checks(
        [dict(c) for c in await db.execute("SELECT * FROM checks WHERE report_id = ?", [rid])]
    )
    documents = [
        dict(d)
        for d in await db.execute(
            "SELECT rd.sha256, rd.url, rd.page_url, rd.first_seen, rd.last_seen, d.media_type, "
            "d.size FROM report_documents rd LEFT JOIN documents d ON d.sha256 = rd.sha256 "
            "WHERE rd.report_id = ? ORDER BY rd.last_seen DESC",
            [rid],
        )
    ]
    portal = (
        await db.execute("SELECT * FROM portals WHERE code = ?", [report["portal_code"]])
    ).first()
    indicators = [
        dict(i) | {"metric": BY_KEY[i["indicator"]]}
        for i in await db.execute(
            "SELECT indicator, value, numerator, denominator, blanks, previous FROM indicators "
            "WHERE report_id = ?",
            [rid],
        )
        if i["indicator"] in BY_KEY
    ]
    indicators.sort(key=lambda i: ORDER[i["indicator"]])
    failing = failing_cells(checks)
    sections = []
    for key, title, grid in (
        ("layout_sec2", "二、主动公开政府信息情况", lambda lay: t2_grid(cells, lay, failing)),
        (
            "layout_sec3",
            "三、收到和处理政府信息公开申请情况",
            lambda lay: t3_grid(cells, lay, failing),
        ),
        (
            "layout_sec4",
            "四、政府信息公开行政复议、行政诉讼情况",
            lambda lay: t4_grid(cells, failing),
        ),
    ):
        layout = report[key] or "absent"
        drawable = layout in ("v2021", "v2019", "standard")
        sections.append(
            {
                "key": key.removeprefix("layout_"),
                "title": title,
                "layout": layout,
                "grid": grid(layout) if drawable else None,
                "note": LAYOUT_NOTES.get(layout, ""),
            }
        )
    return await html(
        datasette,
        request,
        "nianbao_report.html",
        {
            "report": report,
            "portal": dict(portal) if portal else None,
            "sections": sections,
            "checks": checks,
            "failed": [c for c in checks if c["status"] == "FAIL"],
            "rules": RULES,
            "statuses": STATUSES,
            "agency_types": AGENCY_TYPES,
            "lateness": lateness(report),
            "documents": documents,
            "cell_count": len(cells),
            "indicators": indicators,
            "fmt": fmt,
        },
    )


@hookimpl
def register_routes():
    return [(r"^/-/report/(?P<id>\d+)$", report_page)]
