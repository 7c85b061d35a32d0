"""Render a report "truth" (paragraph blocks + printed table cells) into real documents.

One implementation serves two users: ``tests/fixtures/make_fixtures.py`` (the five hand-transcribed
seed reports) and ``farm/build_content.py`` (the sample-portal farm's attachments). A truth is the
dict described in ``tests/fixtures/README.md``: ``blocks`` in printed order, ``tables`` with the raw
printed strings of spec §9, ``layouts`` and the report metadata.

* DOCX with python-docx, the national table geometry (spec §2.1–§3.1) with real merges;
* PDF and "MS Word 97" DOC through LibreOffice (headless, caller-provided private profile);
* the HTML fragment of an article body (``<p>`` + ``<table>`` with the same rowspan/colspan grid);
* image-only "scanned" PDFs and page images rendered with pypdfium2.

Everything is reproducible: fixed zip timestamps and core properties in the DOCX, fixed PDF dates,
a content-derived trailer ``/ID``, seeded RNGs for the scans.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import io
import random
import shutil
import subprocess
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pdfplumber
import pikepdf
import pypdfium2 as pdfium
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from PIL import Image, ImageFilter

SERIF = "Noto Serif CJK SC"
SANS = "Noto Sans CJK SC"
BODY_PT = 12
TABLE_PT = 9
SCAN_DPI = 200
JPEG_QUALITY = 75
FIXED_TIME = (2024, 1, 1, 0, 0, 0)

FULL_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
HALF_CORNER = "(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)"


@dataclass
class TableStyle:
    """How the tables of one document are printed (presentation only, never content)."""

    # label style of table 三: "full" = （一）予以公开 / 1.属于国家秘密;
    # "half" = (一) 予以公开 / 1. 属于国家秘密
    labels: str
    corner: str = FULL_CORNER
    partially: str | None = None  # override of the （二）部分公开… label
    t3_header: bool = True


# --------------------------------------------------------------------------------------
# Table geometry (spec §2.1–§2.3, §3.1). A table is (n_rows, widths_cm, cells); a cell is
# (r0, c0, r1, c1, text, kind) with inclusive spans. kind: caption|header|corner|label|value
# --------------------------------------------------------------------------------------

Cell = tuple[int, int, int, int, str, str]
Grid = tuple[int, list[float], list[Cell]]

T3_COLS = 7
DENIED = [
    ("denied_state_secret", "属于国家秘密"),
    ("denied_other_law", "其他法律行政法规禁止公开"),
    ("denied_security_stability", "危及“三安全一稳定”"),
    ("denied_third_party_rights", "保护第三方合法权益"),
    ("denied_internal_affairs", "属于三类内部事务信息"),
    ("denied_process_info", "属于四类过程性信息"),
    ("denied_enforcement_file", "属于行政执法案卷"),
    ("denied_admin_query", "属于行政查询事项"),
]
UNABLE = [
    ("unable_not_held", "本机关不掌握相关政府信息"),
    ("unable_needs_creation", "没有现成信息需要另行制作"),
    ("unable_still_unclear", "补正后申请内容仍不明确"),
]
NOT_PROCESSED = [
    ("not_processed_petition", "信访举报投诉类申请"),
    ("not_processed_duplicate", "重复申请"),
    ("not_processed_publication", "要求提供公开出版物"),
    ("not_processed_excessive", "无正当理由大量反复申请"),
    ("not_processed_confirmation", "要求行政机关确认或重新出具已获取信息"),
]
OTHER = [
    ("other_no_correction", "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("other_fee_unpaid", "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other_other", "其他"),
]


def _ord(n: str, style: str) -> str:
    return f"({n}) " if style == "half" else f"（{n}）"


def _sub(i: int, text: str, style: str) -> str:
    return f"{i}. {text}" if style == "half" else f"{i}.{text}"


def t2_grid(tables: dict, version: str) -> Grid:
    """Section 二 as one 4-column grid with caption rows."""
    cells: list[Cell] = []
    r = 0

    def caption(text: str) -> None:
        nonlocal r
        cells.append((r, 0, r, 3, text, "caption"))
        r += 1

    def row(parts: list[tuple[str, int]], kinds: tuple[str, str]) -> None:
        """parts: (text, colspan) left to right; kinds: (first-cell kind, other-cells kind)."""
        nonlocal r
        c = 0
        for i, (text, span) in enumerate(parts):
            cells.append((r, c, r, c + span - 1, text, kinds[0] if i == 0 else kinds[1]))
            c += span
        assert c == 4
        r += 1

    hdr = ("header", "header")
    data = ("label", "value")
    if version == "v2021":
        t = tables["t2_art20_1"]
        caption("第二十条第（一）项")
        row([("信息内容", 1), ("本年制发件数", 1), ("本年废止件数", 1), ("现行有效件数", 1)], hdr)
        row([("规章", 1)] + [(v, 1) for v in t["regulations"]], data)
        row([("行政规范性文件", 1)] + [(v, 1) for v in t["normative_documents"]], data)
        caption("第二十条第（五）项")
        row([("信息内容", 1), ("本年处理决定数量", 3)], hdr)
        row([("行政许可", 1), (tables["t2_art20_5"]["administrative_license"][0], 3)], data)
        t = tables["t2_art20_6"]
        caption("第二十条第（六）项")
        row([("信息内容", 1), ("本年处理决定数量", 3)], hdr)
        row([("行政处罚", 1), (t["administrative_penalty"][0], 3)], data)
        row([("行政强制", 1), (t["administrative_coercion"][0], 3)], data)
        caption("第二十条第（八）项")
        row([("信息内容", 1), ("本年收费金额（单位：万元）", 3)], hdr)
        row([("行政事业性收费", 1), (tables["t2_art20_8"]["administrative_fees"][0], 3)], data)
    else:
        three = [("上一年项目数量", 1), ("本年增/减", 1), ("处理决定数量", 1)]
        t = tables["t2_art20_1"]
        caption("第二十条第（一）项")
        row(
            [
                ("信息内容", 1),
                ("本年新\n制作数量", 1),
                ("本年新\n公开数量", 1),
                ("对外公开总数量", 1),
            ],
            hdr,
        )
        row([("规章", 1)] + [(v, 1) for v in t["regulations"]], data)
        row([("规范性文件", 1)] + [(v, 1) for v in t["normative_documents"]], data)
        t = tables["t2_art20_5"]
        caption("第二十条第（五）项")
        row([("信息内容", 1), *three], hdr)
        row([("行政许可", 1)] + [(v, 1) for v in t["administrative_license"]], data)
        row([("其他对外管理服务事项", 1)] + [(v, 1) for v in t["other_external_services"]], data)
        t = tables["t2_art20_6"]
        caption("第二十条第（六）项")
        row([("信息内容", 1), *three], hdr)
        row([("行政处罚", 1)] + [(v, 1) for v in t["administrative_penalty"]], data)
        row([("行政强制", 1)] + [(v, 1) for v in t["administrative_coercion"]], data)
        v = tables["t2_art20_8"]["administrative_fees"]
        caption("第二十条第（八）项")
        row([("信息内容", 1), ("上一年项目数量", 1), ("本年增/减", 2)], hdr)
        row([("行政事业性收费", 1), (v[0], 1), (v[1], 2)], data)
        v = tables["t2_art20_9"]["centralized_procurement"]
        caption("第二十条第（九）项")
        row([("信息内容", 1), ("采购项目数量", 1), ("采购总金额", 2)], hdr)
        row([("政府集中采购", 1), (v[0], 1), (v[1], 2)], data)
    return r, [4.5, 3.7, 3.7, 3.7], cells


def t3_grid(values: dict, version: str, st: TableStyle) -> Grid:
    """Section 三 as the 10-column grid of spec §2.2 (3 label + 7 value columns)."""
    lab = st.labels
    cells: list[Cell] = []
    r = 0
    if st.t3_header:
        cells += [
            (0, 0, 2, 2, st.corner, "corner"),
            (0, 3, 0, 9, "申请人情况", "header"),
            (1, 3, 2, 3, "自然人", "header"),
            (1, 4, 1, 8, "法人或其他组织", "header"),
            (1, 9, 2, 9, "总计", "header"),
        ]
        for i, h in enumerate(["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]):
            cells.append((2, 4 + i, 2, 4 + i, h, "header"))
        r = 3

    def values_at(row: int, key: str) -> None:
        for i, v in enumerate(values[key]):
            cells.append((row, 3 + i, row, 3 + i, v, "value"))

    for key, text in [
        ("new_received", "一、本年新收政府信息公开申请数量"),
        ("carried_over", "二、上年结转政府信息公开申请数量"),
    ]:
        cells.append((r, 0, r, 2, text, "label"))
        values_at(r, key)
        r += 1

    results_start = r
    partially = st.partially or (
        _ord("二", lab) + "部分公开（区分处理的，只计这一情形，不计其他情形）"
    )
    for key, text in [("granted", _ord("一", lab) + "予以公开"), ("partially_granted", partially)]:
        cells.append((r, 1, r, 2, text, "label"))
        values_at(r, key)
        r += 1
    groups = [
        ("三", "不予公开", DENIED),
        ("四", "无法提供", UNABLE),
        ("五", "不予处理", NOT_PROCESSED),
    ]
    if version == "v2021":
        groups.append(("六", "其他处理", OTHER))
    for num, name, items in groups:
        cells.append((r, 1, r + len(items) - 1, 1, _ord(num, lab) + name, "label"))
        for i, (key, text) in enumerate(items, start=1):
            cells.append((r, 2, r, 2, _sub(i, text, lab), "label"))
            values_at(r, key)
            r += 1
    if version == "v2019":
        cells.append((r, 1, r, 2, _ord("六", lab) + "其他处理", "label"))
        values_at(r, "other_handling")
        r += 1
    cells.append((r, 1, r, 2, _ord("七", lab) + "总计", "label"))
    values_at(r, "total_processed")
    r += 1
    cells.append((results_start, 0, r - 1, 0, "三、本年度办理结果", "label"))
    cells.append((r, 0, r, 2, "四、结转下年度继续办理", "label"))
    values_at(r, "carried_forward")
    r += 1
    expected = (22 if version == "v2021" else 20) + 3 + (3 if st.t3_header else 0)
    assert r == expected, (r, expected)
    return r, [1.3, 2.0, 4.3] + [8.0 / T3_COLS] * T3_COLS, cells


def t4_grid(values: dict) -> Grid:
    """Section 四 as the 15-column grid of spec §2.3."""
    heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    cells: list[Cell] = [
        (0, 0, 0, 4, "行政复议", "header"),
        (0, 5, 0, 14, "行政诉讼", "header"),
        (1, 5, 1, 9, "未经复议直接起诉", "header"),
        (1, 10, 1, 14, "复议后起诉", "header"),
    ]
    for i, h in enumerate(heads):
        cells.append((1, i, 2, i, h, "header"))
        cells.append((2, 5 + i, 2, 5 + i, h, "header"))
        cells.append((2, 10 + i, 2, 10 + i, h, "header"))
    flat = values["review"] + values["litigation_direct"] + values["litigation_after_review"]
    assert len(flat) == 15
    for i, v in enumerate(flat):
        cells.append((3, i, 3, i, v, "value"))
    return 4, [15.6 / 15] * 15, cells


def grids_for(truth: dict, key: str, st: TableStyle) -> Grid:
    tables = truth["tables"]
    if key == "t2":
        return t2_grid(tables, truth["layouts"]["sec2"])
    if key == "t3":
        return t3_grid(tables["t3_applications"], truth["layouts"]["sec3"], st)
    if key == "t4":
        return t4_grid(tables["t4_review_litigation"])
    raise ValueError(key)


# --------------------------------------------------------------------------------------
# DOCX
# --------------------------------------------------------------------------------------


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


def report_datetime(truth: dict) -> dt.datetime:
    """The signing date at 09:00 (or 20 Jan of the next year): stamped into DOCX and PDF."""
    if truth["report_date"]:
        d = dt.date.fromisoformat(truth["report_date"])
    else:
        d = dt.date(truth["year"] + 1, 1, 20)
    return dt.datetime(d.year, d.month, d.day, 9, 0, 0)


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


# --------------------------------------------------------------------------------------
# LibreOffice conversions
# --------------------------------------------------------------------------------------


def soffice_convert(inputs: list[Path], target: str, outdir: Path, profile: Path) -> None:
    """Convert with one soffice call; ``profile`` is a private user installation directory,
    because a second soffice sharing the default profile with another user hangs or fails."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        raise RuntimeError(
            "LibreOffice (soffice) not found: apt-get install libreoffice-writer-nogui"
        )
    cmd = [
        exe,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--nologo",
        "--convert-to",
        target,
        "--outdir",
        str(outdir),
        *[str(p) for p in inputs],
    ]
    subprocess.run(cmd, check=True, capture_output=True, timeout=300)
    ext = target.split(":")[0]
    missing = [p.name for p in inputs if not (outdir / f"{p.stem}.{ext}").exists()]
    if missing:
        raise RuntimeError(f"soffice silently dropped conversions to {ext}: {missing}")


QPDF_STATIC_ID = b"<31415926535897932384626433832795>"


def _save_reproducible(pdf: pikepdf.Pdf, path: Path) -> None:
    """Save with a content-derived trailer /ID (qpdf's deterministic_id was not stable here)."""
    for key in ("/ID", "/DocChecksum"):  # LibreOffice's checksum differs from run to run
        if key in pdf.trailer:
            del pdf.trailer[key]
    buf = io.BytesIO()
    pdf.save(buf, static_id=True)
    data = buf.getvalue()
    digest = f"<{hashlib.md5(data).hexdigest().upper()}>".encode()
    assert data.count(QPDF_STATIC_ID) == 2, "unexpected qpdf trailer layout"
    path.write_bytes(data.replace(QPDF_STATIC_ID, digest))


def normalise_pdf(path: Path, truth: dict) -> None:
    """Fix dates and the trailer /ID so the PDF bytes are reproducible."""
    stamp = report_datetime(truth).strftime("D:%Y%m%d%H%M%S+08'00'")
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            for k in ("xmp:CreateDate", "xmp:ModifyDate", "xmp:MetadataDate"):
                if k in meta:
                    del meta[k]
        pdf.docinfo["/CreationDate"] = stamp
        pdf.docinfo["/ModDate"] = stamp
        _save_reproducible(pdf, path)


# --------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------


def html_table(grid: Grid, cls: str) -> str:
    n_rows, widths, cells = grid
    total = sum(widths)
    out = [f'<table class="{cls}" border="1" cellspacing="0" cellpadding="0" width="100%">']
    out.append("<tbody>")
    by_row: dict[int, list[Cell]] = {}
    for c in cells:
        by_row.setdefault(c[0], []).append(c)
    for r in range(n_rows):
        out.append("<tr>")
        for r0, c0, r1, c1, text, kind in sorted(by_row.get(r, []), key=lambda c: c[1]):
            attrs = []
            if r1 > r0:
                attrs.append(f'rowspan="{r1 - r0 + 1}"')
            if c1 > c0:
                attrs.append(f'colspan="{c1 - c0 + 1}"')
            if r0 == 0 or kind == "caption":
                pct = round(100 * sum(widths[c0 : c1 + 1]) / total, 1)
                attrs.append(f'width="{pct}%"')
            align = "left" if kind == "label" else "center"
            body = "<br/>".join(html.escape(x) for x in text.split("\n")) if text else "&nbsp;"
            a = (" " + " ".join(attrs)) if attrs else ""
            out.append(f'<td{a}><p style="text-align:{align}">{body}</p></td>')
        out.append("</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def report_body_html(truth: dict, st: TableStyle) -> str:
    """The report as the inside of an article container: ``<p>`` per block, tables as grids."""
    parts = []
    for block in truth["blocks"]:
        if block["type"] == "table":
            parts.append(html_table(grids_for(truth, block["key"], st), block["key"]))
            continue
        role = block.get("role", "body")
        text = html.escape(block["text"])
        if role == "title":
            parts.append(f'<p style="text-align:center;text-indent:0"><strong>{text}</strong></p>')
        elif role in ("signature", "date"):
            parts.append(f'<p style="text-align:right">{text}</p>')
        elif role == "attachment":
            parts.append(f'<p style="text-indent:0">{text}</p>')
        elif role in ("heading", "subheading"):
            parts.append(f"<p><strong>{text}</strong></p>")
        else:
            parts.append(f"<p>{text}</p>")
    return "\n".join(parts)


# --------------------------------------------------------------------------------------
# Scans, page image, CID PDF
# --------------------------------------------------------------------------------------


def render_pages(pdf_path: Path, dpi: int) -> list[Image.Image]:
    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        return [
            doc[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            for i in range(len(doc))
        ]
    finally:
        doc.close()


def degrade(img: Image.Image, rng: random.Random) -> Image.Image:
    angle = rng.uniform(0.4, 0.6) * rng.choice([-1, 1])
    img = img.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
    img = img.filter(ImageFilter.GaussianBlur(radius=0.7))
    arr = np.asarray(img, dtype=np.float32)
    noise = np.random.default_rng(rng.randrange(2**32)).normal(0.0, 7.0, arr.shape)
    arr = np.clip(arr + noise, 0, 255).astype(np.uint8)
    return Image.fromarray(arr, mode="L")


def build_scan(
    pdf_path: Path,
    out: Path,
    seed_id: str,
    degrade_pages: bool,
    *,
    dpi: int = SCAN_DPI,
    quality: int = JPEG_QUALITY,
) -> int:
    """Image-only PDF of ``pdf_path`` (grayscale JPEG, no text layer); returns the page count."""
    rng = random.Random(f"nianbao-scan-{seed_id}")
    pages = render_pages(pdf_path, dpi)
    jpeg_pages = []
    for img in pages:
        if degrade_pages:
            img = degrade(img, rng)
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=quality)
        jpeg_pages.append(Image.open(io.BytesIO(buf.getvalue())).convert("L"))
    stamp = time.struct_time((2024, 1, 1, 0, 0, 0, 0, 1, 0))
    jpeg_pages[0].save(
        out,
        "PDF",
        save_all=True,
        append_images=jpeg_pages[1:],
        resolution=float(dpi),
        quality=quality,
        title=f"{seed_id}.scan",
        creationDate=stamp,
        modDate=stamp,
    )
    return len(pages)


def t3_label_fragments(truth: dict) -> list[str]:
    """Short label fragments of table 三, used to find the page that holds most of it."""
    frags = ["本年新收", "上年结转", "予以公开", "部分公开", "不予公开", "无法提供", "不予处理"]
    frags += [t[:6] for _, t in DENIED + UNABLE + NOT_PROCESSED + OTHER[:2]]
    frags += ["总计", "结转下年度"]
    return frags


def page_with_most_t3(pdf_path: Path, truth: dict) -> int:
    frags = t3_label_fragments(truth)
    best, best_n = 0, -1
    with pdfplumber.open(pdf_path) as pdf:
        for i, page in enumerate(pdf.pages):
            text = "".join((page.extract_text() or "").split())
            n = sum(1 for f in frags if f in text)
            if n > best_n:
                best, best_n = i, n
    return best


def strip_tounicode(src: Path, dst: Path) -> int:
    removed = 0
    with pikepdf.open(src) as pdf:
        for obj in pdf.objects:
            is_font = isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == pikepdf.Name.Font
            if is_font and "/ToUnicode" in obj:
                del obj["/ToUnicode"]
                removed += 1
        pdf.remove_unreferenced_resources()
        _save_reproducible(pdf, dst)
    return removed


def strip_rulings(src: Path, dst: Path) -> int:
    """The PDF without its table rulings (every stroked or filled path): a ruled table
    becomes a borderless one, as some Word/WPS exports and web-to-PDF tools print them."""
    removed = 0
    with pikepdf.open(src) as pdf:
        for page in pdf.pages:
            kept, path = [], []
            for operands, op in pikepdf.parse_content_stream(page):
                name = str(op)
                if name in ("m", "l", "c", "v", "y", "h", "re"):
                    path.append((operands, op))
                    continue
                if name in ("S", "s", "f", "F", "f*", "B", "B*", "b", "b*"):
                    removed += 1
                    path = []
                    continue
                if name in ("n", "W", "W*"):  # clipping paths stay
                    kept.extend(path)
                    path = []
                kept.append((operands, op))
            page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(kept))
        _save_reproducible(pdf, dst)
    return removed


OFD_SIZE = 3.5  # mm: the font size of the OFD writer


def _ofd_wrap(text: str, width: float) -> list[str]:
    """Text broken into lines that fit ``width`` mm, as a converter lays out a table cell."""
    lines, line, used = [], "", 0.0
    for ch in text:
        w = OFD_SIZE if ord(ch) > 0x2E7F else 0.55 * OFD_SIZE
        if line and used + w > width:
            lines.append(line)
            line, used = "", 0.0
        line += ch
        used += w
    return [*lines, line] if line else lines


def _ofd_table_lines(grid: Grid, left: float, width: float) -> list[list[tuple[float, str]]]:
    """A table as printed lines: cell text wrapped inside its cell, vertically centred."""
    n_rows, widths, cells = grid
    scale = width / sum(widths)
    xs = [left]
    for w in widths:
        xs.append(xs[-1] + w * scale)
    wrapped = {
        c: _ofd_wrap(c[4].replace("\n", ""), xs[c[3] + 1] - xs[c[1]] - 1.6) for c in cells if c[4]
    }
    height = [1] * n_rows  # lines per grid row
    for c, lines in wrapped.items():
        if c[0] == c[2]:
            height[c[0]] = max(height[c[0]], len(lines))
    for c, lines in wrapped.items():  # a merged cell taller than its rows stretches the last
        span = sum(height[c[0] : c[2] + 1])
        if len(lines) > span:
            height[c[2]] += len(lines) - span
    top = [sum(height[:r]) for r in range(n_rows)]
    out: list[list[tuple[float, str]]] = [[] for _ in range(sum(height))]
    for c, lines in wrapped.items():
        span = sum(height[c[0] : c[2] + 1])
        first = top[c[0]] + (span - len(lines)) // 2
        for i, text in enumerate(lines):
            out[first + i].append((round(xs[c[1]] + 0.8, 1), text))
    return [sorted(line) for line in out]


def build_ofd(truth: dict, title: str | None, style: TableStyle) -> bytes:
    """A minimal OFD (GB/T 33190) package: one TextObject per printed line or cell line."""
    lines: list[list[tuple[float, str]]] = []  # each line: (x mm, text) pieces
    for block in truth["blocks"]:
        if block["type"] == "p":
            text = block["text"]
            while text:
                lines.append([(25.0, text[:38])])
                text = text[38:]
            continue
        lines.extend(_ofd_table_lines(grids_for(truth, block["key"], style), 25.0, 160.0))
    uid = 10
    layers = []
    for pi in range(0, len(lines), 44):
        objs = []
        for li, pieces in enumerate(lines[pi : pi + 44]):
            y = 30 + li * 5.5
            for x, text in pieces:
                uid += 1
                esc_text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                objs.append(
                    f'<ofd:TextObject ID="{uid}" Boundary="{x} {y:.1f} 160 5" Font="2" '
                    f'Size="{OFD_SIZE}"><ofd:TextCode X="0" Y="3.5">{esc_text}</ofd:TextCode>'
                    "</ofd:TextObject>"
                )
        layers.append("".join(objs))
    fonts = '<ofd:Fonts><ofd:Font ID="2" FontName="宋体" FamilyName="宋体"/></ofd:Fonts>'
    return _ofd_package(title, truth["report_date"], layers, fonts, {}, uid)


def build_image_ofd(pages: list[bytes], title: str | None, report_date: str | None) -> bytes:
    """An OFD of scanned pages: each page one JPEG ImageObject covering it, no text at all."""
    layers, media, res = [], {}, []
    for pi, jpeg in enumerate(pages):
        rid = 100 + pi
        layers.append(
            f'<ofd:ImageObject ID="{200 + pi}" ResourceID="{rid}" Boundary="0 0 210 297" '
            'CTM="210 0 0 297 0 0"/>'
        )
        media[f"Doc_0/Res/page_{pi}.jpg"] = jpeg
        res.append(
            f'<ofd:MultiMedia ID="{rid}" Type="Image" Format="JPEG">'
            f"<ofd:MediaFile>page_{pi}.jpg</ofd:MediaFile></ofd:MultiMedia>"
        )
    multimedia = f"<ofd:MultiMedias>{''.join(res)}</ofd:MultiMedias>"
    return _ofd_package(title, report_date, layers, multimedia, media, 300)


def _ofd_package(
    title: str | None,
    report_date: str | None,
    layers: list[str],
    resources: str,
    media: dict[str, bytes],
    max_uid: int,
) -> bytes:
    ns = 'xmlns:ofd="http://www.ofdspec.org/2016"'
    named = f"<ofd:Title>{title}</ofd:Title>" if title else ""
    created = f"<ofd:CreationDate>{report_date}</ofd:CreationDate>" if report_date else ""
    files: dict[str, bytes | str] = {}
    page_refs = []
    for pi, layer in enumerate(layers):
        files[f"Doc_0/Pages/Page_{pi}/Content.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Page {ns}><ofd:Content>'
            f'<ofd:Layer ID="{pi + 3}">{layer}</ofd:Layer></ofd:Content></ofd:Page>'
        )
        page_refs.append(f'<ofd:Page ID="{1000 + pi}" BaseLoc="Pages/Page_{pi}/Content.xml"/>')
    files["OFD.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:OFD {ns} Version="1.1" DocType="OFD">'
        f"<ofd:DocBody><ofd:DocInfo><ofd:DocID>{hashlib.md5((title or '').encode()).hexdigest()}"
        f"</ofd:DocID>{named}{created}"
        "<ofd:Creator>OFD Writer</ofd:Creator></ofd:DocInfo>"
        "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
    )
    files["Doc_0/Document.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Document {ns}><ofd:CommonData>'
        f"<ofd:MaxUnitID>{max_uid}</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297"
        "</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes>"
        f"</ofd:CommonData><ofd:Pages>{''.join(page_refs)}</ofd:Pages></ofd:Document>"
    )
    files["Doc_0/PublicRes.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Res {ns} BaseLoc="Res">{resources}</ofd:Res>'
    )
    files.update(media)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(files, key=lambda n: (n != "OFD.xml", n)):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            data = files[name]
            z.writestr(info, data.encode("utf-8") if isinstance(data, str) else data)
    return buf.getvalue()
