"""Section 四 (review and litigation): one row of 15 values under a two-level header.

The 15 header leaves sorted by x are the 15 value columns; how the values are assigned depends
on what the format gives: positions of printed values, grid cells, or only their sequence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import schema
from ..document import Cell
from ..labels import fuzzy_pick, normalize
from ..values import squash
from .cells import CellOut, TableResult, _is_value_text
from .columns import ColumnMap
from .digits import T4_SHAPE, describe, splits
from .routing import Fragment

_T4_HEADER_WORDS = {"结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "合计"}


# The 15 cells of table 四 in printed order: review (5 columns), then the two litigation blocks.
_KEYS = [(r, c) for r in schema.T4.row_keys for c in schema.T4.col_keys]

_Assigned = dict[tuple[str, str], Cell]


@dataclass
class _Scan:
    """What the rows of table 四 hold: its header leaves and the (first) row of values."""

    kind: str
    page: int | None
    header_cells: list[Cell] = field(default_factory=list)
    head_rows: list[list[Cell]] = field(default_factory=list)  # rows above the values
    data: list[Cell] | None = None


def parse_t4(fragments: list[Fragment]) -> TableResult:
    if not fragments:
        return TableResult("absent")
    scan = _scan(fragments)
    data = scan.data
    if data is None:
        return TableResult("unparsed", warnings=["table 四 found but no row of values"])

    result = TableResult("standard")
    if scan.kind == "runs":
        _split_run(result, data, scan.page)
        return result
    # Header leaves: under 行政复议 they span two header rows, under 行政诉讼 one; either way
    # the 15 leaves sorted by x are the 15 value columns.
    leaves = sorted({(round(c.x0, 1), round(c.x1, 1)) for c in scan.header_cells})
    positional = any(f.table.positional for f in fragments)
    if positional:
        leaves = _stacked_leaves(scan.head_rows)
    if positional and len(leaves) == 15:
        assigned = _assign_nearest(data, leaves)
    elif scan.kind == "grid" and len(leaves) == 15:
        assigned = _assign_grid(data, leaves)
    else:
        assigned = _assign_sequence(data, scan.kind)
    page = scan.page
    if assigned is None:
        filled = [squash(c.text) for c in data if squash(c.text)]
        result.partial_rows.append(f"t4 ({len(filled)} values for 15 cells)")
        raw = " ".join(filled)
        result.cells = [
            CellOut("t4_review_litigation", r, c, raw, page, unknown=True) for r, c in _KEYS
        ]
        return result
    for r, c in _KEYS:
        cell = assigned.get((r, c), Cell("", 0, 0, page))
        result.cells.append(
            CellOut(
                "t4_review_litigation",
                r,
                c,
                cell.text,
                cell.page or page,
                bbox=cell.bbox,
                confidence=cell.confidence,
            )
        )
    return result


def _header_word(text: str) -> str:
    """A header leaf as the template prints it; a misprint of exactly one leaf word (尚未审 for
    尚未审结) is that word."""
    if text in _T4_HEADER_WORDS:
        return text
    return fuzzy_pick(text, {w: w for w in _T4_HEADER_WORDS}) or text


def _split_run(result: TableResult, data: list[Cell], page: int | None) -> None:
    """Table 四's values printed without separators: split where exactly one cut makes every
    block (结果维持 + 结果纠正 + 其他结果 + 尚未审结 = 总计) add up."""
    run = " ".join(squash(c.text) for c in data if squash(c.text))
    try:
        cuts = splits(run, T4_SHAPE)
        note = f"{len(cuts)} possible splits" if cuts else "no split makes the blocks add up"
    except ValueError:
        cuts, note = [], "too many ways to split it"
    if len(cuts) == 1:
        result.cells = [
            CellOut("t4_review_litigation", r, c, text, page, inferred="digit-split")
            for (r, c), text in zip(_KEYS, cuts[0], strict=True)
        ]
        result.warnings.append(
            f"table 四: values printed without cell separators ({run!r}); split as "
            f"{'|'.join(cuts[0])}, the one way every block adds up"
        )
        return
    result.partial_rows.append(f"t4 (digit run {run!r}: {note})")
    result.warnings.append(
        f"table 四: values printed without cell separators ({run!r}) and not split: {note}"
        + (f": {describe(cuts)}" if cuts else "")
    )
    result.cells = [
        CellOut("t4_review_litigation", r, c, run, page, unknown=True) for r, c in _KEYS
    ]


def _scan(fragments: list[Fragment]) -> _Scan:
    """Header cells (every row holding a leaf word) and the first row mostly of values; the
    table kind and page are those of the fragment the values are in."""
    scan = _Scan(fragments[0].table.kind, fragments[0].table.page)
    for frag in fragments:
        for row in frag.rows:
            texts = [_header_word(normalize(c.text)) for c in row]
            if scan.data is None and not any(
                _is_value_text(c.text) and squash(c.text) for c in row
            ):
                scan.head_rows.append(row)
            if any(t in _T4_HEADER_WORDS for t in texts):
                scan.header_cells.extend(
                    c for c, t in zip(row, texts, strict=True) if t in _T4_HEADER_WORDS
                )
                continue
            value_cells = [c for c in row if _is_value_text(c.text)]
            if (
                scan.data is None
                and sum(1 for c in value_cells if squash(c.text)) >= 1
                and len(value_cells) >= 0.7 * len(row)
            ):
                scan.data = row
                scan.kind = "tokens" if frag.table.positional else frag.table.kind
                scan.page = next((c.page for c in row if c.page is not None), frag.table.page)
    return scan


def _assign_nearest(data: list[Cell], leaves: list[tuple[float, float]]) -> _Assigned | None:
    """Positional tables, where blank cells are absent: each printed value goes under the
    nearest header leaf; None when two values meet under one (do not guess)."""
    centres = [(a + b) / 2 for a, b in leaves]
    assigned: _Assigned = {}
    for c in data:
        if not squash(c.text):
            continue
        i = min(range(15), key=lambda k: abs(centres[k] - c.xc))
        if _KEYS[i] in assigned:
            return None
        assigned[_KEYS[i]] = c
    return assigned


def _assign_grid(data: list[Cell], leaves: list[tuple[float, float]]) -> _Assigned:
    """Grids: each cell goes to the leaf column whose extent holds it (first one wins)."""
    cmap = ColumnMap("t4", {f"{r}.{c}": span for (r, c), span in zip(_KEYS, leaves, strict=True)})
    assigned: _Assigned = {}
    for c in data:
        key = cmap.key_at(c)
        if key:
            r, col = key.split(".")
            assigned.setdefault((r, col), c)
    return assigned


def _assign_sequence(data: list[Cell], kind: str) -> _Assigned | None:
    """Without usable header geometry: the row's cells in order, when exactly 15 remain (a
    grid's or a cells table's last 15; a tokens row trimmed of blank padding at either end)."""
    cells = list(data)
    if kind == "grid" and len(cells) > 15:
        cells = cells[-15:]
    if kind == "tokens":
        while len(cells) > 15 and not squash(cells[-1].text):
            cells.pop()
        while len(cells) > 15 and not squash(cells[0].text):
            cells.pop(0)
    if len(cells) == 15:
        return dict(zip(_KEYS, cells, strict=True))
    if kind == "cells" and len(cells) > 15:
        return dict(zip(_KEYS, cells[-15:], strict=True))
    return None


_T4_GROUP_WORDS = {"行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉"}


def _stacked_leaves(head_rows: list[list[Cell]]) -> list[tuple[float, float]]:
    """Header leaves of a positional table 四, whose words wrap over lines ("结果" / "维持"):
    fragments standing at the same x are read top to bottom as one label."""
    groups: list[list[Cell]] = []
    for row in head_rows:
        for c in row:
            if normalize(c.text) in _T4_GROUP_WORDS or not normalize(c.text):
                continue
            home = next(
                (
                    g
                    for g in groups
                    if abs(g[0].xc - c.xc) < 0.6 * min(g[0].x1 - g[0].x0, c.x1 - c.x0)
                ),
                None,
            )
            (home.append(c) if home else groups.append([c]))
    leaves = [
        (min(c.x0 for c in g), max(c.x1 for c in g))
        for g in groups
        if normalize("".join(c.text for c in g)) in _T4_HEADER_WORDS
    ]
    return sorted(leaves)
