"""DOCX with python-docx: the national table geometry with real merges, CJK fonts, a page
number footer.

The source the other office formats come from: LibreOffice turns this DOCX into PDF and DOC
(:mod:`.libreoffice`). The zip is rewritten with fixed timestamps so its bytes are reproducible.
"""

from __future__ import annotations

import io
import zipfile

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from .grids import Grid, TableStyle, grids_for
from .stamps import FIXED_TIME, report_datetime

SERIF = "Noto Serif CJK SC"
SANS = "Noto Sans CJK SC"
BODY_PT = 12
TABLE_PT = 9


def _font(run, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)


def _set_style_fonts(doc) -> None:
    normal = doc.styles["Normal"]
    normal.font.name = SERIF
    normal.font.size = Pt(BODY_PT)
    rpr = normal.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), SERIF)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    rpr.append(lang)


def _page_number_footer(section) -> None:
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def fld(kind: str) -> None:
        run = p.add_run()
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        run._element.append(el)
        _font(run, SERIF, 10.5)

    _font(p.add_run("- "), SERIF, 10.5)
    fld("begin")
    run = p.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    run._element.append(instr)
    _font(run, SERIF, 10.5)
    fld("separate")
    _font(p.add_run("1"), SERIF, 10.5)
    fld("end")
    _font(p.add_run(" -"), SERIF, 10.5)


def _paragraph(doc, block: dict) -> None:
    role = block.get("role", "body")
    p = doc.add_paragraph()
    pf = p.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.line_spacing = 1.5
    text = block["text"]
    if role == "title":
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(p.add_run(text), SERIF, 18, bold=True)
    elif role == "attachment":
        _font(p.add_run(text), SANS, BODY_PT)
    elif role == "heading":
        pf.first_line_indent = Pt(2 * BODY_PT)
        pf.space_before = Pt(6)
        _font(p.add_run(text), SANS, BODY_PT)
    elif role == "subheading":
        pf.first_line_indent = Pt(2 * BODY_PT)
        _font(p.add_run(text), SERIF, BODY_PT, bold=True)
    elif role in ("signature", "date"):
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        pf.right_indent = Pt(2 * BODY_PT)
        if role == "signature":
            pf.space_before = Pt(BODY_PT * 2)
        _font(p.add_run(text), SERIF, BODY_PT)
    else:
        pf.first_line_indent = Pt(2 * BODY_PT)
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        _font(p.add_run(text), SERIF, BODY_PT)


def _table(doc, grid: Grid) -> None:
    n_rows, widths, cells = grid
    n_cols = len(widths)
    table = doc.add_table(rows=n_rows, cols=n_cols)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    for i, w in enumerate(widths):
        table.columns[i].width = Cm(w)
        for row in table.rows:
            row.cells[i].width = Cm(w)
    for r0, c0, r1, c1, text, kind in cells:
        cell = table.cell(r0, c0)
        if (r1, c1) != (r0, c0):
            cell = cell.merge(table.cell(r1, c1))
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        p = cell.paragraphs[0]
        p.paragraph_format.space_before = Pt(1)
        p.paragraph_format.space_after = Pt(1)
        p.paragraph_format.line_spacing = 1.0
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT if kind == "label" else WD_ALIGN_PARAGRAPH.CENTER
        bold = kind == "caption"
        for i, line in enumerate(text.split("\n")):
            run = p.add_run()
            if i:
                run.add_break(WD_BREAK.LINE)
            run.add_text(line)
            _font(run, SERIF, TABLE_PT, bold=bold)


def build_docx(truth: dict, st: TableStyle) -> bytes:
    doc = Document()
    _set_style_fonts(doc)
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.top_margin, sec.bottom_margin = Cm(3.2), Cm(2.8)
    sec.left_margin, sec.right_margin = Cm(2.7), Cm(2.7)
    sec.footer_distance = Cm(1.5)
    _page_number_footer(sec)
    for block in truth["blocks"]:
        if block["type"] == "p":
            _paragraph(doc, block)
        else:
            _table(doc, grids_for(truth, block["key"], st))
    cp = doc.core_properties
    cp.author = "Administrator"
    cp.last_modified_by = "Administrator"
    cp.title = ""
    cp.comments = ""
    stamp = report_datetime(truth)
    cp.created = stamp
    cp.modified = stamp
    cp.revision = 1
    buf = io.BytesIO()
    doc.save(buf)
    return _normalise_zip(buf.getvalue())


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps so the DOCX bytes are reproducible."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()
