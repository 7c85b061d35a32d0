"""Ruled tables: pdfplumber's ``TableFinder`` fed with the page's own rulings.

Word/WPS and LibreOffice draw rulings differently (see ``TABLE_SETTINGS``), and many reports
leave a table's outer sides open; ``_open_sides`` adds those sides so the outer columns (row
labels, 总计) still form cells.
"""

from __future__ import annotations

import functools
import statistics
from bisect import bisect_left, bisect_right
from typing import Any

from ..document import Cell, Table
from .glyphs import _Ch, _Objects
from .lines import _group_lines, _join

# Ruled-table finding. Word/WPS draw each cell's border as its own thin filled rectangle (two
# edges ~0.5 pt apart), pieces offset by a fraction of a point with small gaps between them;
# LibreOffice strokes whole lines. Snapping within 3 pt and joining/intersecting within 4 pt
# rebuilds the rulings from such pieces (tested with ±0.8 pt jitter and 1.5 pt gaps) without
# fusing real columns: the narrowest value columns seen are > 14 pt wide.
TABLE_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "join_tolerance": 4,
    "intersection_tolerance": 4,
    "edge_min_length": 3,
}
MAX_RULING_EDGES = 8000  # vector art: skip table finding rather than spend seconds on it


class _EdgePage:
    """The little of a pdfplumber page that ``TableFinder`` needs for the "lines" strategy."""

    def __init__(self, edges: list[dict[str, Any]], bbox: tuple[float, ...]) -> None:
        self.edges = edges
        self.bbox = bbox


_Box = tuple[float, float, float, float]


def _ruled_tables(
    page: Any, objs: _Objects, number: int, coords: str, warnings: list[str]
) -> tuple[list[Table], list[_Box], list[tuple[Table, _Box]]]:
    """Tables from ruling lines, the bboxes whose characters they consumed, and one-column
    boxes (a framed paragraph, or the caption row of a table cut by the page end: decided once
    the neighbouring pages are known, their characters stay in the text flow meanwhile)."""
    if len(objs.edges) < 4:
        return [], [], []
    if len(objs.edges) > MAX_RULING_EDGES:
        warnings.append(f"page {number}: {len(objs.edges)} ruling segments, tables not searched")
        return [], [], []
    edges = objs.edges + _open_sides(objs.edges)
    finder = _finder(_EdgePage(edges, tuple(page.bbox)))
    groups: list[tuple[list[_Box], _Box]] = [(list(ft.cells), ft.bbox) for ft in finder.tables]
    # pdfplumber drops one-cell tables; a lone box may still be a table's cut-off caption row
    grouped = {tuple(c) for cells, _ in groups for c in cells}
    groups += [([c], c) for c in finder.cells if tuple(c) not in grouped]
    if not groups:
        return [], [], []
    by_cy = sorted(objs.chars, key=lambda c: c.cy)
    cys = [c.cy for c in by_cy]
    tables: list[Table] = []
    bboxes: list[_Box] = []
    solos: list[tuple[Table, _Box]] = []
    for cells, bbox in groups:
        boxes = sorted(cells, key=lambda b: (b[1], b[0]))
        rows: list[list[Cell]] = []
        row_top = None
        any_text = False
        for x0, top, x1, bottom in boxes:
            lo, hi = bisect_left(cys, top), bisect_right(cys, bottom)
            inside = [c for c in by_cy[lo:hi] if x0 <= (c.x0 + c.x1) / 2 < x1]
            text = _join([ln.text for ln in _group_lines(inside)]) if inside else ""
            any_text = any_text or bool(text)
            cell = Cell(text, round(x0, 2), round(x1, 2), number, _rbox((x0, top, x1, bottom)))
            if row_top is None or top - row_top > 1.0:
                rows.append([cell])
                row_top = top
            else:
                rows[-1].append(cell)
        if not any_text:
            continue  # decoration boxes
        for row in rows:
            row.sort(key=lambda c: c.x0)
        table = Table(rows, kind="grid", coords=coords, page=number)
        if len({round(b[0]) for b in boxes}) < 2:
            solos.append((table, bbox))
        else:
            tables.append(table)
            bboxes.append(bbox)
    return tables, bboxes, solos


def _finder(page: _EdgePage) -> Any:
    """pdfplumber's ``TableFinder`` for the page, its cells found by ``_cells``."""
    finder, settings = _finder_class()
    return finder(page, settings)


@functools.cache
def _finder_class() -> tuple[type, Any]:
    """The finder class and its resolved settings, made once (pdfplumber is imported lazily)."""
    from pdfplumber.table import Table as PlumberTable
    from pdfplumber.table import (
        TableFinder,
        TableSettings,
        cells_to_tables,
        edges_to_intersections,
    )

    class _Finder(TableFinder):
        # TableFinder.__init__'s steps, with the cells found by _cells
        def __init__(self, page: Any, settings: TableSettings) -> None:
            self.page = page
            self.settings = settings
            self.edges = self.get_edges()
            self.intersections = edges_to_intersections(
                self.edges, settings.intersection_x_tolerance, settings.intersection_y_tolerance
            )
            self.cells = _cells(self.intersections)
            self.tables = [PlumberTable(self.page, group) for group in cells_to_tables(self.cells)]

    return _Finder, TableSettings.resolve(TABLE_SETTINGS)


def _cells(intersections: dict) -> list[_Box]:
    """pdfplumber's ``intersections_to_cells``, the same cells in the same order, without its
    quadratic rescans: each point's edges (by bbox, as it compares them) are made a set once,
    and the points below and right of a point are looked up by column and row."""
    points = sorted(intersections)
    v = {
        p: {(e["x0"], e["top"], e["x1"], e["bottom"]) for e in d["v"]}
        for p, d in intersections.items()
    }
    h = {
        p: {(e["x0"], e["top"], e["x1"], e["bottom"]) for e in d["h"]}
        for p, d in intersections.items()
    }

    def connects(a: tuple, b: tuple) -> bool:
        return (a[0] == b[0] and not v[a].isdisjoint(v[b])) or (
            a[1] == b[1] and not h[a].isdisjoint(h[b])
        )

    columns: dict[float, list] = {}
    rows: dict[float, list] = {}
    for p in points:  # in sorted order: a point's later neighbours follow it in its lists
        columns.setdefault(p[0], []).append(p)
        rows.setdefault(p[1], []).append(p)
    at_column = {p: k for lst in columns.values() for k, p in enumerate(lst)}
    at_row = {p: k for lst in rows.values() for k, p in enumerate(lst)}
    cells: list[_Box] = []
    for pt in points[:-1]:
        below = columns[pt[0]][at_column[pt] + 1 :]
        right = rows[pt[1]][at_row[pt] + 1 :]
        found = None
        for below_pt in below:
            if not connects(pt, below_pt):
                continue
            for right_pt in right:
                if not connects(pt, right_pt):
                    continue
                corner = (right_pt[0], below_pt[1])
                if (
                    corner in intersections
                    and connects(corner, right_pt)
                    and connects(corner, below_pt)
                ):
                    found = (pt[0], pt[1], corner[0], corner[1])
                    break
            if found:
                break
        if found:
            cells.append(found)
    return cells


def _open_sides(edges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Vertical rulings a table leaves out on its open sides (no outer left/right border).

    Where the horizontal rulings of one table end at the same outermost x (three of them, or
    two with inner rulings between) and no vertical ruling runs there, a vertical edge joins
    them, so the outer columns (row labels, 总计) still form cells. Rulings belong to one table
    while a vertical ruling spans the space between them (or they are one row apart).
    """
    all_h = [e for e in edges if e["orientation"] == "h"]
    hs = [e for e in all_h if e["width"] >= 10]
    spans = _vertical_spans(edges)
    out: list[dict[str, Any]] = []
    for side, sign in (("x0", -1), ("x1", 1)):
        for group in _cluster(hs, side, 3):
            x = statistics.median(e[side] for e in group)
            tops = [g[0]["top"] for g in _cluster(group, "top", 1.5)]
            for top, bottom in _table_runs(tops, spans):
                if _side_is_open(x, top, bottom, side, sign, spans, all_h):
                    out.append(_vertical_edge(x, top, bottom))
    return out


def _vertical_spans(edges: list[dict[str, Any]]) -> list[list[float]]:
    """[x, top, bottom] of the vertical rulings, pieces at one x joined end to end."""
    vs = sorted(
        (e for e in edges if e["orientation"] == "v" and e["height"] >= 3),
        key=lambda e: e["x0"],
    )
    spans: list[list[float]] = []
    for group in _cluster(vs, "x0", 3):
        for e in sorted(group, key=lambda e: e["top"]):
            last = spans[-1] if spans and spans[-1][0] == group[0]["x0"] else None
            if last and e["top"] <= last[2] + 3:
                last[2] = max(last[2], e["bottom"])
            else:
                spans.append([group[0]["x0"], e["top"], e["bottom"]])
    return spans


def _spanned(spans: list[list[float]], a: float, b: float) -> bool:
    """Does one vertical ruling run from ``a`` to ``b``?"""
    return any(t <= a + 2 and bt >= b - 2 for _, t, bt in spans)


def _table_runs(tops: list[float], spans: list[list[float]]) -> list[tuple[float, float]]:
    """(top, bottom) of the runs of horizontal rulings (at one outer x) that form a table."""
    runs: list[list[float]] = []
    for y in tops:
        # one row apart (a full-width caption row has no inner ruling), or spanned by a ruling
        if runs and (y - runs[-1][-1] <= 25 or _spanned(spans, runs[-1][-1], y)):
            runs[-1].append(y)
        else:
            runs.append([y])
    return [
        (run[0], run[-1])
        for run in runs
        # two rulings make a table row only with inner rulings between
        if len(run) > 2 or (len(run) == 2 and _spanned(spans, run[0], run[-1]))
    ]


def _side_is_open(
    x: float,
    top: float,
    bottom: float,
    side: str,
    sign: int,
    spans: list[list[float]],
    all_h: list[dict[str, Any]],
) -> bool:
    """No vertical ruling at ``x`` between ``top`` and ``bottom``, and ``x`` is the outermost
    end of the horizontal rulings there (not an inner boundary)."""
    if any(abs(sx - x) <= 3 and st < bottom and sb > top for sx, st, sb in spans):
        return False  # the side is ruled
    return not any(sign * (e[side] - x) > 3 and top - 2 <= e["top"] <= bottom + 2 for e in all_h)


def _vertical_edge(x: float, top: float, bottom: float) -> dict[str, Any]:
    """An edge in pdfplumber's format, as ``TableFinder`` takes it."""
    return {
        "object_type": "edge",
        "orientation": "v",
        "x0": x,
        "x1": x,
        "top": top,
        "bottom": bottom,
        "doctop": top,
        "width": 0.0,
        "height": bottom - top,
    }


def _cluster(items: list[dict[str, Any]], key: str, tol: float) -> list[list[dict[str, Any]]]:
    """Items sorted by ``key`` and chained into groups whose neighbours are within ``tol``."""
    groups: list[list[dict[str, Any]]] = []
    for e in sorted(items, key=lambda e: e[key]):
        if groups and e[key] - groups[-1][-1][key] <= tol:
            groups[-1].append(e)
        else:
            groups.append([e])
    return groups


def _rbox(b: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    return (round(b[0], 2), round(b[1], 2), round(b[2], 2), round(b[3], 2))


def _outside(chars: list[_Ch], bboxes: list[tuple[float, float, float, float]]) -> list[_Ch]:
    if not bboxes:
        return chars
    out = []
    for c in chars:
        cx, cy = (c.x0 + c.x1) / 2, c.cy
        if not any(x0 - 1 <= cx <= x1 + 1 and t - 1 <= cy <= b + 1 for x0, t, x1, b in bboxes):
            out.append(c)
    return out
