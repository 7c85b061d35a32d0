"""Second readings inside table cells, where the first OCR pass is least reliable.

With the rules erased, the detector may join two neighbouring cells' texts into one box, and on
its reduced image it may miss a lone "0" or the last wrapped line of a label: exactly the
content that matters in a table. Both are read again here, recognition only.
"""

from __future__ import annotations

import itertools
import math
import statistics
from typing import TYPE_CHECKING

from .boxes import _Box, _group_lines
from .engine import TEXT_SCORE, _recognize_many
from .grid import _extents, _Grid
from .image import _binarize

if TYPE_CHECKING:
    import numpy as np


def _split_across_rules(
    boxes: list[_Box], grids: list[_Grid], image: np.ndarray, unit: float
) -> list[_Box]:
    """Split text boxes that run across a cell border and read each part again.

    With the rules erased, the detector sometimes joins the texts of two neighbouring cells
    when both touch the shared border ("商业企业" + "科研机构"). A part that lies mostly under
    another box is only a box drawn too wide into the neighbour cell, and is dropped.
    """
    from bisect import bisect_right

    tol = max(3, round(4 * unit))
    out: list[_Box] = []
    pieces: list[_Box] = []
    for box in boxes:
        grid = next((g for g in grids if g.contains(box.cx, box.cy)), None)
        if grid is None:
            out.append(box)
            continue
        r = min(max(bisect_right(grid.ys, box.cy) - 1, 0), len(grid.ys) - 2)
        margin = 0.4 * box.h
        cuts = [
            x
            for c, x in enumerate(grid.xs[1:-1], start=1)
            if box.x0 + margin < x < box.x1 - margin and grid.groups[r][c - 1] != grid.groups[r][c]
        ]
        if not cuts:
            out.append(box)
            continue
        edges = [box.x0, *cuts, box.x1]
        for a, b in itertools.pairwise(edges):
            left = a if a == box.x0 else a + tol
            right = b if b == box.x1 else b - tol
            if right - left >= 0.3 * box.h:
                pieces.append(_Box(left, box.y0, right, box.y1, ""))
    pieces = [p for p in pieces if not any(_covers(other, p) for other in out)]
    crops = [
        image[max(0, int(p.y0) - 2) : math.ceil(p.y1) + 2, int(p.x0) : math.ceil(p.x1)]
        for p in pieces
    ]
    for piece, (text, score) in zip(pieces, _recognize_many(crops), strict=True):
        if text and score >= TEXT_SCORE:
            piece.text, piece.score = text, score
            out.append(piece)
    return out


def _covers(box: _Box, piece: _Box) -> bool:
    """``box`` lies over at least half of ``piece`` (same line, half its width)."""
    dx = min(box.x1, piece.x1) - max(box.x0, piece.x0)
    dy = min(box.y1, piece.y1) - max(box.y0, piece.y0)
    return dx >= 0.5 * (piece.x1 - piece.x0) and dy >= 0.5 * min(box.h, piece.h)


def _rescue_missed_text(
    boxes: list[_Box], grids: list[_Grid], image: np.ndarray, unit: float
) -> list[_Box]:
    """Read ink in table cells that the detector missed.

    The detector runs on a reduced image and now and then drops an isolated "0" or "1" or the
    last wrapped line of a label ("密") – exactly the content that matters in a table. Inked
    text lines of a cell that no detected box overlaps vertically are cropped and recognised
    (recognition only: a few ms each). Lines beside a detected box are left alone, so a sliver
    of a detected character can never become an extra digit.
    """
    if not grids:
        return []
    heights = [b.h for b in boxes if any(g.contains(b.cx, b.cy) for g in grids)]
    ref_h = statistics.median(heights) if heights else 24 * unit
    bw = _binarize(image, unit)
    margin = max(3, round(4 * unit)) + 3  # keep clear of the (erased) rules
    found: list[_Box] = []
    for grid in grids:
        found += _unread_lines(grid, boxes, bw, ref_h, margin)
    return _read_again(found, image, ref_h)


def _unread_lines(
    grid: _Grid, boxes: list[_Box], bw: np.ndarray, ref_h: float, margin: int
) -> list[_Box]:
    """The inked text lines in ``grid``'s cells that no detected box overlaps vertically, as
    empty boxes in page pixels."""
    by_group: dict[int, list[_Box]] = {}
    for b in boxes:
        if grid.contains(b.cx, b.cy):
            by_group.setdefault(grid.group_at(b.cx, b.cy), []).append(b)
    out: list[_Box] = []
    for g, (r0, c0, r1, c1) in _extents(grid).items():
        x0, y0 = grid.xs[c0] + margin, grid.ys[r0] + margin
        x1, y1 = grid.xs[c1 + 1] - margin, grid.ys[r1 + 1] - margin
        if x1 - x0 < 4 or y1 - y0 < 4:
            continue
        known = by_group.get(g, [])
        for line in _ink_lines(bw[y0:y1, x0:x1], ref_h):
            ly0 = y0 + min(b.y0 for b in line)
            ly1 = y0 + max(b.y1 for b in line)
            lx0 = x0 + min(b.x0 for b in line)
            lx1 = x0 + max(b.x1 for b in line)
            if any(min(ly1, k.y1) - max(ly0, k.y0) > 0.3 * min(ly1 - ly0, k.h) for k in known):
                continue
            out.append(_Box(lx0, ly0, lx1, ly1, ""))
    return out


def _ink_lines(cell: np.ndarray, ref_h: float) -> list[list[_Box]]:
    """A cell's ink (binarised crop) as text lines of connected components, in crop pixels."""
    import cv2

    n, _, stats, _ = cv2.connectedComponentsWithStats(cell, connectivity=8)
    # Character-sized ink only: specks of scan noise are far smaller than a digit.
    comps = [
        _Box(float(x), float(y), float(x + w), float(y + h), "")
        for x, y, w, h, _ in (stats[i] for i in range(1, n))
        if h >= 0.3 * ref_h and w * h >= 0.02 * ref_h * ref_h
    ]
    return _group_lines(comps)


def _read_again(found: list[_Box], image: np.ndarray, ref_h: float) -> list[_Box]:
    """Recognise each box's crop (with a little padding); those read confidently."""
    pad = max(2, round(0.15 * ref_h))
    crops = [
        image[
            max(0, int(b.y0) - pad) : math.ceil(b.y1) + pad,
            max(0, int(b.x0) - pad) : math.ceil(b.x1) + pad,
        ]
        for b in found
    ]
    read = _recognize_many(crops)
    for box, (text, score) in zip(found, read, strict=True):
        box.text, box.score = text, score
    return [b for b in found if b.text and b.score >= TEXT_SCORE]
