"""Step 3: table rows → logical rows (a label and its value cells), columns mapped by x.

Shared by sections 三 and 二's shape of table: header rows give the column map, later fragments
in the same coordinate system inherit it, and rows before the first data row are skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..document import Cell
from ..labels import fuzzy_pick, normalize
from ..values import squash
from .cells import _is_value_text
from .columns import ColumnMap, _Clustered, _grid_columns, _tolerance, _value_columns
from .routing import Fragment


@dataclass
class LogicalRow:
    label: str  # normalised label used for matching (leaf, with continuation fragments)
    raw_label: str
    values: dict[str, Cell]  # column key → cell (grid) ...
    ordered: list[Cell]  # ... or the value cells in printed order (cells/tokens)
    kind: str
    page: int | None
    has_values: bool
    labels: list[str] = field(default_factory=list)  # every label cell, normalised, in order
    match: str = "exact"  # "fuzzy": the label is a misprint of the row it was matched to


def _split_label(
    row: list[Cell], cmap: ColumnMap | None, kind: str
) -> tuple[list[Cell], list[Cell]]:
    """Label cells and value cells of one row."""
    if cmap is not None and kind == "grid":
        left = cmap.left
        # Positional cells' widths are estimates (a long label may seem to reach into the
        # values): there, where a cell starts decides.
        pos = (lambda c: c.x0) if isinstance(cmap, _Clustered) else (lambda c: c.xc)
        labels = [c for c in row if pos(c) < left]
        values = [c for c in row if pos(c) >= left]
        return labels, values
    # Without geometry: the label is everything up to the last cell that is not a value.
    last_label = -1
    for i, c in enumerate(row):
        if not _is_value_text(c.text):
            last_label = i
    return row[: last_label + 1], row[last_label + 1 :]


def _is_header_row(row: list[Cell], header_words: set[str]) -> bool:
    texts = [normalize(c.text) for c in row if normalize(c.text)]
    words = {w: w for w in header_words}
    return bool(texts) and all(
        t in header_words or "勾稽关系" in t or fuzzy_pick(t, words) for t in texts
    )


def _logical_rows(
    fragments: list[Fragment],
    headers: dict[str, str],
    n_values: int,
    is_data: Callable[[str], bool],
    extra_header_words: tuple[str, ...] = (),
) -> list[LogicalRow]:
    """Rows with label + value cells, columns mapped by x where the geometry allows.

    ``headers`` maps normalised header text → column key (e.g. 自然人 → natural_person). A
    fragment inherits the column map of an earlier fragment in the same coordinate system (a
    table continued on the next page); a grid without any header uses its rightmost columns.
    """
    header_words = set(headers) | set(extra_header_words)
    keys = headers_order(headers, n_values)
    maps: dict[str, ColumnMap | None] = {}  # coordinate system → its column map
    out: list[LogicalRow] = []
    data_started = False
    for frag in fragments:
        found: dict[str, tuple[float, float]] = {}  # header cells of this fragment so far
        for row in frag.rows:
            if _is_header_row(row, header_words):
                _read_header(row, headers, found)
                table = frag.table
                if table.kind == "grid" and len(found) >= n_values - 1 and not table.positional:
                    maps[table.coords] = ColumnMap(table.coords, dict(found))
                continue
            cmap = _fragment_columns(frag, fragments, maps, keys, n_values)
            logical = _logical_row(row, frag, cmap)
            if logical is None:
                continue
            if not data_started:
                if not is_data(logical.label):
                    continue  # header continuation, e.g. vertical header text spilling over
                data_started = True
            out.append(logical)
    return out


def _read_header(
    row: list[Cell], headers: dict[str, str], found: dict[str, tuple[float, float]]
) -> None:
    """Add the x-extents of a header row's known column headers to ``found`` (first wins)."""
    for c in row:
        text = normalize(c.text)
        key = headers.get(text)
        if key is None:  # a misprinted header word (商业企 for 商业企业): one candidate or none
            word = fuzzy_pick(text, {w: w for w, k in headers.items() if k not in found})
            key = headers.get(word or "")
        if key and key not in found:
            found[key] = (c.x0, c.x1)


def _fragment_columns(
    frag: Fragment,
    fragments: list[Fragment],
    maps: dict[str, ColumnMap | None],
    keys: list[str],
    n_values: int,
) -> ColumnMap | None:
    """The column map for a grid fragment's rows (None for cells/tokens, or when none fits):
    inherited from its coordinate system, else clustered from the printed values (positional
    tables), else the grid's rightmost columns. Found maps are kept in ``maps``."""
    table = frag.table
    if table.kind != "grid":
        return None
    cmap = maps.get(table.coords)
    if table.positional and not isinstance(cmap, _Clustered):
        same = [r for f in fragments if f.table.coords == table.coords for r in f.rows]
        spans = _value_columns(same, n_values)
        cmap = _Clustered(table.coords, dict(zip(keys, spans, strict=True))) if spans else None
        maps[table.coords] = cmap
    if cmap is None:
        spans = _grid_columns(frag.rows, n_values, _tolerance(table.coords))
        if spans is not None:
            cmap = ColumnMap(table.coords, dict(zip(keys, spans, strict=True)))
            maps[table.coords] = cmap
    return cmap


def _logical_row(row: list[Cell], frag: Fragment, cmap: ColumnMap | None) -> LogicalRow | None:
    """One row's label and values (mapped to columns when there is a map); None if empty."""
    kind = frag.table.kind
    labels, values = _split_label(row, cmap, kind)
    label_texts = [c.text for c in labels if c.text.strip()]
    leaf = normalize(label_texts[-1]) if label_texts else ""
    has_values = any(squash(c.text) for c in values)
    if not label_texts and not has_values:
        return None
    mapped: dict[str, Cell] = {}
    if cmap is not None:
        for c in values:
            key = cmap.key_at(c)
            if key and key not in mapped:
                mapped[key] = c
    page = next((c.page for c in row if c.page is not None), frag.table.page)
    return LogicalRow(
        label=leaf,
        raw_label=" ".join(t.strip() for t in label_texts),
        values=mapped,
        ordered=values,
        kind="grid" if cmap is not None else ("cells" if kind == "grid" else kind),
        page=page,
        has_values=has_values,
        labels=[normalize(t) for t in label_texts],
    )


def headers_order(headers: dict[str, str], n: int) -> list[str]:
    seen: list[str] = []
    for key in headers.values():
        if key not in seen:
            seen.append(key)
    return seen[:n]


def _row_values(row: LogicalRow, keys: tuple[str, ...]) -> tuple[dict[str, Cell] | None, str]:
    """Value cells of a row by column key; (None, reason) when they cannot be assigned."""
    n = len(keys)
    if row.kind == "grid":
        return {k: row.values.get(k, Cell("", 0, 0, row.page)) for k in keys}, ""
    cells = list(row.ordered)
    if row.kind == "cells":
        if len(cells) >= n:
            return dict(zip(keys, cells[-n:], strict=True)), ""
        if not any(squash(c.text) for c in cells):
            return {k: Cell("", 0, 0, row.page) for k in keys}, ""
        return None, f"{len(cells)} cells for {n} columns"
    # tokens: padding is unreliable; trust exactly n values, or a wholly blank row
    while cells and not squash(cells[-1].text):
        cells.pop()
    while cells and not squash(cells[0].text):
        cells.pop(0)
    if len(cells) == n:
        return dict(zip(keys, cells, strict=True)), ""
    if not cells:
        return {k: Cell("", 0, 0, row.page) for k in keys}, ""
    filled = [c for c in cells if squash(c.text)]
    return None, f"{len(filled)} values for {n} columns"
