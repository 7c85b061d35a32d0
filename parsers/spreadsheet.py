"""XLSX (openpyxl) and XLS (xlrd) → Document, cell for cell.

Some agencies publish the report, or only its tables, as a workbook. A sheet is read as the
HTML reader reads a table: each cell once, in its first row, spanning its merged columns
(``x0 = column``, ``x1 = column + span``); cells a merge covers are not repeated. Lines of text
around the tables (the title, the section headings, prose pasted into column A) become
paragraphs: a row is part of a table when it has two cells with text or a bordered cell (the
rulings say where a table is, even where all its values are blank), or one short cell merged
over several columns (a caption such as 第二十条第（一）项; a long title merged across the sheet is
text), or when it stands between two such rows (a table-三 row whose values are all blank) and
is not a section heading.

Numbers are printed as a person reads them: ``3.0`` → ``3``; formulas give their cached value
(``data_only``), never the formula text. A workbook is a zip (XLSX) or an OLE file (XLS): the
caller bounds its size (``container.check_zip`` for XLSX) before it is opened.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from .document import Cell, Document, Paragraph, Table

MAX_SHEET_ROWS = 2000  # a report's tables have a few dozen rows; more is not a report sheet
MAX_SHEET_COLS = 60
_HEADING = re.compile(r"^[一二三四五六七八九十]+、.*情况")


@dataclass
class _Sheet:
    name: str
    texts: dict[tuple[int, int], str]  # (row, col) → text, 0-based
    spans: dict[tuple[int, int], tuple[int, int]]  # top-left (row, col) → (rows, cols)
    covered: set[tuple[int, int]]  # cells inside a merge other than its top-left
    ruled: set[int]  # rows with a bordered cell: a table's rows, blank values or not
    n_rows: int
    n_cols: int


def _show(value: object) -> str:
    """A cell value as printed: integral floats without ``.0``, text stripped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).replace("\xa0", " ").strip()


def _merge(sheet: _Sheet, r0: int, c0: int, r1: int, c1: int) -> None:
    """Record a merge (inclusive 0-based corners)."""
    sheet.spans[(r0, c0)] = (r1 - r0 + 1, c1 - c0 + 1)
    for r in range(r0, r1 + 1):
        for c in range(c0, c1 + 1):
            if (r, c) != (r0, c0):
                sheet.covered.add((r, c))


def _xlsx_sheets(data: bytes) -> list[_Sheet]:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=False)
    out = []
    for ws in book.worksheets:
        n_rows, n_cols = min(ws.max_row, MAX_SHEET_ROWS), min(ws.max_column, MAX_SHEET_COLS)
        sheet = _Sheet(ws.title, {}, {}, set(), set(), n_rows, n_cols)
        for row in ws.iter_rows(min_row=1, max_row=n_rows, max_col=n_cols):
            for cell in row:
                text = _show(cell.value)
                if text:
                    sheet.texts[(cell.row - 1, cell.column - 1)] = text
                if cell.has_style and any(
                    side is not None and side.style
                    for side in (cell.border.left, cell.border.right, cell.border.top)
                ):
                    sheet.ruled.add(cell.row - 1)
        for rng in ws.merged_cells.ranges:
            _merge(sheet, rng.min_row - 1, rng.min_col - 1, rng.max_row - 1, rng.max_col - 1)
        out.append(sheet)
    return out


def _xls_sheets(data: bytes) -> list[_Sheet]:
    import xlrd

    book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    out = []
    for index in range(book.nsheets):
        ws = book.sheet_by_index(index)
        n_rows, n_cols = min(ws.nrows, MAX_SHEET_ROWS), min(ws.ncols, MAX_SHEET_COLS)
        sheet = _Sheet(ws.name, {}, {}, set(), set(), n_rows, n_cols)
        for r in range(n_rows):
            for c in range(min(n_cols, ws.row_len(r))):
                text = _show(ws.cell_value(r, c))
                if text:
                    sheet.texts[(r, c)] = text
                border = book.xf_list[ws.cell_xf_index(r, c)].border
                if border.left_line_style or border.right_line_style or border.top_line_style:
                    sheet.ruled.add(r)
        for rlo, rhi, clo, chi in ws.merged_cells:  # half-open ranges
            _merge(sheet, rlo, clo, rhi - 1, chi - 1)
        book.unload_sheet(index)
        out.append(sheet)
    return out


def _row_cells(sheet: _Sheet, r: int) -> list[Cell]:
    cells = []
    for c in range(sheet.n_cols):
        if (r, c) in sheet.covered:
            continue
        span = sheet.spans.get((r, c), (1, 1))[1]
        cells.append(Cell(sheet.texts.get((r, c), ""), c, c + span))
    return cells


def _is_tabular(sheet: _Sheet, r: int) -> bool:
    filled = [c for c in range(sheet.n_cols) if (r, c) in sheet.texts]
    if len(filled) >= 2:
        return True
    if r in sheet.ruled:  # a bordered row is a table's, even with every value blank
        return not (filled and _HEADING.match(sheet.texts[(r, filled[0])]))
    if not filled or sheet.spans.get((r, filled[0]), (1, 1))[1] == 1:
        return False
    # One text merged across columns: a table's caption (第二十条第（一）项) — a title or a
    # heading merged across the sheet is text.
    text = sheet.texts[(r, filled[0])]
    return len(text) <= 20 and not _HEADING.match(text)


def _sheet_blocks(sheet: _Sheet, index: int) -> list[Paragraph | Table]:
    tabular = [_is_tabular(sheet, r) for r in range(sheet.n_rows)]
    texts = [
        " ".join(sheet.texts[(r, c)] for c in range(sheet.n_cols) if (r, c) in sheet.texts)
        for r in range(sheet.n_rows)
    ]
    for r in range(1, sheet.n_rows - 1):
        # A row inside a table whose values are all blank: one label between table rows.
        if not tabular[r] and texts[r] and not _HEADING.match(texts[r]):
            tabular[r] = tabular[r - 1] and any(tabular[r + 1 : r + 2])
    blocks: list[Paragraph | Table] = []
    rows: list[list[Cell]] = []

    def flush() -> None:
        if rows:
            coords = f"sheet{index}:{sheet.n_cols}"
            blocks.append(Table(list(rows), kind="grid", coords=coords))
            rows.clear()

    for r in range(sheet.n_rows):
        if tabular[r]:
            rows.append(_row_cells(sheet, r))
            continue
        flush()
        if texts[r]:
            blocks.append(Paragraph(texts[r]))
    flush()
    return blocks


def extract_spreadsheet(data: bytes, kind: str, media_type: str) -> Document:
    """Never raises for bad input: an unreadable workbook is ``extraction: none``."""
    try:
        sheets = _xlsx_sheets(data) if kind == "xlsx" else _xls_sheets(data)
    except Exception as exc:  # openpyxl and xlrd raise anything on a broken file
        return Document(
            extraction="none",
            media_type=media_type,
            warnings=[f"the spreadsheet could not be read: {type(exc).__name__}"],
        )
    blocks: list[Paragraph | Table] = []
    for index, sheet in enumerate(sheets):
        blocks.extend(_sheet_blocks(sheet, index))
    if not blocks:
        return Document(extraction="none", media_type=media_type, warnings=["the sheets are empty"])
    return Document(blocks=blocks, extraction="text", media_type=media_type, pages=len(sheets))
