"""parsers.ocr on synthetic report pages drawn with Pillow (no LibreOffice, no network).

The OCR engine is loaded once for the module; each full-page OCR takes ~1 s on 2 cores.
"""

from __future__ import annotations

import io
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from parsers import ocr
from parsers.document import Cell, Paragraph, Table
from parsers.ocr.boxes import _Box
from parsers.ocr.engine import _cut_long_line
from parsers.ocr.grid import _find_grids, _Grid, _rule_masks
from parsers.ocr.image import _skew_angle
from parsers.ocr.layout import _table

FONT_PATH = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
FONT_SC = 2  # face index of "Noto Sans CJK SC" in the collection
PAGE = (1654, 2339)  # A4 at 200 dpi
TOL = 8  # px: drawn rule vs rebuilt grid line (rotation, deskew and line thickness)

pytestmark = [
    pytest.mark.ocr,
    pytest.mark.skipif(not FONT_PATH.exists(), reason="Noto Sans CJK is not installed"),
]

HEADING = "某县人民政府2023年政府信息公开工作年度报告"
# Column boundaries: 3 label columns + 7 value columns.
XS = [120, 290, 440, 590, 720, 850, 980, 1110, 1240, 1370, 1500]
YS = [400, 450, 500, 580, 640, 700, 760, 870, 950, 1060, 1120]
VALUES = [
    [23, 4, 0, 0, 1, 0, 28],
    [5, 0, 0, 0, 0, 0, 5],
    [12, 1350, 8, 0, 0, 2, 1372],
    [7, 0, 0, 1, 0, 0, 8],
    [0, 0, 0, 0, 0, 0, 0],
    [2, 0, 6, 0, 0, 0, 8],
    [9, 3, 0, 0, 120, 0, 132],
]
COL_LABELS = ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
# (row0, col0, row1, col1, text): merged cells are drawn as one rectangle
CELLS: list[tuple[int, int, int, int, str]] = [
    (0, 0, 2, 2, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"),
    (0, 3, 0, 9, "申请人情况"),
    (1, 3, 2, 3, "自然人"),
    (1, 4, 1, 8, "法人或其他组织"),
    (1, 9, 2, 9, "总计"),
    *[(2, 4 + i, 2, 4 + i, label) for i, label in enumerate(COL_LABELS)],
    (3, 0, 3, 2, "一、本年新收政府信息公开申请数量"),
    (4, 0, 4, 2, "二、上年结转政府信息公开申请数量"),
    (5, 0, 8, 0, "三、本年度办理结果"),
    (5, 1, 5, 2, "（一）予以公开"),
    (6, 1, 6, 2, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    (7, 1, 8, 1, "（三）不予公开"),
    (7, 2, 7, 2, "1.属于国家秘密"),
    (8, 2, 8, 2, "2.其他法律行政法规禁止公开"),
    (9, 0, 9, 2, "四、结转下年度继续办理"),
    *[
        (3 + r, 3 + c, 3 + r, 3 + c, str(v))
        for r, row in enumerate(VALUES)
        for c, v in enumerate(row)
    ],
]


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_PATH), size, index=FONT_SC)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    lines, line = [], ""
    for ch in text:
        if line and font.getlength(line + ch) > width:
            lines.append(line)
            line = ""
        line += ch
    return [*lines, line] if line else lines


def _paragraph(draw: ImageDraw.ImageDraw, text: str, x: int, y: int, size: int, width: int) -> int:
    font = _font(size)
    for line in _wrap(text, font, width):
        draw.text((x, y), line, font=font, fill=0)
        y += int(size * 1.6)
    return y


def _degrade(im: Image.Image, angle: float, noise: float) -> Image.Image:
    im = im.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    im = im.filter(ImageFilter.GaussianBlur(0.6))
    arr = np.asarray(im, np.float32) + np.random.default_rng(7).normal(0, noise, im.size[::-1])
    return Image.fromarray(arr.clip(0, 255).astype(np.uint8))


def report_page() -> Image.Image:
    """A heading, a sentence and the section-三 table (10 columns, every merge pattern)."""
    im = Image.new("L", PAGE, 255)
    draw = ImageDraw.Draw(im)
    _paragraph(draw, HEADING, 120, 160, 44, 1400)
    _paragraph(draw, "三、收到和处理政府信息公开申请情况", 120, 290, 30, 1400)
    font = _font(24)
    for r0, c0, r1, c1, text in CELLS:
        x0, y0, x1, y1 = XS[c0], YS[r0], XS[c1 + 1], YS[r1 + 1]
        draw.rectangle((x0, y0, x1, y1), outline=0, width=2)
        y = y0 + 8
        for line in _wrap(text, font, x1 - x0 - 16):
            draw.text((x0 + 8, y), line, font=font, fill=0)
            y += 30
    return im


def text_page() -> Image.Image:
    im = Image.new("L", PAGE, 255)
    draw = ImageDraw.Draw(im)
    y = _paragraph(draw, "五、存在的主要问题及改进情况", 120, 200, 30, 1400)
    body = (
        "本年度政府信息公开工作取得了一定成效，但也存在一些不足，主要是政策解读的形式还不够丰富，"
        "公开内容的时效性有待提高。下一步将进一步加强培训，提升政府信息公开工作水平。"
    )
    _paragraph(draw, "　　" + body, 120, y + 30, 30, 1400)
    return im


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(" ", "")


def find_cell(row: list[Cell], c0: int, c1: int) -> Cell | None:
    return next(
        (c for c in row if abs(c.x0 - XS[c0]) <= TOL and abs(c.x1 - XS[c1 + 1]) <= TOL), None
    )


@pytest.fixture(scope="module")
def engine() -> object:
    ocr.warm_up()  # both models loaded once for the module
    return ocr.ocr_engine()


@pytest.fixture(scope="module")
def straight(engine: object) -> list:
    return ocr.ocr_image(report_page(), page=3)


@pytest.fixture(scope="module")
def skewed(engine: object) -> list:
    return ocr.ocr_image(_degrade(report_page(), 0.5, 12), page=4)


def check_table(blocks: list, page: int) -> Table:
    tables = [b for b in blocks if isinstance(b, Table)]
    assert len(tables) == 1
    table = tables[0]
    assert table.kind == "grid" and table.page == page
    assert table.coords == f"px:{PAGE[0]}x{PAGE[1]}"
    assert len(table.rows) == len(YS) - 1
    # Every drawn cell appears exactly once, in the row where it starts, with its full extent.
    assert sum(len(row) for row in table.rows) == len(CELLS)
    for r0, c0, r1, c1, _ in CELLS:
        cell = find_cell(table.rows[r0], c0, c1)
        assert cell is not None, (r0, c0, r1, c1)
        assert cell.page == page and cell.bbox is not None
        assert abs(cell.bbox[1] - YS[r0]) <= TOL and abs(cell.bbox[3] - YS[r1 + 1]) <= TOL
    # Every number in its row and column.
    for r, row in enumerate(VALUES):
        for c, value in enumerate(row):
            cell = find_cell(table.rows[3 + r], 3 + c, 3 + c)
            assert cell is not None and cell.text == str(value), (r, c, cell)
    # Labels are readable (NFKC; the parser normalises further).
    labels = {nfkc(c.text) for row in table.rows for c in row}
    for _, c0, _, _, text in CELLS:
        if c0 < 3 or not text.isdigit():
            assert nfkc(text) in labels, text
    return table


def test_straight_page(straight: list) -> None:
    table = check_table(straight, 3)
    paragraphs = [b for b in straight if isinstance(b, Paragraph)]
    assert nfkc(paragraphs[0].text) == nfkc(HEADING)
    assert straight[0] is paragraphs[0]  # reading order: heading, section title, table
    assert straight.index(table) == 2
    assert "收到和处理政府信息公开申请情况" in paragraphs[1].text
    # The merged label of rows 5–8 is one cell, in row 5 only.
    merged = [c for row in table.rows for c in row if nfkc(c.text) == "三、本年度办理结果"]
    assert len(merged) == 1 and merged[0] in table.rows[5]


def test_rotated_noisy_page(skewed: list) -> None:
    check_table(skewed, 4)
    assert nfkc(skewed[0].text) == nfkc(HEADING)


def test_page_without_tables_via_pdf(engine: object) -> None:
    buf = io.BytesIO()
    text_page().save(buf, "PDF", resolution=200)
    blocks, warnings = ocr.ocr_pdf_pages(buf.getvalue(), [1, 2])
    assert warnings == ["OCR: page 2 does not exist (1 pages)"]
    assert blocks and all(isinstance(b, Paragraph) and b.page == 1 for b in blocks)
    assert nfkc(blocks[0].text) == nfkc("五、存在的主要问题及改进情况")  # heading stays alone
    body = "".join(b.text for b in blocks[1:])
    assert "政府信息公开" in body and "下一步将进一步加强培训" in body


def test_deadline_stops_cleanly() -> None:
    buf = io.BytesIO()
    Image.new("L", (200, 200), 255).save(buf, "PDF", resolution=200)
    blocks, warnings = ocr.ocr_pdf_pages(buf.getvalue(), [1], deadline=time.monotonic() - 1)
    assert blocks == [] and len(warnings) == 1 and "deadline" in warnings[0]
    blocks, warnings = ocr.ocr_image_file(b"not an image")
    assert blocks == [] and warnings and "cannot read" in warnings[0]


def test_multi_frame_tiff(engine: object) -> None:
    frames = []
    for text in ("第一页", "第二页"):
        im = Image.new("L", (600, 160), 255)
        ImageDraw.Draw(im).text((40, 50), text, font=_font(48), fill=0)
        frames.append(im)
    buf = io.BytesIO()
    frames[0].save(buf, "TIFF", save_all=True, append_images=frames[1:])
    blocks, warnings = ocr.ocr_image_file(buf.getvalue())
    assert warnings == []
    assert [(b.page, b.text) for b in blocks] == [(1, "第一页"), (2, "第二页")]


def test_grid_rebuild_without_ocr() -> None:
    """Structure only: merges from missing rule segments, no spurious lines from text."""
    gray = np.asarray(report_page())
    bw, h_mask, v_mask, unit = _rule_masks(gray)
    grids = _find_grids(bw, h_mask, v_mask, unit)
    assert len(grids) == 1
    grid = grids[0]
    assert all(abs(a - b) <= 2 for a, b in zip(grid.xs, XS, strict=True))
    assert all(abs(a - b) <= 2 for a, b in zip(grid.ys, YS, strict=True))
    groups = grid.groups
    assert len({groups[r][c] for r in range(3) for c in range(3)}) == 1  # 3×3 corner
    assert len({groups[r][0] for r in range(5, 9)}) == 1  # 三、本年度办理结果
    assert groups[7][1] == groups[8][1] != groups[7][2] != groups[8][2]


def test_grid_open_sides_and_touching_heading() -> None:
    """No outer side borders: the row rules close the grid. A heading and an underline that
    touch the table add neither a row nor columns."""
    im = report_page()
    draw = ImageDraw.Draw(im)
    for x in (XS[0], XS[-1]):
        draw.rectangle((x - 4, YS[0] - 2, x + 4, YS[-1] + 2), fill=255)
    draw.rectangle((100, 300, 1600, YS[0] - 4), fill=255)
    draw.text((120, 335), "一、二十一二三 收到和处理", font=_font(56), fill=0)
    draw.line((120, YS[0] - 3, 700, YS[0] - 3), fill=0, width=3)
    bw, h_mask, v_mask, unit = _rule_masks(np.asarray(im))
    grids = _find_grids(bw, h_mask, v_mask, unit)
    assert len(grids) == 1
    assert len(grids[0].xs) == len(XS) and len(grids[0].ys) == len(YS)
    assert all(abs(a - b) <= TOL for a, b in zip(grids[0].xs, XS, strict=True))
    assert all(abs(a - b) <= 2 for a, b in zip(grids[0].ys, YS, strict=True))


def test_deskew_angle() -> None:
    gray = np.asarray(_degrade(report_page(), -0.5, 0))
    angle = _skew_angle(gray)
    assert angle is not None and abs(angle - 0.5) < 0.05  # y points down: CW in the image


def test_long_lines_are_cut_between_characters() -> None:
    im = Image.new("L", (1500, 40), 255)
    ImageDraw.Draw(im).text((4, 2), "政府信息公开工作年度报告" * 5, font=_font(28), fill=0)
    line = np.asarray(im)
    pieces = _cut_long_line(line)
    assert len(pieces) > 1 and sum(p.shape[1] for p, _ in pieces) == line.shape[1]
    assert all(p.shape[1] <= ocr.MAX_REC_RATIO * 40 for p, _ in pieces)
    for piece, _ in pieces[1:]:  # every cut runs through blank paper
        assert piece[:, 0].min() > 128


def test_cell_text_joins_wrapped_lines() -> None:
    grid = _Grid(xs=[0, 40, 300], ys=[0, 100], groups=[[0, 1]])
    grid.boxes = {
        0: [_Box(5, 50, 15, 70, "2"), _Box(5, 10, 15, 30, "1")],
        1: [
            _Box(150, 10, 290, 30, "政府信息"),
            _Box(45, 12, 140, 31, "本机关不掌握相关"),
            _Box(45, 50, 90, 70, "信息"),
        ],
    }
    table = _table(grid, 300, 100, 1)
    assert [c.text for c in table.rows[0]] == ["12", "本机关不掌握相关政府信息信息"]
    assert (table.rows[0][0].x0, table.rows[0][0].x1) == (0.0, 40.0)


def test_import_is_cheap_and_params_keep_bundled_models() -> None:
    code = "import sys, parsers.ocr; print(any(m in sys.modules for m in ('cv2', 'rapidocr')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    # Changing these makes rapidocr download models at run time.
    forbidden = ("model_type", "ocr_version", "lang_type", "model_path", "engine_type")
    for params in (ocr.OCR_PARAMS, ocr.DET_PARAMS, ocr.REC_PARAMS):
        assert not any(key.endswith(forbidden) for key in params)


FORKED_AFTER_OCR = """
from parsers.guard import Aborted, run_isolated
from parsers.ocr import engine

def read_in_child():
    engine.warm_up()  # the child builds its own engines: the parent's must not be torn down
    return len(engine._INHERITED)

engine.warm_up()  # the parent has OCR'd: its onnxruntime thread pools are idle, waiting
try:
    print(run_isolated(read_in_child, timeout=60))
except Aborted as exc:
    print("aborted:", exc)
"""


def test_a_child_forked_after_ocr_reads_instead_of_hanging() -> None:
    # A crawl, a reparse or a test that OCR'd in-process and then forks a parse child: the child
    # used to hang until its deadline (the parse recorded as failed, the report lost).
    out = subprocess.run(
        [sys.executable, "-c", FORKED_AFTER_OCR], capture_output=True, text=True, timeout=180
    )
    assert out.stdout.strip() == "1", out.stdout + out.stderr[-2000:]
