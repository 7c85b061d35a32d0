"""XLSX workbooks of a report (openpyxl), as agencies that publish it as a spreadsheet do.

One sheet: the paragraphs one per row in column A (as text pasted into a sheet lands), each
table at its place with the same grid — merges and all — as the DOCX and HTML writers print,
values as numbers when they are numbers (a person types 3, not "3"), blank cells empty, every
table cell ruled (thin borders), and an empty row around each table. Reproducible: fixed
workbook dates, fixed zip timestamps.
"""

from __future__ import annotations

import io
import re
import zipfile

from .grids import TableStyle, grids_for
from .stamps import FIXED_TIME, report_datetime

_NUMBER = re.compile(r"^\d+(\.\d+)?$")


def _value(text: str) -> int | float | str | None:
    text = text.replace("\n", "")
    if not text:
        return None
    if _NUMBER.match(text):
        return float(text) if "." in text else int(text)
    return text


def build_xlsx(truth: dict, st: TableStyle) -> bytes:
    import openpyxl
    from openpyxl.styles import Border, Side

    thin = Side(style="thin")
    ruled = Border(left=thin, right=thin, top=thin, bottom=thin)

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "年度报告"
    row = 1
    for block in truth["blocks"]:
        if block["type"] == "p":
            ws.cell(row, 1, block["text"])
            row += 1
            continue
        row += 1  # an empty row before the table
        n_rows, _, cells = grids_for(truth, block["key"], st)
        for r0, c0, r1, c1, text, _kind in cells:
            for r in range(r0, r1 + 1):  # ruled like the printed table, merged cells too
                for c in range(c0, c1 + 1):
                    ws.cell(row + r, c + 1).border = ruled
            ws.cell(row + r0, c0 + 1, _value(text))
            if (r1, c1) != (r0, c0):
                ws.merge_cells(
                    start_row=row + r0, start_column=c0 + 1, end_row=row + r1, end_column=c1 + 1
                )
        row += n_rows + 1  # and one after it
    stamp = report_datetime(truth)
    book.properties.created = stamp
    book.properties.modified = stamp
    book.properties.creator = "Administrator"
    buf = io.BytesIO()
    book.save(buf)
    return _normalise_zip(buf.getvalue(), stamp.strftime("%Y-%m-%dT%H:%M:%SZ"))


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _normalise_zip(data: bytes, stamp: str) -> bytes:
    """Fixed zip timestamps, and the report's date as ``modified`` (openpyxl stamps the time
    of saving, whatever the properties say)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            part = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                part = _MODIFIED.sub(rb"\g<1>" + stamp.encode() + rb"\g<2>", part)
            dst.writestr(zi, part)
    return out.getvalue()


def build_xls(truth: dict, st: TableStyle) -> bytes:
    """The same sheet as :func:`build_xlsx` in the Excel 97 format (xlwt; no LibreOffice Calc
    needed). xlwt writes no timestamps, so the bytes are reproducible as they are."""
    import xlwt

    ruled = xlwt.XFStyle()
    ruled.borders = xlwt.Borders()
    for side in ("left", "right", "top", "bottom"):
        setattr(ruled.borders, side, xlwt.Borders.THIN)
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("年度报告")
    row = 0
    for block in truth["blocks"]:
        if block["type"] == "p":
            ws.write(row, 0, block["text"])
            row += 1
            continue
        row += 1
        n_rows, _, cells = grids_for(truth, block["key"], st)
        for r0, c0, r1, c1, text, _kind in cells:
            value = _value(text)
            if (r1, c1) != (r0, c0):
                ws.write_merge(row + r0, row + r1, c0, c1, value, ruled)
            else:
                ws.write(row + r0, c0, value, ruled)
        row += n_rows + 1
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
