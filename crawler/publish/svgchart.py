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
    left, right, top, bottom = 64, 16, 16, 64
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(1, len(categories))
    if grouped:
        peak = max([v or 0 for s in stacked for v in s.values] + [0])
    else:
        peak = max([sum(s.values[i] or 0 for s in stacked) for i in range(len(categories))] + [0])
    peak = max([peak] + [v or 0 for s in lines for v in s.values])
    step = nice_max(peak / 4) if peak > 4 else 1  # four gridline steps of 1, 2 or 5 × 10^n
    ymax = step * 4

    def y(v: float) -> float:
        return top + plot_h - (v / ymax) * plot_h

    slot = plot_w / n
    bar_w = slot * 0.6
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px">',
        f"<title>{escape(title)}</title>",
    ]
    for k in range(5):  # gridlines and y axis labels
        v = ymax * k / 4
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
            f'stroke="#ddd"/><text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" '
            f'font-size="11">{_fmt(v)}</text>'
        )
    for i, cat in enumerate(categories):
        x0 = left + slot * i + (slot - bar_w) / 2
        if grouped:
            w = bar_w / max(1, len(stacked))
            for j, s in enumerate(stacked):
                v = s.values[i] or 0
                parts.append(
                    f'<rect x="{x0 + j * w:.1f}" y="{y(v):.1f}" width="{w - 1:.1f}" '
                    f'height="{y(0) - y(v):.1f}" fill="{s.color}"><title>{escape(cat)} '
                    f"{escape(s.name)}: {_fmt(v)}</title></rect>"
                )
        else:
            base = 0.0
            for s in stacked:
                v = s.values[i] or 0
                parts.append(
                    f'<rect x="{x0:.1f}" y="{y(base + v):.1f}" width="{bar_w:.1f}" '
                    f'height="{y(base) - y(base + v):.1f}" fill="{s.color}"><title>{escape(cat)} '
                    f"{escape(s.name)}: {_fmt(v)}</title></rect>"
                )
                base += v
        parts.append(
            f'<text x="{left + slot * (i + 0.5):.1f}" y="{top + plot_h + 16}" '
            f'text-anchor="middle" font-size="12">{escape(cat)}</text>'
        )
    for s in lines:
        points = [(left + slot * (i + 0.5), y(v)) for i, v in enumerate(s.values) if v is not None]
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
    legend = [*stacked, *lines]
    for k, s in enumerate(legend):  # legend: two rows under the axis
        lx = left + (k % 4) * (plot_w / 4)
        ly = top + plot_h + 34 + (k // 4) * 16
        parts.append(
            f'<rect x="{lx:.1f}" y="{ly - 9}" width="10" height="10" fill="{s.color}"/>'
            f'<text x="{lx + 14:.1f}" y="{ly}" font-size="11">{escape(s.name)}</text>'
        )
    parts.append(
        f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + plot_h}" stroke="#333"/>'
        f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" '
        f'stroke="#333"/></svg>'
    )
    return Markup("".join(parts))
