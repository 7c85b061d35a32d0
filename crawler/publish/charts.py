"""``/-/charts``: applications and their outcomes, year by year, for the country or one place.

Sums 表三 over every report of each year (from the wide ``applications`` table; its covering
index makes this an index-only scan) and 表四 likewise: what was received, how it ended
(granted, partly granted, denied, unable to provide, not processed, other), what was carried
forward, and how many administrative reviews and lawsuits were brought and corrected.
``?province= ?prefecture= ?county= ?code=`` narrow it to one place. The sums are kept until the
archive file changes (common.cached): summing 26 columns of 700,000 reports takes half a second.
"""

from __future__ import annotations

from datasette import hookimpl
from datasette.utils.asgi import BadRequest, Request, Response
from markupsafe import Markup

from crawler.archive.columns import (
    DENIED,
    LAWSUITS,
    LAWSUITS_CORRECTED,
    group_rows,
    sum_of,
    totals,
)

from .common import archive, arg, cached, html, place_label
from .svgchart import PALETTE, Series, bar_chart, svg_response

OUTCOMES = {  # label → expression over the applications table
    "予以公开 granted": "sum(granted_total)",
    "部分公开 partly granted": "sum(partially_granted_total)",
    "不予公开 denied": sum_of(DENIED),
    "无法提供 unable to provide": sum_of(totals(group_rows("unable"))),
    "不予处理 not processed": sum_of(totals(group_rows("not_processed"))),
    "其他处理 other": sum_of(totals(group_rows("other_handling"))),
}
FLOWS = {
    "新收 received": "sum(new_received_total)",
    "结转下年 carried forward": "sum(carried_forward_total)",
}
REVIEWS = {
    "行政复议 reviews": "sum(review_total)",
    "复议纠正 reviews corrected": "sum(review_corrected)",
    "行政诉讼 lawsuits": sum_of(LAWSUITS),
    "诉讼纠正 lawsuits corrected": sum_of(LAWSUITS_CORRECTED),
}


def portal_filter(request: Request, column: str) -> tuple[str, dict]:
    """WHERE text restricting ``column`` (a portal code) to the place asked for."""
    clauses, params = [], {}
    for key, col in (("province", "province"), ("prefecture", "prefecture"), ("county", "name")):
        if value := arg(request, key):
            clauses.append(f"{col} = :{key}")
            params[key] = value
    if code := arg(request, "code"):
        clauses.append("code = :code")
        params["code"] = code
    if not clauses:
        return "", {}
    return f"{column} IN (SELECT code FROM portals WHERE {' AND '.join(clauses)})", params


async def yearly(datasette, request: Request) -> dict:
    db = archive(datasette)
    where, params = portal_filter(request, "portal_code")
    where_sql = f"WHERE {where}" if where else ""
    exprs = {**FLOWS, **OUTCOMES, "（七）总计 processed": "sum(total_processed_total)"}
    select = ", ".join(f'{e} AS "{k}"' for k, e in exprs.items())
    rows = await db.execute(
        f"SELECT year, count(*) AS reports, {select} FROM applications {where_sql} "
        "GROUP BY year ORDER BY year",
        params,
    )
    review_select = ", ".join(f'{e} AS "{k}"' for k, e in REVIEWS.items())
    reviews = await db.execute(
        f"SELECT year, {review_select} "
        f"FROM review_litigation {where_sql} GROUP BY year ORDER BY year",
        params,
    )
    return {
        "applications": [dict(r) for r in rows if r["year"] is not None],
        "reviews": [dict(r) for r in reviews if r["year"] is not None],
    }


PLACE_KEYS = ("province", "prefecture", "county", "code")


class _Args:
    """Just enough of a request for portal_filter: the place filters of another page."""

    def __init__(self, args: dict[str, str]):
        self.args = args


async def _data(datasette, request) -> dict:
    key = ("charts", *(arg(request, k) for k in PLACE_KEYS))
    return await cached(datasette, key, lambda: yearly(datasette, request))


def draw(data: dict, place: str) -> tuple:
    """The two charts (SVG markup) of yearly sums."""
    apps, reviews = data["applications"], data["reviews"]
    years = [str(r["year"]) for r in apps]
    outcome_series = [
        Series(name, [r[name] for r in apps], PALETTE[i]) for i, name in enumerate(OUTCOMES)
    ]
    flow_series = [
        Series(name, [r[name] for r in apps], color)
        for name, color in zip(FLOWS, ("#000000", "#009E73"), strict=True)
    ]
    outcome_chart = bar_chart(
        years, outcome_series, flow_series,
        title=f"Applications and outcomes by year {place}".strip(),
    )  # fmt: skip
    review_chart = bar_chart(
        [str(r["year"]) for r in reviews],
        [Series(n, [r[n] for r in reviews], PALETTE[i]) for i, n in enumerate(REVIEWS)],
        title=f"Administrative reviews and lawsuits by year {place}".strip(),
        grouped=True,
    )
    return outcome_chart, review_chart


async def yearly_for_code(datasette, code: str, name: str) -> Markup:
    """The applications chart of one county (for its page)."""
    data = await _data(datasette, _Args({"code": code}))
    return draw(data, name)[0]


async def chart_svg(datasette, request: Request) -> Response:
    """``/-/charts.svg?chart=applications|reviews&province=…``: one chart as an SVG file, to
    embed (``<img src>``) or download; the same place filters as the page."""
    data = await _data(datasette, request)
    charts = dict(zip(("applications", "reviews"), draw(data, place_label(request)), strict=True))
    svg = charts.get(arg(request, "chart") or "applications")
    if svg is None:
        raise BadRequest("chart is applications or reviews")
    return svg_response(svg)


async def charts_page(datasette, request: Request):
    data = await _data(datasette, request)
    apps, reviews = data["applications"], data["reviews"]
    place = place_label(request)
    outcome_chart, review_chart = draw(data, place)
    for r in apps:
        processed = r["（七）总计 processed"] or 0
        r["denial_rate"] = r["不予公开 denied"] / processed if processed else None
    for r in reviews:
        n = r["行政复议 reviews"] or 0
        r["correction_rate"] = (r["复议纠正 reviews corrected"] or 0) / n if n else None
    return await html(
        datasette,
        request,
        "nianbao_charts.html",
        {
            "place": place,
            "filters": {k: arg(request, k) for k in PLACE_KEYS},
            "query": request.query_string,
            "outcome_chart": outcome_chart,
            "review_chart": review_chart,
            "apps": apps,
            "reviews": reviews,
            "app_columns": ["reports", *FLOWS, *OUTCOMES, "（七）总计 processed"],
            "review_columns": list(REVIEWS),
        },
    )


@hookimpl
def register_routes():
    return [(r"^/-/charts$", charts_page), (r"^/-/charts\.svg$", chart_svg)]
