"""Charts drawn on the server as inline SVG: no JavaScript, no CDN, readable without a network.

Hovering a bar or a point shows its number (an SVG <title>). Colours are chosen to stay
distinguishable for the common forms of colour blindness (Okabe–Ito palette).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup, escape

PALETTE = ("#0072B2", "#56B4E9", "#D55E00", "#E69F00", "#CC79A7", "#999999", "#009E73", "#000000")


@dataclass
class Series:
    name: str
    values: list[float | None]
    color: str


def nice_max(value: float) -> float:
    """The smallest 1/2/5 × 10^n at or above ``value``."""
    if value <= 0:
        return 1
    if value <= 1:
        return 1
    exp = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * exp:
            return step * exp
    return 10 * exp


def _fmt(v: float) -> str:
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}"


@dataclass(frozen=True)
class _Frame:
    """The plot area of a chart and its y scale."""

    width: int
    height: int
    n: int  # categories
    ymax: float
    left: int = 64
    right: int = 16
    top: int = 16
    bottom: int = 64

    @property
    def plot_w(self) -> float:
        return self.width - self.left - self.right

    @property
    def plot_h(self) -> float:
        return self.height - self.top - self.bottom

    @property
    def slot(self) -> float:
        return self.plot_w / self.n

    def y(self, v: float) -> float:
        return self.top + self.plot_h - (v / self.ymax) * self.plot_h

    def x_mid(self, i: int) -> float:
        return self.left + self.slot * (i + 0.5)


def _peak(categories: list[str], stacked: list[Series], lines, grouped: bool) -> float:
    if grouped:
        peak = max([v or 0 for s in stacked for v in s.values] + [0])
    else:
        peak = max([sum(s.values[i] or 0 for s in stacked) for i in range(len(categories))] + [0])
    return max([peak] + [v or 0 for s in lines for v in s.values])


def _grid(f: _Frame) -> list[str]:
    parts = []
    for k in range(5):  # gridlines and y axis labels
        v = f.ymax * k / 4
        parts.append(
            f'<line x1="{f.left}" x2="{f.width - f.right}" y1="{f.y(v):.1f}" y2="{f.y(v):.1f}" '
            f'stroke="#ddd"/><text x="{f.left - 6}" y="{f.y(v) + 4:.1f}" text-anchor="end" '
            f'font-size="11">{_fmt(v)}</text>'
        )
    return parts


def _rect(x: float, w: float, lo: float, hi: float, f: _Frame, s: Series, cat: str, v) -> str:
    return (
        f'<rect x="{x:.1f}" y="{f.y(hi):.1f}" width="{w:.1f}" '
        f'height="{f.y(lo) - f.y(hi):.1f}" fill="{s.color}"><title>{escape(cat)} '
        f"{escape(s.name)}: {_fmt(v)}</title></rect>"
    )


def _bars(f: _Frame, categories: list[str], stacked: list[Series], grouped: bool) -> list[str]:
    parts = []
    bar_w = f.slot * 0.6
    for i, cat in enumerate(categories):
        x0 = f.left + f.slot * i + (f.slot - bar_w) / 2
        if grouped:
            w = bar_w / max(1, len(stacked))
            for j, s in enumerate(stacked):
                v = s.values[i] or 0
                parts.append(_rect(x0 + j * w, w - 1, 0, v, f, s, cat, v))
        else:
            base = 0.0
            for s in stacked:
                v = s.values[i] or 0
                parts.append(_rect(x0, bar_w, base, base + v, f, s, cat, v))
                base += v
        parts.append(
            f'<text x="{f.x_mid(i):.1f}" y="{f.top + f.plot_h + 16}" '
            f'text-anchor="middle" font-size="12">{escape(cat)}</text>'
        )
    return parts


def _lines(f: _Frame, lines: list[Series]) -> list[str]:
    parts = []
    for s in lines:
        points = [(f.x_mid(i), f.y(v)) for i, v in enumerate(s.values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{yy:.1f}" for x, yy in points)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{s.color}" stroke-width="2.5"/>'
            )
        for (x, yy), v in zip(points, [v for v in s.values if v is not None], strict=True):
            parts.append(
                f'<circle cx="{x:.1f}" cy="{yy:.1f}" r="4" fill="{s.color}"><title>'
                f"{escape(s.name)}: {_fmt(v)}</title></circle>"
            )
    return parts


def _legend(f: _Frame, series: list[Series]) -> list[str]:
    parts = []
    for k, s in enumerate(series):  # legend: two rows under the axis
        lx = f.left + (k % 4) * (f.plot_w / 4)
        ly = f.top + f.plot_h + 34 + (k // 4) * 16
        parts.append(
            f'<rect x="{lx:.1f}" y="{ly - 9}" width="10" height="10" fill="{s.color}"/>'
            f'<text x="{lx + 14:.1f}" y="{ly}" font-size="11">{escape(s.name)}</text>'
        )
    return parts


def bar_chart(
    categories: list[str],
    stacked: list[Series],
    lines: list[Series] = (),  # type: ignore[assignment]
    *,
    title: str,
    width: int = 760,
    height: int = 340,
    grouped: bool = False,
) -> Markup:
    """Bars per category (stacked, or side by side with ``grouped``) and optional lines."""
    peak = _peak(categories, stacked, lines, grouped)
    step = nice_max(peak / 4) if peak > 4 else 1  # four gridline steps of 1, 2 or 5 × 10^n
    f = _Frame(width, height, max(1, len(categories)), step * 4)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px">',
        f"<title>{escape(title)}</title>",
        *_grid(f),
        *_bars(f, categories, stacked, grouped),
        *_lines(f, lines),
        *_legend(f, [*stacked, *lines]),
        f'<line x1="{f.left}" x2="{f.left}" y1="{f.top}" y2="{f.top + f.plot_h}" stroke="#333"/>'
        f'<line x1="{f.left}" x2="{width - f.right}" y1="{f.top + f.plot_h}" '
        f'y2="{f.top + f.plot_h}" stroke="#333"/></svg>',
    ]
    return Markup("".join(parts))


def svg_response(svg: str):
    """An SVG drawn for a page, as a file of its own (embeddable with <img> or <object>)."""
    from datasette.utils.asgi import Response

    body = '<?xml version="1.0" encoding="utf-8"?>\n' + str(svg).replace(
        'width="100%"', 'width="760"', 1
    )
    return Response(
        body,
        content_type="image/svg+xml; charset=utf-8",
        headers={"access-control-allow-origin": "*", "cache-control": "max-age=300"},
    )
