"""Boxes and grids → blocks: cell texts of each table, free text as paragraphs.

Every box goes to the merged cell under its centre; the rest are joined into paragraphs in
reading order, never across a table.
"""

from __future__ import annotations

import re
import statistics

from ..document import Block, Cell, Paragraph, Table
from .boxes import _Box, _group_lines, _join_line
from .grid import _extents, _Grid

# Paragraph joining: a line after a sentence end, or a numbered heading, starts a new block.
_ENDS_SENTENCE = re.compile(r"[。！？；：!?;:]$")
_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|第[一二三四五六七八九十]+[章节部分])"
)

_DIGITLIKE = re.compile(r"[0-9OoIl]+")
_DIGIT_FIXES = str.maketrans("OoIl", "0011")


def _table(grid: _Grid, width: int, height: int, page: int) -> Table:
    rows: list[list[Cell]] = [[] for _ in range(len(grid.ys) - 1)]
    for g, (r0, c0, r1, c1) in _extents(grid).items():
        boxes = grid.boxes.get(g, [])
        lines = _group_lines(boxes)
        # Text wraps inside cells mid-word ("办\n理", "1\n2"): join the lines with nothing.
        text = _fix_digits("".join("".join(b.text for b in line) for line in lines))
        x0, x1 = float(grid.xs[c0]), float(grid.xs[c1 + 1])
        bbox = (x0, float(grid.ys[r0]), x1, float(grid.ys[r1 + 1]))
        # A cell is as sure as its least sure box: one doubtful digit makes a doubtful number.
        confidence = min((b.score for b in boxes), default=None)
        rows[r0].append(Cell(text, x0, x1, page, bbox, confidence))
    for row in rows:
        row.sort(key=lambda cell: cell.x0)
    return Table(
        [row for row in rows if row], kind="grid", coords=f"px:{width}x{height}", page=page
    )


def _fix_digits(text: str) -> str:
    """A lone 0 or 1 read without context comes out as the letter: "O" → "0", "l" → "1".

    Only for cell texts made of digits and these look-alikes; labels are never touched.
    """
    if _DIGITLIKE.fullmatch(text) and not text.isdigit():
        return text.translate(_DIGIT_FIXES)
    return text


def _paragraphs(
    boxes: list[_Box], page: int, tables: list[tuple[float, float]]
) -> list[tuple[float, Paragraph]]:
    """Free text → (top y, Paragraph). Wrapped lines of one paragraph are joined again, but
    never across a table (``tables``: their top and bottom y)."""
    lines = _group_lines(boxes)
    if not lines:
        return []
    left = min(b.x0 for line in lines for b in line)
    right = max(b.x1 for line in lines for b in line)
    out: list[tuple[float, Paragraph]] = []
    prev: list[_Box] | None = None
    for line in lines:
        text = _join_line(line)
        top = min(b.y0 for b in line)
        h = statistics.median(b.h for b in line)
        if prev is not None and out:
            p_right = max(b.x1 for b in prev)
            p_bottom = max(b.y1 for b in prev)
            p_h = statistics.median(b.h for b in prev)
            # A continuation: the previous line ran to the right margin, this one starts at the
            # left margin right below, in the same size. Headings end short and stay alone.
            if (
                not _ENDS_SENTENCE.search(out[-1][1].text)
                and not _HEADING.match(text)
                and p_right >= right - 1.5 * p_h
                and line[0].x0 <= left + 0.8 * h
                and top - p_bottom < 1.2 * h
                and 0.75 < h / p_h < 1.33
                and not any(p_bottom <= t0 and b1 <= top for t0, b1 in tables)
            ):
                out[-1][1].text += text
                prev = line
                continue
        out.append((top, Paragraph(text, page)))
        prev = line
    return out


def _layout(
    boxes: list[_Box], grids: list[_Grid], width: int, height: int, page: int
) -> list[Block]:
    free: list[_Box] = []
    for box in boxes:
        grid = next((g for g in grids if g.contains(box.cx, box.cy)), None)
        if grid is None:
            free.append(box)
        else:
            grid.boxes.setdefault(grid.group_at(box.cx, box.cy), []).append(box)
    placed: list[tuple[float, Block]] = [
        (float(g.ys[0]), _table(g, width, height, page)) for g in grids
    ]
    placed.extend(_paragraphs(free, page, [(float(g.ys[0]), float(g.ys[-1])) for g in grids]))
    placed.sort(key=lambda item: item[0])
    return [block for _, block in placed]
