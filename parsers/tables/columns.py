"""Step 2: value columns as x-extents (``ColumnMap``), from header cells or the grid itself.

Values are mapped to columns by position, never by counting tokens: a blank cell is often not
printed at all.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from ..document import Cell
from ..values import squash
from .cells import _is_value_text


@dataclass
class ColumnMap:
    """Value columns: key → (x0, x1) in the fragment's coordinate system."""

    coords: str
    spans: dict[str, tuple[float, float]]

    @property
    def left(self) -> float:
        return min(x0 for x0, _ in self.spans.values())

    def key_at(self, cell: Cell) -> str | None:
        """The column whose extent holds most of the cell (a cell spanning several is None)."""
        best, best_overlap = None, 0.0
        width = max(cell.x1 - cell.x0, 1e-6)
        hits = 0
        for key, (x0, x1) in self.spans.items():
            overlap = min(cell.x1, x1) - max(cell.x0, x0)
            if overlap > 0.5 * min(width, x1 - x0):
                hits += 1
            if overlap > best_overlap:
                best, best_overlap = key, overlap
        if hits > 1 or best_overlap <= 0.3 * min(
            width, max(x1 - x0 for x0, x1 in self.spans.values())
        ):
            return None
        return best


class _Clustered(ColumnMap):
    """Columns found by clustering value positions (positional tables): a value belongs to
    the column whose span holds its centre (its printed width is only an estimate)."""

    def key_at(self, cell: Cell) -> str | None:
        return next((k for k, (x0, x1) in self.spans.items() if x0 <= cell.xc < x1), None)


def _grid_columns(
    rows: list[list[Cell]], n: int, tolerance: float
) -> list[tuple[float, float]] | None:
    """The rightmost ``n`` column extents of a grid, from its cell boundaries."""
    edges = sorted({round(x, 1) for row in rows for c in row for x in (c.x0, c.x1)})
    merged: list[float] = []
    for x in edges:
        if not merged or x - merged[-1] > tolerance:
            merged.append(x)
    if len(merged) < n + 1:
        return None
    tail = merged[-(n + 1) :]
    return list(itertools.pairwise(tail))


def _value_columns(rows: list[list[Cell]], n: int) -> list[tuple[float, float]] | None:
    """The rightmost ``n`` value columns of a positional table, found by clustering the
    x-centres of printed values (blank cells are absent there, so edges say nothing)."""
    xs = sorted(c.xc for row in rows for c in row if squash(c.text) and _is_value_text(c.text))
    pitches = []
    for row in rows:
        cs = sorted(c.xc for c in row if squash(c.text) and _is_value_text(c.text))
        pitches += [b - a for a, b in itertools.pairwise(cs) if b - a > 0]
    if len(xs) < n or not pitches:
        return None
    pitch = sorted(pitches)[len(pitches) // 2]
    clusters: list[list[float]] = [[xs[0]]]
    for x in xs[1:]:
        if x - clusters[-1][-1] > 0.4 * pitch:
            clusters.append([x])
        else:
            clusters[-1].append(x)
    centres = [sorted(c)[len(c) // 2] for c in clusters]
    if len(centres) < n:
        return None
    centres = centres[-n:]
    bounds = [centres[0] - pitch / 2]
    bounds += [(a + b) / 2 for a, b in itertools.pairwise(centres)]
    bounds.append(centres[-1] + pitch / 2)
    return list(itertools.pairwise(bounds))


def _tolerance(coords: str) -> float:
    """How far apart two cell edges may be and still be one column boundary."""
    return 0.5 if coords.startswith(("html", "docx", "cells", "tokens")) else 3.0
