"""parsers.pdf on report-like PDFs made here: python-docx → LibreOffice → pdfplumber geometry.

The documents carry the national table 三 (10 columns, real merges) long enough to break over a
page, the 二 and 四 tables, a running header and "- N -" page numbers. Variants: narrow value
columns (numbers wrap inside a cell), no borders (a borderless table), a table printed as a
picture, Word/WPS-style rulings (thin filled rectangles per cell with jitter) and fake bold,
an encrypted, a truncated and a (cid:) copy.
"""

from __future__ import annotations

import io
import itertools
import random
import re
import shutil
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from parsers.document import Cell, Document, Paragraph, Table
from parsers.pdf import _PAGE_NUMBER, _fix_char, _join, extract_pdf

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "tests" / "fixtures" / "reports"
TRUTH = ROOT / "tests" / "fixtures" / "truth"
FONT = "Noto Sans CJK SC"
TITLE = "某某市某某局2023年政府信息公开工作年度报告"
PARA = (
    "2023年，我局坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实党的二十大精神，"
    "认真落实《中华人民共和国政府信息公开条例》和上级关于政务公开工作的部署要求，"
    "围绕中心工作，持续深化政务公开，不断提升政府信息公开工作质量和实效，"
    "切实保障人民群众的知情权、参与权、表达权和监督权。"
)
HEADINGS = [
    "一、总体情况",
    "（一）主动公开",
    "（二）依申请公开",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
]
T3_COLUMNS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
# Row labels of table 三 after the first two rows; (label, n) = a group label merged over n rows.
T3_BODY: list[str | tuple[str, int]] = [
    "（一）予以公开",
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    ("（三）不予公开", 8),
    "1.属于国家秘密",
    "2.其他法律行政法规禁止公开",
    "3.危及“三安全一稳定”",
    "4.保护第三方合法权益",
    "5.属于三类内部事务信息",
    "6.属于四类过程性信息",
    "7.属于行政执法案卷",
    "8.属于行政查询事项",
    ("（四）无法提供", 3),
    "1.本机关不掌握相关政府信息",
    "2.没有现成信息需要另行制作",
    "3.补正后申请内容仍不明确",
    ("（五）不予处理", 5),
    "1.信访举报投诉类申请",
    "2.重复申请",
    "3.要求提供公开出版物",
    "4.无正当理由大量反复申请",
    "5.要求行政机关确认或重新出具已获取信息",
    ("（六）其他处理", 3),
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "3.其他",
    "（七）总计",
]
FIRST_ROW = ["123", "4", "0", "1", "2", "3", "133"]
BLANK_ROW = ["", "0", "", "0", "0", "", "0"]  # blank cells next to printed zeros
TOTAL_ROW = ["5", "6", "7", "8", "9", "10", "45"]  # （七）总计

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice")


# --- building the documents ------------------------------------------------------------------


def _t3_values() -> list[list[str]]:
    out = []
    for i in range(28):
        row = [str((i * 7 + j) % 13) for j in range(6)]
        out.append([*row, str(sum(int(v) for v in row))])
    out[0], out[1], out[26] = FIRST_ROW, BLANK_ROW, TOTAL_ROW
    return out


def _font(run: Any, size: float = 10.5, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def _para(doc: Any, text: str, *, size: float = 12, bold: bool = False, center: bool = False):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = doc.add_paragraph()
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    else:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    _font(p.add_run(text), size, bold)
    return p


def _cell(table: Any, r: int, c: int, text: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    cell = table.cell(r, c)
    cell.text = ""
    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(cell.paragraphs[0].add_run(text), 9)


def _widths(table: Any, widths_cm: list[float]) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Cm

    table.autofit = False
    for row in table.rows:
        for i, w in enumerate(widths_cm):
            row.cells[i].width = Cm(w)
    for i, gc in enumerate(table._tbl.tblGrid.findall(qn("w:gridCol"))):
        gc.set(qn("w:w"), str(int(widths_cm[i] * 567)))


def _page_number_footer(section: Any) -> None:
    """A centred "- N -" PAGE field, the usual footer of a government report."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(paragraph.add_run("- "))
    run = paragraph.add_run()
    _font(run)
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._element.append(el)
    _font(paragraph.add_run(" -"))


def _add_t2(doc: Any) -> None:
    t = doc.add_table(rows=7, cols=4)
    t.style = "Table Grid"
    _widths(t, [4.0, 3.6, 3.6, 3.6])
    rows = [
        ("第二十条第（一）项",),
        ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数"),
        ("规章", "0", "0", "0"),
        ("行政规范性文件", "12", "3", "45"),
        ("第二十条第（五）项",),
        ("信息内容", "本年处理决定数量"),
        ("行政许可", "1234"),
    ]
    for r, row in enumerate(rows):
        if len(row) == 1:
            t.cell(r, 0).merge(t.cell(r, 3))
            _cell(t, r, 0, row[0])
        elif len(row) == 2:
            t.cell(r, 1).merge(t.cell(r, 3))
            _cell(t, r, 0, row[0])
            _cell(t, r, 1, row[1])
        else:
            for c, v in enumerate(row):
                _cell(t, r, c, v)


def _add_t3(doc: Any, *, borders: bool, value_width: float) -> None:
    body = [r if isinstance(r, tuple) else (r, 0) for r in T3_BODY]
    groups = sum(1 for _, n in body if n)
    nrows = 3 + 2 + len(body) - groups + 1
    t = doc.add_table(rows=nrows, cols=10)
    if borders:
        t.style = "Table Grid"
    _widths(t, [1.6, 2.0, 3.6] + [value_width] * 7)
    t.cell(0, 0).merge(t.cell(2, 2))
    _cell(t, 0, 0, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）")
    t.cell(0, 3).merge(t.cell(0, 9))
    _cell(t, 0, 3, "申请人情况")
    t.cell(1, 3).merge(t.cell(2, 3))
    _cell(t, 1, 3, "自然人")
    t.cell(1, 4).merge(t.cell(1, 8))
    _cell(t, 1, 4, "法人或其他组织")
    t.cell(1, 9).merge(t.cell(2, 9))
    _cell(t, 1, 9, "总计")
    for j, name in enumerate(T3_COLUMNS[1:6]):
        _cell(t, 2, 4 + j, name)
    values = iter(_t3_values())

    def put_values(row: int) -> None:
        for j, v in enumerate(next(values)):
            _cell(t, row, 3 + j, v)

    for r, label in (
        (3, "一、本年新收政府信息公开申请数量"),
        (4, "二、上年结转政府信息公开申请数量"),
    ):
        t.cell(r, 0).merge(t.cell(r, 2))
        _cell(t, r, 0, label)
        put_values(r)
    r, i = 5, 0
    while i < len(body):
        label, span = body[i]
        if span:
            t.cell(r, 1).merge(t.cell(r + span - 1, 1))
            _cell(t, r, 1, label)
            for k in range(span):
                _cell(t, r + k, 2, body[i + 1 + k][0])
                put_values(r + k)
            r, i = r + span, i + span + 1
        else:
            t.cell(r, 1).merge(t.cell(r, 2))
            _cell(t, r, 1, label)
            put_values(r)
            r, i = r + 1, i + 1
    t.cell(5, 0).merge(t.cell(r - 1, 0))
    _cell(t, 5, 0, "三、本年度办理结果")
    t.cell(r, 0).merge(t.cell(r, 2))
    _cell(t, r, 0, "四、结转下年度继续办理")
    put_values(r)


def _add_t4(doc: Any) -> None:
    t = doc.add_table(rows=4, cols=15)
    t.style = "Table Grid"
    _widths(t, [1.1] * 15)
    t.cell(0, 0).merge(t.cell(0, 4))
    _cell(t, 0, 0, "行政复议")
    t.cell(0, 5).merge(t.cell(0, 14))
    _cell(t, 0, 5, "行政诉讼")
    names = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    for j, n in enumerate(names):
        t.cell(1, j).merge(t.cell(2, j))
        _cell(t, 1, j, n)
    t.cell(1, 5).merge(t.cell(1, 9))
    _cell(t, 1, 5, "未经复议直接起诉")
    t.cell(1, 10).merge(t.cell(1, 14))
    _cell(t, 1, 10, "复议后起诉")
    for j in range(10):
        _cell(t, 2, 5 + j, names[j % 5])
    for j in range(15):
        _cell(t, 3, j, str(j % 4))


def _table_picture(path: Path) -> Path:
    """A PNG of a ruled table with numbers: what an 'image table' report embeds."""
    from PIL import Image, ImageDraw

    img = Image.new("L", (1400, 700), 255)
    draw = ImageDraw.Draw(img)
    for i in range(11):
        draw.line([(20, 20 + i * 60), (1380, 20 + i * 60)], fill=0, width=3)
    for x in [20, 420, *range(560, 1381, 140)]:
        draw.line([(x, 20), (x, 620)], fill=0, width=3)
    img.save(path)
    return path


def build_report(
    path: Path,
    *,
    filler: int = 5,
    borders: bool = True,
    value_width: float = 1.2,
    picture: Path | None = None,
) -> Path:
    from docx import Document as Docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    doc = Docx()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21), Cm(29.7)
    sec.left_margin = sec.right_margin = sec.top_margin = sec.bottom_margin = Cm(2.5)
    header = sec.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(header.add_run(TITLE), 9)  # the running header repeats the title on every page
    _page_number_footer(sec)

    _para(doc, TITLE, size=18, bold=True, center=True)
    _para(doc, "本报告由某某市某某局根据《中华人民共和国政府信息公开条例》要求编制。")
    _para(doc, HEADINGS[0], bold=True)
    _para(doc, PARA)
    _para(doc, HEADINGS[1], bold=True)
    for _ in range(filler):
        _para(doc, PARA)
    _para(doc, HEADINGS[2], bold=True)
    _para(doc, "全年共收到政府信息公开申请123件，均在法定期限内答复。")
    _para(doc, HEADINGS[3], bold=True)
    _add_t2(doc)
    _para(doc, HEADINGS[4], bold=True)
    if picture is not None:
        doc.add_picture(str(picture), width=Cm(15))
    else:
        _add_t3(doc, borders=borders, value_width=value_width)
    _para(doc, HEADINGS[5], bold=True)
    _add_t4(doc)
    _para(doc, HEADINGS[6], bold=True)
    _para(doc, PARA)
    _para(doc, HEADINGS[7], bold=True)
    _para(doc, "本年度未收取信息处理费。")
    doc.save(path)
    return path


def wordlike(data: bytes, *, seed: int = 1, jitter: float = 0.5, gap: float = 1.0) -> bytes:
    """Redraw LibreOffice's stroked rulings the way Word/WPS do: a thin filled rectangle per
    cell side, pieces offset by up to ``jitter`` pt with gaps of up to ``gap`` pt; and print
    every text run twice 0.3 pt apart (WPS fake bold)."""
    rnd = random.Random(seed)
    pdf = pikepdf.open(io.BytesIO(data))
    for page in pdf.pages:
        ops = pikepdf.parse_content_stream(page)
        segs: dict[int, tuple[float, float, float, float]] = {}
        for i in range(len(ops) - 2):
            (a, m), (b, ln), (_, s) = ops[i], ops[i + 1], ops[i + 2]
            if (str(m), str(ln), str(s)) == ("m", "l", "S"):
                segs[i] = (float(a[0]), float(a[1]), float(b[0]), float(b[1]))
        xs = sorted({x0 for x0, y0, x1, y1 in segs.values() if abs(x0 - x1) < 0.01})
        ys = sorted({y0 for x0, y0, x1, y1 in segs.values() if abs(y0 - y1) < 0.01})
        new: list[tuple[list[Any], pikepdf.Operator]] = []

        skip = 0
        for i, (operands, op) in enumerate(ops):
            if skip:
                skip -= 1
                continue
            if i in segs:
                x0, y0, x1, y1 = segs[i]
                w = 0.5 + rnd.random() * 0.25
                horizontal = abs(y0 - y1) < 0.01
                lo, hi = sorted((x0, x1) if horizontal else (y0, y1))
                cuts = [lo, *(c for c in (xs if horizontal else ys) if lo + 1 < c < hi - 1), hi]
                for a, b in itertools.pairwise(cuts):
                    g = rnd.random() * gap
                    shift = (rnd.random() - 0.5) * 2 * jitter
                    if horizontal:
                        box = (a + g, y0 + shift - w / 2, b - a - g, w)
                    else:
                        box = (x0 + shift - w / 2, a + g, w, b - a - g)
                    new.append(([Decimal(f"{v:.3f}") for v in box], pikepdf.Operator("re")))
                    new.append(([], pikepdf.Operator("f")))
                skip = 2
                continue
            new.append((operands, op))
            if str(op) == "Tj":
                new.append(([Decimal("0.3"), Decimal(0)], pikepdf.Operator("Td")))
                new.append((operands, op))
                new.append(([Decimal("-0.3"), Decimal(0)], pikepdf.Operator("Td")))
        page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(new))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def strip_rulings(data: bytes) -> bytes:
    """Drop every stroked or filled path: the same report with borderless tables."""
    pdf = pikepdf.open(io.BytesIO(data))
    painting = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*"}
    for page in pdf.pages:
        new: list[tuple[list[Any], pikepdf.Operator]] = []
        path: list[tuple[list[Any], pikepdf.Operator]] = []
        for operands, op in pikepdf.parse_content_stream(page):
            name = str(op)
            if name in ("m", "l", "c", "v", "y", "h", "re"):
                path.append((operands, op))
                continue
            if name in painting:
                path = []
                continue
            new.extend(path)  # a clipping path (W n) stays
            path = []
            new.append((operands, op))
        page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(new))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def open_sides(data: bytes) -> bytes:
    """Remove the outermost vertical rulings: tables open on the left and right."""
    pdf = pikepdf.open(io.BytesIO(data))
    for page in pdf.pages:
        ops = pikepdf.parse_content_stream(page)
        verticals: dict[int, float] = {}
        for i in range(len(ops) - 2):
            (a, m), (b, ln), (_, st) = ops[i], ops[i + 1], ops[i + 2]
            if (str(m), str(ln), str(st)) == ("m", "l", "S") and float(a[0]) == float(b[0]):
                verticals[i] = float(a[0])
        if not verticals:
            continue
        lo, hi = min(verticals.values()), max(verticals.values())
        drop = {i for i, x in verticals.items() if x in (lo, hi)}
        kept = [op for i, op in enumerate(ops) if not {i, i - 1, i - 2} & drop]
        page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(kept))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def add_watermark(data: bytes) -> bytes:
    """A diagonal 「INTERNAL」 over every page, as portals stamp their PDFs."""
    pdf = pikepdf.open(io.BytesIO(data))
    for page in pdf.pages:
        if "/Font" not in page.Resources:
            page.Resources["/Font"] = pikepdf.Dictionary()
        page.Resources["/Font"]["/WM"] = pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
        text = b"q BT /WM 60 Tf 0.7071 0.7071 -0.7071 0.7071 120 200 Tm (INTERNAL USE) Tj ET Q"
        page.contents_add(pikepdf.Stream(pdf, text))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    if shutil.which("soffice") is None:
        pytest.skip("needs LibreOffice")
    work = tmp_path_factory.mktemp("pdf")
    docs = [
        build_report(work / "report.docx"),
        build_report(work / "narrow.docx", filler=2, value_width=0.55),
        build_report(work / "borderless.docx", filler=2, borders=False),
        build_report(work / "long.docx", filler=40),
        build_report(work / "picture.docx", filler=2, picture=_table_picture(work / "t3.png")),
    ]
    # One soffice call for all files, with a private profile: concurrent runs sharing the
    # default profile silently drop conversions.
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{work / 'lo-profile'}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            *map(str, docs),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return {d.stem: (work / f"{d.stem}.pdf").read_bytes() for d in docs}


@pytest.fixture(scope="module")
def report(pdfs: dict[str, bytes]) -> Document:
    return extract_pdf(pdfs["report"])


# --- helpers ---------------------------------------------------------------------------------


def tables(doc: Document) -> list[Table]:
    return [b for b in doc.blocks if isinstance(b, Table)]


def paragraphs(doc: Document) -> list[str]:
    return [b.text for b in doc.blocks if isinstance(b, Paragraph)]


def t3_fragments(doc: Document) -> list[Table]:
    """The fragments of table 三: from the one with 申请人情况 to the one with 四、结转…."""
    ts = tables(doc)
    first = next(i for i, t in enumerate(ts) if any("申请人情况" in c.text for c in t.rows[0]))
    last = next(
        i for i, t in enumerate(ts) if any(c.text.startswith("四、结转") for r in t.rows for c in r)
    )
    return ts[first : last + 1]


def row_starting(frags: list[Table], label: str) -> list[Cell]:
    for t in frags:
        for row in t.rows:
            if any(c.text == label for c in row):
                return row
    raise AssertionError(f"no row {label!r}")


def values_by_header(row: list[Cell], headers: dict[str, Cell]) -> dict[str, str]:
    """Map a row's cells to the header column whose x-range holds the cell's centre."""
    out: dict[str, str] = {}
    for c in row:
        hits = [k for k, h in headers.items() if h.x0 - 1 <= c.xc <= h.x1 + 1]
        if hits:
            assert len(hits) == 1, (c, hits)
            out[hits[0]] = c.text
    return out


def header_cells(frag: Table) -> dict[str, Cell]:
    cells = {c.text: c for row in frag.rows[:3] for c in row}
    return {k: cells[k] for k in T3_COLUMNS}


# --- ruled tables ----------------------------------------------------------------------------


@needs_soffice
def test_document_basics(report: Document) -> None:
    assert report.media_type == "application/pdf"
    assert report.extraction == "text"
    assert report.pages == 3
    assert not report.image_pages
    assert report.warnings == []
    for t in tables(report):
        assert t.kind == "grid"
        assert t.coords == "pdf:595x842"  # A4 in points
        for row in t.rows:
            for c in row:
                assert c.page == t.page and c.bbox is not None
                assert c.x0 < c.x1 and c.bbox[0] == c.x0 and c.bbox[2] == c.x1


@needs_soffice
def test_table_split_over_pages_keeps_columns(report: Document) -> None:
    frags = t3_fragments(report)
    assert len(frags) == 2
    assert (frags[0].page, frags[1].page) == (2, 3)
    assert frags[0].coords == frags[1].coords
    headers = header_cells(frags[0])
    # Values on both pages map by x alone onto the header cells of the first fragment.
    first = values_by_header(row_starting(frags, "一、本年新收政府信息公开申请数量"), headers)
    assert first == dict(zip(T3_COLUMNS, FIRST_ROW, strict=True))
    total = values_by_header(row_starting(frags[1:], "（七）总计"), headers)
    assert total == dict(zip(T3_COLUMNS, TOTAL_ROW, strict=True))
    carried = values_by_header(row_starting(frags[1:], "四、结转下年度继续办理"), headers)
    assert len(carried) == 7 and all(v.isdigit() for v in carried.values())
    # Every value cell of the second fragment sits under exactly one header column.
    for row in frags[1].rows:
        assert len(values_by_header(row, headers)) == 7


@needs_soffice
def test_merged_cells_appear_once_with_their_extent(report: Document) -> None:
    frag = t3_fragments(report)[0]
    top = frag.rows[0]
    assert [c.text for c in top] == [
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
        "申请人情况",
    ]
    h = header_cells(frag)
    corner, applicant = top
    assert corner.x1 == pytest.approx(h["自然人"].x0, abs=1)
    assert applicant.x0 == pytest.approx(h["自然人"].x0, abs=1)
    assert applicant.x1 == pytest.approx(h["总计"].x1, abs=1)
    org = next(c for c in frag.rows[1] if c.text == "法人或其他组织")
    assert org.x0 == pytest.approx(h["商业企业"].x0, abs=1)
    assert org.x1 == pytest.approx(h["其他"].x1, abs=1)
    # 自然人 and 总计 span two header rows: they start in row 1 and row 2 has only the five.
    assert [c.text for c in frag.rows[2]] == T3_COLUMNS[1:6]
    texts = [c.text for t in tables(report) for r in t.rows for c in r]
    assert texts.count("三、本年度办理结果") == 1
    assert texts.count("（三）不予公开") == 1
    # A rowspan cell is taller than one row.
    group = next(c for r in frag.rows for c in r if c.text == "（三）不予公开")
    leaf = next(c for r in frag.rows for c in r if c.text == "1.属于国家秘密")
    assert group.bbox and leaf.bbox
    assert group.bbox[3] - group.bbox[1] > 4 * (leaf.bbox[3] - leaf.bbox[1])


@needs_soffice
def test_blank_cell_is_empty_and_zero_is_zero(report: Document) -> None:
    frags = t3_fragments(report)
    row = row_starting(frags, "二、上年结转政府信息公开申请数量")
    assert [c.text for c in row[1:]] == BLANK_ROW
    assert len(row) == 8


@needs_soffice
def test_wrapped_cell_text_is_joined_without_spaces(
    report: Document, pdfs: dict[str, bytes]
) -> None:
    texts = {c.text for t in tables(report) for r in t.rows for c in r}
    # "（二）部分公开（区分处理的，只计\n这一情形，不计其他情形）" wraps in its cell
    assert "（二）部分公开（区分处理的，只计这一情形，不计其他情形）" in texts
    assert "社会公益组织" in texts and "法律服务机构" in texts
    narrow = extract_pdf(pdfs["narrow"])
    cells = [c.text for t in tables(narrow) for r in t.rows for c in r]
    assert not any("\n" in c or " " in c for c in cells)
    frags = t3_fragments(narrow)
    # In 0.55 cm columns 123 prints as 1/2/3 on three lines; the cell text is 123.
    row = row_starting(frags, "一、本年新收政府信息公开申请数量")
    assert [c.text for c in row[1:]] == FIRST_ROW


@needs_soffice
def test_table_four_has_fifteen_value_cells(report: Document) -> None:
    t4 = next(t for t in tables(report) if t.rows[0][0].text == "行政复议")
    assert [c.text for c in t4.rows[-1]] == [str(j % 4) for j in range(15)]
    leaves = t4.rows[1][:5] + t4.rows[2]
    assert [c.text for c in leaves] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3
    for value, leaf in zip(t4.rows[-1], leaves, strict=True):
        assert value.x0 == pytest.approx(leaf.x0, abs=1)


@needs_soffice
def test_word_style_rulings_and_fake_bold_give_the_same_tables(
    report: Document, pdfs: dict[str, bytes]
) -> None:
    doc = extract_pdf(wordlike(pdfs["report"]))

    def shape(d: Document) -> list[list[list[str]]]:
        return [[[c.text for c in r] for r in t.rows] for t in tables(d)]

    assert shape(doc) == shape(report)
    assert paragraphs(doc) == paragraphs(report)


# --- text ------------------------------------------------------------------------------------


@needs_soffice
def test_headings_are_paragraphs_in_order_with_the_tables(report: Document) -> None:
    seq: list[str] = []
    for b in report.blocks:
        if isinstance(b, Paragraph):
            if b.text in HEADINGS:
                seq.append(b.text)
        else:
            seq.append("table")
    # 三 breaks over a page: two fragments, no heading between them
    assert seq == [
        *HEADINGS[:4],
        "table",
        HEADINGS[4],
        "table",
        "table",
        HEADINGS[5],
        "table",
        *HEADINGS[6:],
    ]


@needs_soffice
def test_paragraphs_are_whole_and_cjk_lines_joined(report: Document) -> None:
    texts = paragraphs(report)
    assert texts[0] == TITLE
    assert texts.count(PARA) == 7  # one under 一, five under （一）, one under 五
    assert "全年共收到政府信息公开申请123件，均在法定期限内答复。" in texts
    assert not any(" " in t for t in texts)


@needs_soffice
def test_page_numbers_and_running_header_are_gone(report: Document) -> None:
    texts = paragraphs(report)
    assert not any(_PAGE_NUMBER.match(t) for t in texts)
    assert not any(re.fullmatch(r"[-\s\d]+", t) for t in texts)
    assert texts.count(TITLE) == 1  # the title stays; its copies in the page header go


@needs_soffice
def test_paragraph_broken_by_a_page_end_is_rejoined(pdfs: dict[str, bytes]) -> None:
    doc = extract_pdf(pdfs["long"])
    assert doc.pages >= 7
    texts = paragraphs(doc)
    assert texts.count(PARA) == 42  # 1 + 40 + 1: none is cut in two at a page end
    assert all(t == PARA or len(t) < 60 for t in texts)
    # and the long table (its header row split by the page end here) still lines up
    frags = t3_fragments(doc)
    assert len(frags) >= 2 and len({f.coords for f in frags}) == 1
    total = row_starting(frags, "（七）总计")
    assert [c.text for c in total[1:]] == TOTAL_ROW
    columns = [x for c in total[1:] for x in (c.x0, c.x1)]
    for frag in frags:
        for row in frag.rows:
            values = [c for c in row if c.text.isdigit()]
            if len(values) == 7:
                assert [x for c in values for x in (c.x0, c.x1)] == pytest.approx(columns, abs=1.5)


# --- borderless tables -----------------------------------------------------------------------


@needs_soffice
def test_borderless_table_from_word_geometry(pdfs: dict[str, bytes]) -> None:
    doc = extract_pdf(pdfs["borderless"])
    texts = paragraphs(doc)
    assert texts.count(PARA) == 4  # prose never turns into a table
    assert HEADINGS[4] in texts and HEADINGS[5] in texts
    frags = t3_fragments(doc)
    assert len(frags) >= 2 and len({f.coords for f in frags}) == 1
    assert all(f.kind == "grid" for f in frags)
    # header words sit above their value columns
    header_words = {c.text: c for f in frags for r in f.rows for c in r}
    first = row_starting(frags, "一、本年新收政府信息公开申请数量")
    assert [c.text for c in first[1:]] == FIRST_ROW
    for word, value in zip(["商业", "科研", "社会", "法律", "其他"], first[2:7], strict=True):
        h = header_words[word]
        assert h.x0 <= value.xc <= h.x1
    # blank cells have no geometry to show; the printed zeros stay in their columns
    blank = row_starting(frags, "二、上年结转政府信息公开申请数量")
    assert [c.text for c in blank[1:]] == ["0", "0", "0", "0"]
    assert blank[1].xc == pytest.approx(first[2].xc, abs=2)
    total = row_starting(frags, "（七）总计")
    assert [c.text for c in total[1:]] == TOTAL_ROW
    assert [round(c.xc) for c in total[1:]] == pytest.approx(
        [round(c.xc) for c in first[1:]], abs=6
    )


@needs_soffice
def test_tables_open_on_the_sides_keep_their_outer_columns(
    report: Document, pdfs: dict[str, bytes]
) -> None:
    """No outer left/right border: the label column and 总计 still form cells."""
    data = open_sides(pdfs["report"])
    assert data != pdfs["report"]
    doc = extract_pdf(data)
    assert doc.text() == report.text()


@needs_soffice
def test_watermark_is_ignored(report: Document, pdfs: dict[str, bytes]) -> None:
    doc = extract_pdf(add_watermark(pdfs["report"]))
    assert doc.text() == report.text()


def _truth_paragraphs(seed: str) -> list[str]:
    import json

    blocks = json.loads((TRUTH / f"{seed}.json").read_text(encoding="utf-8"))["blocks"]
    return [re.sub(r"\s+", "", b["text"]) for b in blocks if b["type"] == "p"]


def _committed(seed: str) -> bytes:
    path = REPORTS / seed / f"{seed}.pdf"
    if not path.exists():
        pytest.skip("committed fixtures not generated")
    return path.read_bytes()


@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
def test_committed_fixture_paragraphs_match_the_truth(seed: str) -> None:
    doc = extract_pdf(_committed(seed))
    got = [re.sub(r"\s+", "", t) for t in paragraphs(doc)]
    assert got == _truth_paragraphs(seed)
    assert doc.warnings == [] and not doc.image_pages
    assert sum(isinstance(b, Table) for b in doc.blocks) >= 3


@pytest.mark.parametrize("seed", ["000", "002", "003", "004"])
def test_committed_fixture_without_rulings_keeps_prose_and_tables_apart(seed: str) -> None:
    """The fixtures' tables, vertically centred cells and all, with every ruling removed: each
    paragraph is still whole, and every table line (values, captions, headers) is in a table."""
    doc = extract_pdf(strip_rulings(_committed(seed)))
    got = [re.sub(r"\s+", "", t) for t in paragraphs(doc)]
    assert got == _truth_paragraphs(seed)
    cells = [c.text for t in tables(doc) for r in t.rows for c in r]
    assert "申请人情况" in cells and "一、本年新收政府信息公开申请数量" in "".join(cells)
    assert all(t.kind == "grid" and t.coords == "pdf:595x842" for t in tables(doc))


# --- pictures, broken and hostile files ------------------------------------------------------


@needs_soffice
def test_table_as_picture_under_its_heading_marks_the_page(pdfs: dict[str, bytes]) -> None:
    doc = extract_pdf(pdfs["picture"])
    assert doc.extraction == "text"
    page = next(b.page for b in doc.blocks if isinstance(b, Paragraph) and b.text == HEADINGS[4])
    assert doc.image_pages and min(doc.image_pages) in (page, page + 1)
    assert not extract_pdf(pdfs["report"]).image_pages


def test_scanned_pdf_is_all_image_pages(tmp_path: Path) -> None:
    from PIL import Image

    buf = io.BytesIO()
    pages = [Image.new("RGB", (1240, 1754), (255, 255, 255)) for _ in range(2)]
    pages[0].save(buf, "PDF", save_all=True, append_images=pages[1:], resolution=150)
    doc = extract_pdf(buf.getvalue())
    assert doc.pages == 2
    assert doc.image_pages == {1, 2}
    assert doc.extraction == "none" and doc.blocks == []
    assert any("image" in w for w in doc.warnings)


@needs_soffice
@pytest.mark.parametrize("which", ["all", "Bold"])
def test_cid_fonts_without_tounicode_are_image_pages(pdfs: dict[str, bytes], which: str) -> None:
    """Fonts without /ToUnicode give (cid:NNN) garbage. All fonts, or only the bold one of
    the headings: either way the pages go to OCR rather than lose text silently."""
    pdf = pikepdf.open(io.BytesIO(pdfs["report"]))
    removed = 0
    for page in pdf.pages:
        for _, font in page.Resources.get("/Font", {}).items():
            if "/ToUnicode" in font and (which == "all" or which in str(font.get("/BaseFont"))):
                del font["/ToUnicode"]
                removed += 1
    assert removed
    out = io.BytesIO()
    pdf.save(out)
    doc = extract_pdf(out.getvalue())
    assert doc.image_pages == {1, 2, 3}
    assert doc.extraction == "none"
    assert "(cid:" not in doc.text()
    assert sum("cid" in w for w in doc.warnings) == 1


@needs_soffice
def test_encrypted_pdf(pdfs: dict[str, bytes], report: Document) -> None:
    src = pikepdf.open(io.BytesIO(pdfs["report"]))
    locked, protected = io.BytesIO(), io.BytesIO()
    src.save(locked, encryption=pikepdf.Encryption(user="secret", owner="owner"))
    src.save(protected, encryption=pikepdf.Encryption(user="", owner="owner"))
    doc = extract_pdf(locked.getvalue())
    assert doc.extraction == "none" and doc.blocks == []
    assert any("password" in w for w in doc.warnings)
    # copy protection only (empty user password) opens as usual
    assert extract_pdf(protected.getvalue()).text() == report.text()


@needs_soffice
@pytest.mark.parametrize("cut", [0.1, 0.5, 0.9, 0.999])
def test_truncated_pdf_gives_none_and_a_warning(pdfs: dict[str, bytes], cut: float) -> None:
    data = pdfs["report"]
    doc = extract_pdf(data[: int(len(data) * cut)])
    assert doc.extraction == "none" and doc.blocks == []
    assert any(w.startswith("unreadable PDF") for w in doc.warnings), doc.warnings


@pytest.mark.parametrize(
    "data", [b"", b"%PDF-1.4\n", b"%PDF-1.7\n1 0 obj\n<<", bytes(range(256)) * 40, b"<html>"]
)
def test_garbage_never_raises(data: bytes) -> None:
    doc = extract_pdf(data)
    assert doc.extraction == "none"
    assert doc.blocks == [] and doc.warnings
    assert doc.media_type == "application/pdf"


def test_zero_page_pdf() -> None:
    out = io.BytesIO()
    pikepdf.new().save(out)
    doc = extract_pdf(out.getvalue())
    assert doc.pages == 0 and doc.extraction == "none" and doc.warnings


# --- limits ----------------------------------------------------------------------------------


@needs_soffice
def test_max_pages_and_deadline(pdfs: dict[str, bytes]) -> None:
    doc = extract_pdf(pdfs["report"], max_pages=1)
    assert doc.pages == 3
    assert {b.page for b in doc.blocks} == {1}
    assert any("only the first 1" in w for w in doc.warnings)
    doc = extract_pdf(pdfs["report"], deadline=time.monotonic() - 1)
    assert doc.blocks == [] and any("deadline" in w for w in doc.warnings)


@needs_soffice
def test_speed(pdfs: dict[str, bytes]) -> None:
    data = pdfs["long"]
    extract_pdf(data)  # warm imports and caches
    started = time.perf_counter()
    doc = extract_pdf(data)
    elapsed = time.perf_counter() - started
    # ~0.02 s a page on a 2-core machine; the bound leaves room for a loaded CI box
    assert elapsed < 0.15 * doc.pages, elapsed


def test_import_is_cheap() -> None:
    code = "import sys, parsers.pdf; print('pdfplumber' in sys.modules, 'pdfminer' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["False", "False"]


# --- pure helpers ----------------------------------------------------------------------------


def test_kangxi_radicals_are_unified_ideographs() -> None:
    assert _fix_char("\u2f00") == "一"  # ⼀ from WPS fonts
    assert _fix_char("（") == "（"  # full-width punctuation stays


def test_join_rules() -> None:
    assert _join(["1", "2", "3"]) == "123"
    assert _join(["本年新", "制作数量"]) == "本年新制作数量"
    assert _join(["共收到申请", "123件"]) == "共收到申请123件"
    assert _join(["Word", "export"]) == "Word export"
    assert _join(["第", "", "  3  "]) == "第3"


@pytest.mark.parametrize(
    "text", ["2", "- 3 -", "—12—", "第 3 页", "第3页 共10页", "3/10", "3 / 10"]
)
def test_page_number_patterns(text: str) -> None:
    assert _PAGE_NUMBER.match(text)


@pytest.mark.parametrize("text", ["2023年", "一、总体情况", "123件", "12 0 1 2", "3.其他"])
def test_not_page_numbers(text: str) -> None:
    assert not _PAGE_NUMBER.match(text)
