"""Ruled tables of a scanned page: rule masks, grid lines, merged cells, rules erased.

A scan has no cell objects; the grid is rebuilt from the ink: projections give the rule
positions, missing rule segments the merged cells (union-find). The rules are then whited out
so the OCR neither reads them nor joins text across them.
"""

from __future__ import annotations

import itertools
import statistics
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .boxes import _Box
from .image import REF_SIDE, _binarize

if TYPE_CHECKING:
    import numpy as np


RULE_COVERAGE = 0.6  # share of a cell edge a rule must cover to count as a cell border


@dataclass
class _Grid:
    """A rebuilt ruled table: grid lines and the merged-cell groups over the grid."""

    xs: list[int]
    ys: list[int]
    # group id of every grid cell, row-major: groups[r][c]
    groups: list[list[int]]
    # the table's own vertical-rule mask (region crop), for erasing the rules before OCR
    v_mask: Any = None
    origin: tuple[int, int] = (0, 0)
    boxes: dict[int, list[_Box]] = field(default_factory=dict)

    @property
    def bbox(self) -> tuple[int, int, int, int]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]

    def contains(self, x: float, y: float) -> bool:
        return self.xs[0] <= x <= self.xs[-1] and self.ys[0] <= y <= self.ys[-1]

    def group_at(self, x: float, y: float) -> int:
        from bisect import bisect_right

        c = min(max(bisect_right(self.xs, x) - 1, 0), len(self.xs) - 2)
        r = min(max(bisect_right(self.ys, y) - 1, 0), len(self.ys) - 2)
        return self.groups[r][c]


def _rule_masks(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Ink, horizontal-rule and coarse vertical-rule masks, and the size unit (1.0 at 200 dpi).

    The coarse vertical mask only serves to find table regions; each table recomputes its own
    with a kernel fitted to its row height.
    """
    h, w = gray.shape
    unit = max(h, w) / REF_SIDE
    bw = _binarize(gray, unit)
    # 1/30 of the page width is longer than any stroke of a CJK character up to ~20 pt, but
    # shorter than the narrowest cell of a 15-column table.
    h_mask = _long_runs(bw, max(25, w // 30), horizontal=True)
    v_mask = _long_runs(bw, max(15, round(28 * unit)), horizontal=False)
    return bw, h_mask, v_mask, unit


def _long_runs(bw: np.ndarray, length: int, *, horizontal: bool) -> np.ndarray:
    """Ink runs at least ``length`` long in one direction.

    No closing first: it would bridge the 1–3 px gaps between neighbouring characters and turn
    a row of strokes into a "rule". Broken rules are handled by the coverage threshold instead.
    """
    import cv2

    kernel = (length, 1) if horizontal else (1, length)
    return cv2.morphologyEx(bw, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))


def _line_positions(profile: np.ndarray, min_strength: float, merge_gap: float) -> list[int]:
    """Rule positions from a projection profile.

    Adjacent positions form a run (one rule, 1–4 px thick); runs closer than ``merge_gap`` are
    one rule drawn twice (double or offset borders) and take the position of the stronger run.
    """
    import numpy as np

    idx = np.flatnonzero(profile >= min_strength)
    if idx.size == 0:
        return []
    runs: list[tuple[int, int]] = []
    start = prev = int(idx[0])
    for i in idx[1:]:
        i = int(i)
        if i - prev > 1:
            runs.append((start, prev))
            start = i
        prev = i
    runs.append((start, prev))
    out: list[tuple[int, float]] = []  # (position, mass)
    last_end = -(10**9)
    for a, b in runs:
        seg = profile[a : b + 1]
        mass = float(seg.sum())
        pos = round(float((np.arange(a, b + 1) * seg).sum() / max(mass, 1e-9)))
        if out and a - last_end <= merge_gap:
            if mass > out[-1][1]:
                out[-1] = (pos, mass)
        else:
            out.append((pos, mass))
        last_end = b
    return [pos for pos, _ in out]


def _find_grids(bw: np.ndarray, h_mask: np.ndarray, v_mask: np.ndarray, unit: float) -> list[_Grid]:
    import cv2
    import numpy as np

    width = h_mask.shape[1]
    both = cv2.dilate(cv2.bitwise_or(h_mask, v_mask), np.ones((5, 5), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(both, connectivity=8)
    grids: list[_Grid] = []
    for i in range(1, n):
        x, y, w, h, _ = (int(v) for v in stats[i])
        if w < width * 0.1 or h < 15 * unit:
            continue  # an underline or a separator rule, not a table
        crop = (slice(y, y + h), slice(x, x + w))
        grid = _rebuild_grid(bw[crop], h_mask[crop], unit, width)
        if grid is None:
            continue
        grid.xs = [v + x for v in grid.xs]
        grid.ys = [v + y for v in grid.ys]
        grid.origin = (x, y)
        grids.append(grid)
    grids.sort(key=lambda g: (g.ys[0], g.xs[0]))
    return grids


def _rebuild_grid(bw: np.ndarray, h_mask: np.ndarray, unit: float, page_width: int) -> _Grid | None:
    """Grid lines from projections, merged cells from missing rule segments (union-find)."""
    gap = max(4.0, 6 * unit)
    ys = _line_positions(h_mask.sum(axis=1) / 255, max(25, page_width // 30) * 0.8, gap)
    if len(ys) < 2:
        return None
    # Vertical rules of a one-line row are barely longer than the tallest character strokes,
    # so the kernel follows this table's shortest row (strokes ≤ ~0.85 em < 0.7 × row height).
    bands = [b - a for a, b in itertools.pairwise(ys) if b - a >= 22 * unit]
    shortest = min(bands) if bands else 40 * unit
    vk = max(8, round(0.7 * shortest))
    v_mask = _long_runs(bw, vk, horizontal=False)
    xs = _line_positions(v_mask.sum(axis=0) / 255, 0.9 * vk, gap)
    if len(xs) < 2:
        return None
    tol = max(3, round(4 * unit))
    _trim_outer_lines(h_mask, v_mask, xs, ys, tol)
    xs = _add_open_edges(h_mask, xs, ys, unit, tol)
    while True:
        groups = _merge_cells(h_mask, v_mask, xs, ys, tol)
        rows, cols = len(ys) - 1, len(xs) - 1
        # A rule crossed by a merge in every row (column) is not a rule: a stray stroke, or the
        # offset twin of a border. Drop one at a time and redo the merges.
        drop_x = next(
            (
                c
                for c in range(1, cols)
                if all(groups[r][c - 1] == groups[r][c] for r in range(rows))
            ),
            None,
        )
        if drop_x is not None:
            del xs[drop_x]
            continue
        drop_y = next(
            (
                r
                for r in range(1, rows)
                if all(groups[r - 1][c] == groups[r][c] for c in range(cols))
            ),
            None,
        )
        if drop_y is not None:
            del ys[drop_y]
            continue
        break
    if len(ys) < 2 or len(xs) < 2 or (len(ys) - 1) * (len(xs) - 1) < 2:
        return None  # a framed box is a paragraph, not a table
    return _Grid(xs, ys, groups, v_mask=v_mask)


def _trim_outer_lines(
    h_mask: np.ndarray, v_mask: np.ndarray, xs: list[int], ys: list[int], tol: int
) -> None:
    """Drop outermost "rules" that do not run along most of the table (in place).

    A table's outer border spans it; a long stroke of a bold heading or an underline touching
    the table does not, and would otherwise add a row holding the heading.
    """
    while len(ys) > 2 and _coverage(h_mask, ys[0], xs[0], xs[-1], tol, vertical=False) < 0.5:
        del ys[0]
    while len(ys) > 2 and _coverage(h_mask, ys[-1], xs[0], xs[-1], tol, vertical=False) < 0.5:
        del ys[-1]
    while len(xs) > 2 and _coverage(v_mask, xs[0], ys[0], ys[-1], tol, vertical=True) < 0.5:
        del xs[0]
    while len(xs) > 2 and _coverage(v_mask, xs[-1], ys[0], ys[-1], tol, vertical=True) < 0.5:
        del xs[-1]


def _add_open_edges(
    h_mask: np.ndarray, xs: list[int], ys: list[int], unit: float, tol: int
) -> list[int]:
    """Tables without left/right borders: close the grid where the row rules end.

    Only when many row rules run past the outermost vertical rule: an underline or a heading
    stroke touching the table must not open a column.
    """
    import numpy as np

    reach = 20 * unit
    lefts: list[int] = []
    rights: list[int] = []
    for y in ys:
        ink = np.flatnonzero(h_mask[max(0, y - tol) : y + tol + 1].any(axis=0))
        if ink.size:
            lefts.append(int(ink[0]))
            rights.append(int(ink[-1]))
    need = max(2, 0.4 * len(ys))
    left = [v for v in lefts if xs[0] - v > reach]
    right = [v for v in rights if v - xs[-1] > reach]
    if len(left) >= need:
        xs = [round(statistics.median(left)), *xs]
    if len(right) >= need:
        xs = [*xs, round(statistics.median(right))]
    return xs


def _merge_cells(
    h_mask: np.ndarray, v_mask: np.ndarray, xs: list[int], ys: list[int], tol: int
) -> list[list[int]]:
    """Union neighbouring grid cells whose shared edge has no rule; returns group ids."""
    rows, cols = len(ys) - 1, len(xs) - 1
    parent = list(range(rows * cols))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for r in range(rows):
        y0, y1 = ys[r] + tol, ys[r + 1] - tol
        for c in range(1, cols):
            if _coverage(v_mask, xs[c], y0, y1, tol, vertical=True) < RULE_COVERAGE:
                union(r * cols + c - 1, r * cols + c)
    for r in range(1, rows):
        for c in range(cols):
            x0, x1 = xs[c] + tol, xs[c + 1] - tol
            if _coverage(h_mask, ys[r], x0, x1, tol, vertical=False) < RULE_COVERAGE:
                union((r - 1) * cols + c, r * cols + c)
    return [[find(r * cols + c) for c in range(cols)] for r in range(rows)]


def _coverage(mask: np.ndarray, at: int, a: int, b: int, tol: int, *, vertical: bool) -> float:
    """Share of positions a..b where the rule at ``at`` (±tol) has ink."""
    if b <= a:
        return 1.0  # a degenerate edge: keep it, merging on no evidence is worse
    if vertical:
        strip = mask[a:b, max(0, at - tol) : at + tol + 1]
        return float(strip.any(axis=1).mean())
    strip = mask[max(0, at - tol) : at + tol + 1, a:b]
    return float(strip.any(axis=0).mean())


def _erase_rules(
    gray: np.ndarray, h_mask: np.ndarray, grids: list[_Grid], unit: float
) -> np.ndarray:
    """White out the table rules so OCR neither reads them ("|", "一") nor joins text across
    them. Only strips along the rebuilt grid lines are touched: elsewhere long runs may be
    strokes of large characters (a heading's 一) or a digit 1.
    """
    import cv2
    import numpy as np

    if not grids:
        return gray
    tol = max(3, round(4 * unit))
    mask = np.zeros_like(h_mask)
    for grid in grids:
        x0, _, x1, _ = grid.bbox
        cols = slice(max(0, x0 - tol), x1 + tol + 1)
        for y in grid.ys:
            strip = (slice(max(0, y - tol), y + tol + 1), cols)
            mask[strip] |= h_mask[strip]
        ox, oy = grid.origin
        vh, vw = grid.v_mask.shape
        for x in grid.xs:
            a, b = max(0, x - tol - ox), min(vw, x + tol + 1 - ox)
            mask[oy : oy + vh, ox + a : ox + b] |= grid.v_mask[:, a:b]
        grid.v_mask = None  # not needed any more; free it
    mask = cv2.dilate(mask, np.ones((3, 3), np.uint8))
    out = gray.copy()
    out[mask > 0] = 255
    return out


def _extents(grid: _Grid) -> dict[int, tuple[int, int, int, int]]:
    """Group id → (row0, col0, row1, col1) of the merged cell it forms."""
    extent: dict[int, list[int]] = {}
    for r, row in enumerate(grid.groups):
        for c, g in enumerate(row):
            e = extent.setdefault(g, [r, c, r, c])
            e[0], e[1] = min(e[0], r), min(e[1], c)
            e[2], e[3] = max(e[2], r), max(e[3], c)
    return {g: (e[0], e[1], e[2], e[3]) for g, e in extent.items()}
