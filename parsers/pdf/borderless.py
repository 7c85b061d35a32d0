"""Borderless tables: runs of text lines whose numbers stand in common columns.

Without rulings a table is only geometry: rows with several separated values, the wrapped
labels, captions and header lines around them. Regions are found per page, then joined over
page breaks (a table continued at the top of the next page, header rows at the foot of one).
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable

from ..document import Cell, Table
from .lines import _HEADING, _Line
from .page import _PageOut, _top
from .ruled import _rbox

_NUMERIC = re.compile(r"^[+\-−]?\d[\d,，]*(?:[.．]\d+)?%?$")
_NA = {"/", "／", "-", "－", "—", "——", "–", "无", "\\"}


def _is_value(text: str) -> bool:
    return bool(_NUMERIC.match(text)) or text in _NA


def _numeric_row(ln: _Line) -> bool:
    values = [s for s in ln.segments if _is_value(s[2])]
    return len(values) >= 2 and any(_NUMERIC.match(s[2]) for s in values)


def _stops_region(
    ln: _Line, right: float, *, heading: bool = True, size: float | None = None
) -> bool:
    """Lines that are prose (long, ending a sentence or a lead-in, reaching the right margin),
    a heading, or set larger than the table's text never belong to a borderless table.

    ``heading=False`` between two rows of numbers: group labels such as 「（三）不予公开」 look
    like headings there; a real section heading between tables is set larger (``size``)."""
    if len(ln.segments) > 1:
        return False
    text = ln.text
    bigger = size is not None and ln.size > 1.15 * size
    return (
        len(text) >= 30
        or text.endswith("。")
        # a lead-in (「情况如下：」) in body type; a wrapped header cell may end in 「：」 too
        or (text.endswith(("；", "：", ";", ":")) and (len(text) >= 20 or bigger))
        or ln.x1 >= right - ln.size
        or (heading and bool(_HEADING.match(text)) and len(text) >= 4)
        or bigger
    )


def _label_only(
    ln: _Line, value_left: float, right: float, *, heading: bool = True, size: float | None = None
) -> bool:
    """A wrapped row label: text only left of the value columns (「年度办」, 「止公开」)."""
    return ln.x1 < value_left - 2 and not _stops_region(ln, right, heading=heading, size=size)


def _value_left(ln: _Line) -> float:
    return min((s[0] for s in ln.segments if _is_value(s[2])), default=ln.x1)


def _aligned(rows: list[_Line], header: list[_Line]) -> bool:
    """Do the numbers of these rows stand in common columns (or under the header's columns)?"""
    spans = [
        [(s[0] - 2, s[1] + 2) for s in ln.segments if _is_value(s[2])]
        for ln in rows
        if _numeric_row(ln)
    ]
    if any(len(s) >= 5 for s in spans):
        return True  # one row of many separated numbers is never prose
    if len(spans) == 1:
        # a lone row of values (table 四 with blanks) under two or more header rows
        heads = [(s[0], s[1]) for ln in header if len(ln.segments) >= 2 for s in ln.segments]
        under = [a for a in spans[0] if any(min(a[1], b1) > max(a[0], b0) for b0, b1 in heads)]
        return sum(len(ln.segments) >= 2 for ln in header) >= 2 and len(under) >= 2
    if len(spans) < 2:
        return False
    hits = total = 0
    for i, row in enumerate(spans):
        others = [b for j, r in enumerate(spans) if j != i for b in r]
        for a0, a1 in row:
            total += 1
            if any(min(a1, b1) > max(a0, b0) for b0, b1 in others):
                hits += 1
    return hits >= 0.7 * total


_Close = Callable[[int, int, float], bool]


def _near(lines: list[_Line], walls: list[float]) -> _Close:
    def close(a: int, b: int, factor: float) -> bool:
        """Lines a < b are within factor line heights, with no ruled table between them."""
        la, lb = lines[a], lines[b]
        if lb.top - la.bottom > factor * lb.size:
            return False
        return not any(la.top < w < lb.top for w in walls)

    return close


def _borderless(lines: list[_Line], right: float, walls: list[float]) -> list[tuple[int, int]]:
    """Index ranges [i, j) of lines forming borderless tables.

    A region grows from rows carrying two or more separated numbers; rows with one value, wrapped
    label lines (text only left of the numbers), captions and header lines (several column
    segments) around them join it. Prose, headings and text set larger than the table's stop it.
    ``walls`` are the tops of ruled tables: no region reaches across one.
    """
    n = len(lines)
    numeric = [_numeric_row(ln) for ln in lines]
    weak = [len(ln.segments) >= 2 and any(_is_value(s[2]) for s in ln.segments) for ln in lines]
    close = _near(lines, walls)
    regions: list[tuple[int, int]] = []
    i = 0
    while i < n:
        if not numeric[i]:
            i += 1
            continue
        start = end = i  # end: last row with values of the run
        value_left = _value_left(lines[i])
        size = lines[i].size  # the table's type size
        j = i + 1
        between = 0
        while j < n and close(j - 1, j, 3.0):
            ln = lines[j]
            if weak[j]:
                end, between = j, 0
                if numeric[j]:
                    value_left = min(value_left, _value_left(ln))
            elif between < 6 and _label_only(ln, value_left, right, heading=False, size=size):
                between += 1
            elif between < 3 and not _stops_region(ln, right, heading=False, size=size):
                between += 1  # a caption row (第二十条第（五）项), a header row
            else:
                break
            j += 1
        floor = regions[-1][1] if regions else 0
        k = _header_run(lines, start, floor, right, value_left, close, size)
        if not _aligned(lines[start : end + 1], lines[k:start]):
            i = end + 1
            continue
        e = end + 1  # wrapped labels of the last row below
        while e < n and e - end <= 4 and close(e - 1, e, 1.5):
            if not _label_only(lines[e], value_left, right, size=size):
                break
            e += 1
        regions.append((k, e))
        i = e
    return regions


def _header_run(
    lines: list[_Line],
    start: int,
    floor: int,
    right: float,
    value_left: float | None,
    close: _Close,
    size: float | None = None,
) -> int:
    """First index of the header rows (and wrapped labels) right above ``lines[start]``.

    Header rows have several column segments; a single short segment belongs to the header when
    it lies over the value columns (「申请人情况」), left of them (a wrapped label or the corner
    cell), or when the line above it has several segments (「自然」 / 「人」).
    """
    k = start
    while k > floor and start - k < 10 and close(k - 1, k, 2.5):
        ln = lines[k - 1]
        if len(ln.segments) >= 2:
            if ln.text.endswith("。") or (size is not None and ln.size > 1.15 * size):
                break
        elif _stops_region(ln, right, size=size):
            break
        elif value_left is None or not (ln.x1 < value_left - 2 or ln.x0 >= value_left - 2):
            above = lines[k - 2] if k - 2 >= floor else None
            if above is None or len(above.segments) < 2 or not close(k - 2, k - 1, 2.5):
                break
        k -= 1
    return k


def _continuation(lines: list[_Line], right: float, size: float, close: _Close) -> int:
    """End of the run of table rows opening a page (rows with a value, captions, header rows)
    that continues the previous page's borderless table; 0 if there is none."""
    last = 0
    for k, ln in enumerate(lines):
        if k and not close(k - 1, k, 3.0):
            break
        if len(ln.segments) >= 2 and any(_is_value(s[2]) for s in ln.segments):
            last = k + 1
        elif ln.size > 1.15 * size or _stops_region(ln, right, heading=False, size=size):
            break
    return last


def _header_tail(lines: list[_Line], right: float, close: _Close, size: float) -> int:
    """Start of the header/caption rows ending a page whose borderless table goes on at the top
    of the next page (set in the table's type ``size``), or -1."""
    n = k = len(lines)
    while k > 0 and n - k < 10:
        ln = lines[k - 1]
        if (k < n and not close(k - 1, k, 2.5)) or ln.size > 1.15 * size:
            break
        if len(ln.segments) >= 2:
            if ln.text.endswith("。"):
                break
        elif _stops_region(ln, right, size=size):
            break
        k -= 1
    return k if k < n else -1


def _line_table(lines: list[_Line], number: int, coords: str) -> Table:
    rows = [
        [
            Cell(text, round(x0, 2), round(x1, 2), number, _rbox((x0, ln.top, x1, ln.bottom)))
            for x0, x1, text in ln.segments
        ]
        for ln in lines
    ]
    # Borderless: cells are word runs where the text stands (see Table.positional).
    return Table(rows, kind="grid", coords=coords, page=number, positional=True)


_Regions = dict[int, list[tuple[int, int]]]  # page number → [i, j) line ranges
_Margins = dict[str, tuple[float, float, float]]  # page size → (left, right, line gap)


def _borderless_regions(pages: list[_PageOut], margins: _Margins) -> _Regions:
    """Per page, the [i, j) line ranges that form borderless tables, joined over page breaks."""
    by_number = {p.number: p for p in pages}
    regions: _Regions = {}
    walls: dict[int, list[float]] = {}  # page number → tops of its ruled tables
    for p in pages:
        if not p.image_only:
            walls[p.number] = [_top(t) for t in p.tables]
            right = margins.get(p.coords, (0, p.width, 0))[1]
            regions[p.number] = _borderless(p.lines, right, walls[p.number])
    _join_continuations(pages, by_number, margins, regions, walls)
    _join_header_tails(pages, by_number, margins, regions, walls)
    return regions


def _join_continuations(
    pages: list[_PageOut],
    by_number: dict[int, _PageOut],
    margins: _Margins,
    regions: _Regions,
    walls: dict[int, list[float]],
) -> None:
    """Rows at the top of a page continuing a borderless table that filled the previous page
    (in place: the previous page's last region runs to its end, this page's starts at 0)."""
    for p in pages:
        prev = by_number.get(p.number - 1)
        before = regions.get(p.number - 1)
        if p.number not in regions or not prev or not before:
            continue
        size = statistics.median(ln.size for ln in prev.lines[before[-1][0] : before[-1][1]])
        trailing = prev.lines[before[-1][1] :]  # a caption row may follow the last value row
        if len(trailing) > 2 or any(
            len(ln.segments) < 2 and _stops_region(ln, margins[prev.coords][1], size=size)
            for ln in trailing
        ):
            continue
        k = _continuation(p.lines, margins[p.coords][1], size, _near(p.lines, walls[p.number]))
        if not k:
            continue
        before[-1] = (before[-1][0], len(prev.lines))
        mine = regions[p.number]
        if mine and mine[0][0] <= k:
            mine[0] = (0, max(k, mine[0][1]))
        else:
            mine.insert(0, (0, k))


def _join_header_tails(
    pages: list[_PageOut],
    by_number: dict[int, _PageOut],
    margins: _Margins,
    regions: _Regions,
    walls: dict[int, list[float]],
) -> None:
    """Header rows at the foot of a page whose (borderless) table goes on at the top of the
    next (in place: a region added at the end of the page)."""
    for p in pages:
        nxt = regions.get(p.number + 1)
        if p.number in regions and nxt and nxt[0][0] == 0 and p.lines:
            close = _near(p.lines, walls[p.number])
            following = by_number[p.number + 1].lines[nxt[0][0] : nxt[0][1]]
            size = statistics.median(ln.size for ln in following)
            k = _header_tail(p.lines, margins[p.coords][1], close, size)
            mine = regions[p.number]
            if k >= 0 and not (mine and mine[-1][1] > k):
                mine.append((k, len(p.lines)))
