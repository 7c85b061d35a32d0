"""Text lines outside tables → paragraphs, and paragraphs broken by a page end.

Breaks are decided from the prose's own margins and line spacing, measured per page size.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from .lines import _HEADING, _join, _Line
from .page import _PageOut


@dataclass
class _Para:
    lines: list[_Line]
    page: int

    @property
    def text(self) -> str:
        return _join([ln.text for ln in self.lines])


def _margins(pages: list[_PageOut]) -> dict[str, tuple[float, float, float]]:
    """Per page size: left and right margin of the prose, and the usual gap between two lines
    of one paragraph as a fraction of the type size."""
    by_size: dict[str, list[_Line]] = {}
    ratios: dict[str, list[float]] = {}
    for p in pages:
        by_size.setdefault(p.coords, []).extend(p.lines)
        rl = ratios.setdefault(p.coords, [])
        for a, b in itertools.pairwise(p.lines):
            # prose pairs only: table rows (borderless) are set tighter and would pull it down
            if len(a.segments) == 1 and len(b.segments) == 1 and abs(a.size - b.size) < 0.5:
                g = b.top - a.bottom
                if 0 <= g < 3 * b.size:
                    rl.append(g / b.size)
    out = {}
    for coords, lines in by_size.items():
        # Prose lines only: table rows (several segments) often stick out into the margins.
        body = [ln for ln in lines if len(ln.segments) == 1 and len(ln.chars) >= 10]
        body = body or lines
        x0s = [round(ln.x0 / 2) * 2 for ln in body]
        frequent = [x for x in set(x0s) if x0s.count(x) >= max(2, len(x0s) // 10)]
        left = float(min(frequent or x0s, default=0))
        # Justified CJK lines end at the margin; a high percentile ignores the odd wide line.
        x1s = sorted(ln.x1 for ln in body)
        right = x1s[min(len(x1s) - 1, int(0.9 * len(x1s)))] if x1s else 0.0
        # Most pairs are inside a paragraph; paragraph spacing only adds to the upper part.
        r = sorted(ratios.get(coords) or [0.0])
        out[coords] = (left, right, r[len(r) // 4])
    return out


def _centered(ln: _Line, page_width: float) -> bool:
    return abs((ln.x0 + ln.x1) / 2 - page_width / 2) < ln.size and ln.x0 > 0.15 * page_width


def _paragraphs(
    lines: list[_Line], page: _PageOut, left: float, right: float, gap: float
) -> list[_Para]:
    paras: list[_Para] = []
    prev: _Line | None = None
    for ln in lines:
        s = ln.size
        new = prev is None
        if prev is not None:
            short = prev.x1 < right - 1.5 * s
            indent = ln.x0 > left + 1.0 * s
            big_gap = ln.top - prev.bottom > (gap + 0.5) * s
            new = big_gap or short or indent or abs(s - prev.size) > 0.2 * s
            if (
                new
                and not big_gap
                and _centered(ln, page.width)
                and prev.x0 <= left + s
                and prev.x1 >= right - 1.5 * s
                and abs(s - prev.size) < 0.5
                and not _HEADING.match(ln.text)
            ):
                new = False  # a title wrapped over two centred lines
        if new:
            paras.append(_Para([ln], page.number))
        else:
            paras[-1].lines.append(ln)
        prev = ln
    return paras


def _continues(
    a: _Para, b: _Para, margins: dict[str, tuple[float, float, float]], pages: dict[int, _PageOut]
) -> bool:
    """Does paragraph b (first on its page) continue paragraph a (last on the previous page)?"""
    pa, pb = pages[a.page], pages[b.page]
    if pa.coords != pb.coords:
        return False
    left, right, _ = margins[pa.coords]
    last, first = a.lines[-1], b.lines[0]
    return (
        last.x1 >= right - 1.5 * last.size
        and last.text[-1:] not in "。！？；："
        and first.x0 <= left + 1.0 * first.size
        and not _HEADING.match(first.text)
        and abs(first.size - last.size) < 0.5
    )
