"""``/-/rankings``: counties ranked fairly by one indicator, and who is left out and why.

The two canned queries ``ranking`` and ``ranking_left_out`` (findings_queries.py) answer; this
page puts them side by side with the indicator's formula, denominator and caveats, the
sample-size threshold in force, and links to each county's page. Every parameter is in the URL,
so the page is its own permalink; the same rows are at ``/archive/ranking.json?…``.
"""

from __future__ import annotations

from datasette import hookimpl
from datasette.utils.asgi import Request

from crawler.archive.metrics import BY_KEY, METRICS

from .common import archive, arg, html, int_arg
from .findings_queries import DEFAULT_MIN_N, LEFT_OUT_SQL, RANKING_SQL, YEAR

RANKABLE = tuple(m for m in METRICS if m.kind != "similarity")
SHOWN = 500


def fmt(value: float | None, kind: str) -> str:
    """A rate as a percentage, a count as a number; empty when there is none."""
    if value is None:
        return ""
    if kind in ("rate", "share", "similarity"):
        return f"{value:.1%}"
    return f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"


def params(request: Request) -> dict:
    """The ranking's parameters from the URL; unknown indicators fall back to the default."""
    indicator = arg(request, "indicator")
    if indicator not in BY_KEY or BY_KEY[indicator].kind == "similarity":
        indicator = "substantive_disclosure_rate"
    min_n = int_arg(request, "min_n")
    return {
        "indicator": indicator,
        "year": str(int_arg(request, "year") or ""),
        "province": arg(request, "province"),
        "prefecture": arg(request, "prefecture"),
        "min_n": str(min_n if min_n is not None else DEFAULT_MIN_N),
    }


def unlimited(sql: str) -> str:
    """A canned query's SQL without its final LIMIT (the canned page shows the first rows)."""
    head, _, tail = sql.rpartition("LIMIT")
    return head if tail.strip().isdigit() else sql


async def rankings_page(datasette, request: Request):
    db = archive(datasette)
    p = params(request)
    # The page shows the first rows but counts them all: the queries without their LIMIT.
    ranked = [dict(r) for r in await db.execute(unlimited(RANKING_SQL), p)]
    left_out = [dict(r) for r in await db.execute(unlimited(LEFT_OUT_SQL), p)]
    latest = (await db.execute(f"SELECT {YEAR}", p)).first()[0]
    reasons: dict[str, int] = {}
    for r in left_out:
        small = r["why"].startswith("N = ")
        key = f"N < {p['min_n']}: too few to rank (样本不足)" if small else r["why"]
        reasons[key] = reasons.get(key, 0) + 1
    provinces = [
        r[0]
        for r in await db.execute(
            "SELECT DISTINCT province FROM counties WHERE province IS NOT NULL ORDER BY code"
        )
    ]
    m = BY_KEY[p["indicator"]]
    return await html(
        datasette,
        request,
        "nianbao_rankings.html",
        {
            "p": p,
            "metric": m,
            "metrics": RANKABLE,
            "ranked": ranked[:SHOWN],
            "ranked_total": len(ranked),
            "left_out": left_out[:SHOWN],
            "left_out_total": len(left_out),
            "reasons": reasons,
            "year": latest,
            "provinces": provinces,
            "fmt": fmt,
            "query_args": "&".join(f"{k}={v}" for k, v in p.items()),
        },
    )


@hookimpl
def register_routes():
    return [(r"^/-/rankings$", rankings_page)]
