"""Cheap report documents for the variant farm: DOCX written as raw OOXML, and a small PDF with
ruled tables in a standard (not embedded) CJK font.

The sample farm's documents come from python-docx and LibreOffice (``farm/documents/``,
seconds per file) and are committed. A variant farm has up to one portal per county and builds
documents on first request, so they must cost milliseconds: here the same report truth (the
blocks and grids of ``farm/documents/``) is written straight to ``word/document.xml`` or to a
PDF content stream. Every byte string depends on the report's truth (agency, year, numbers), so
no two reports share a document (the archive dedups by sha256).
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

from ..documents import TableStyle, grids_for

FIXED = (2024, 1, 1, 0, 0, 0)
CT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
    'package.core-properties+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
    'metadata/core-properties" Target="docProps/core.xml"/></Relationships>'
)
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _run(text: str, bold: bool = False, size: int = 32) -> str:
    b = "<w:b/>" if bold else ""
    rpr = f'<w:rPr><w:rFonts w:eastAsia="仿宋_GB2312"/>{b}<w:sz w:val="{size}"/></w:rPr>'
    parts = text.split("\n")
    inner = "<w:br/>".join(f'<w:t xml:space="preserve">{escape(p)}</w:t>' for p in parts)
    return f"<w:r>{rpr}{inner}</w:r>"


def _para(block: dict) -> str:
    role = block.get("role", "body")
    jc = {"title": "center", "signature": "right", "date": "right"}.get(role)
    ppr = f'<w:pPr><w:jc w:val="{jc}"/></w:pPr>' if jc else ""
    bold = role in ("title", "heading")
    return f"<w:p>{ppr}{_run(block['text'], bold, 44 if role == 'title' else 32)}</w:p>"


def _table(grid) -> str:
    n_rows, widths, cells = grid
    total = sum(widths)
    cols = [int(9000 * w / total) for w in widths]
    rows: dict[int, list[tuple[int, int, str | None, bool]]] = {r: [] for r in range(n_rows)}
    for r0, c0, r1, c1, text, _kind in cells:
        rows[r0].append((c0, c1, text, r1 > r0))
        for r in range(r0 + 1, r1 + 1):
            rows[r].append((c0, c1, None, False))
    out = [
        '<w:tbl><w:tblPr><w:tblW w:w="9000" w:type="dxa"/><w:tblBorders>'
        + "".join(
            f'<w:{s} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
            for s in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        + "</w:tblBorders></w:tblPr><w:tblGrid>"
        + "".join(f'<w:gridCol w:w="{c}"/>' for c in cols)
        + "</w:tblGrid>"
    ]
    for r in range(n_rows):
        out.append("<w:tr>")
        for c0, c1, text, restart in sorted(rows[r]):
            span = f'<w:gridSpan w:val="{c1 - c0 + 1}"/>' if c1 > c0 else ""
            if text is None:
                merge = "<w:vMerge/>"
            else:
                merge = '<w:vMerge w:val="restart"/>' if restart else ""
            width = sum(cols[c0 : c1 + 1])
            body = _run(text or "", size=18) if text else ""
            out.append(
                f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{span}{merge}</w:tcPr>'
                f"<w:p>{body}</w:p></w:tc>"
            )
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def build_docx(truth: dict, style: TableStyle) -> bytes:
    body = []
    for block in truth["blocks"]:
        if block["type"] == "p":
            body.append(_para(block))
        else:
            body.append(_table(grids_for(truth, block["key"], style)))
            body.append("<w:p/>")
    doc = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W_NS}><w:body>'
        + "".join(body)
        + '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>'
    )
    stamp = f"{truth.get('report_date') or '2024-01-20'}T09:00:00Z"
    core = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties '
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>Administrator'
        '</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">'
        f"{stamp}</dcterms:created></cp:coreProperties>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in (
            ("[Content_Types].xml", CT),
            ("_rels/.rels", RELS),
            ("docProps/core.xml", core),
            ("word/document.xml", doc),
        ):
            info = zipfile.ZipInfo(name, date_time=FIXED)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return buf.getvalue()


# --------------------------------------------------------------------------------------
# PDF: STSong-Light (Adobe-GB1, UniGB-UCS2-H), ruled tables, A4
# --------------------------------------------------------------------------------------

PAGE_W, PAGE_H, MARGIN = 595.0, 842.0, 56.0
BODY_PT, TABLE_PT = 10.5, 6.5


def _w(ch: str) -> float:
    return 0.5 if ord(ch) < 128 else 1.0


def _wrap(text: str, width: float, size: float) -> list[str]:
    lines, cur, cur_w = [], "", 0.0
    for ch in text:
        if ch == "\n":
            lines.append(cur)
            cur, cur_w = "", 0.0
            continue
        w = _w(ch) * size
        if cur_w + w > width and cur:
            lines.append(cur)
            cur, cur_w = "", 0.0
        cur += ch
        cur_w += w
    lines.append(cur)
    return lines


def _hex(text: str) -> str:
    return "<" + text.encode("utf-16-be").hex().upper() + ">"


class _Pages:
    def __init__(self) -> None:
        self.pages: list[list[str]] = [[]]
        self.y = PAGE_H - MARGIN

    def need(self, h: float) -> None:
        if self.y - h < MARGIN:
            self.pages.append([])
            self.y = PAGE_H - MARGIN

    def text(self, x: float, y: float, size: float, s: str) -> None:
        self.pages[-1].append(f"BT /F1 {size} Tf {x:.1f} {y:.1f} Td {_hex(s)} Tj ET")

    def rect(self, x: float, y: float, w: float, h: float) -> None:
        self.pages[-1].append(f"{x:.1f} {y:.1f} {w:.1f} {h:.1f} re S")


def _pdf_para(pg: _Pages, block: dict) -> None:
    role = block.get("role", "body")
    size = 15.0 if role == "title" else BODY_PT
    width = PAGE_W - 2 * MARGIN
    indent = 0 if role in ("title", "signature", "date") else 2 * size
    lines = _wrap(block["text"], width - indent, size)
    for i, line in enumerate(lines):
        pg.need(size * 1.6)
        pg.y -= size * 1.6
        lw = sum(_w(c) for c in line) * size
        if role == "title":
            x = (PAGE_W - lw) / 2
        elif role in ("signature", "date"):
            x = PAGE_W - MARGIN - lw
        else:
            x = MARGIN + (indent if i == 0 else 0)
        pg.text(x, pg.y, size, line)


def _pdf_table(pg: _Pages, grid) -> None:
    n_rows, widths, cells = grid
    width = PAGE_W - 2 * MARGIN
    total = sum(widths)
    xs = [MARGIN]
    for w in widths:
        xs.append(xs[-1] + width * w / total)
    lh = TABLE_PT * 1.3
    heights = [lh + 4] * n_rows
    wrapped = {}
    for cell in cells:
        r0, c0, r1, c1, text, _ = cell
        lines = _wrap(text or "", xs[c1 + 1] - xs[c0] - 3, TABLE_PT)
        wrapped[cell] = lines
        need = len(lines) * lh + 4
        if r0 == r1:
            heights[r0] = max(heights[r0], need)
    pg.need(sum(heights) + 6)
    tops = [pg.y]
    for h in heights:
        tops.append(tops[-1] - h)
    for cell, lines in wrapped.items():
        r0, c0, r1, c1, _text, _ = cell
        x0, x1, y0, y1 = xs[c0], xs[c1 + 1], tops[r1 + 1], tops[r0]
        pg.rect(x0, y0, x1 - x0, y1 - y0)
        for i, line in enumerate(lines):
            pg.text(x0 + 1.5, y1 - 2 - (i + 1) * lh + 2, TABLE_PT, line)
    pg.y = tops[-1] - 6


def build_pdf(truth: dict, style: TableStyle) -> bytes:
    pg = _Pages()
    for block in truth["blocks"]:
        if block["type"] == "p":
            _pdf_para(pg, block)
        else:
            _pdf_table(pg, grids_for(truth, block["key"], style))
    objs: list[bytes] = []
    n_pages = len(pg.pages)
    # 1 catalog, 2 pages, 3 font, 4 descendant, 5 descriptor, 6 info, then page/content pairs
    kids = " ".join(f"{7 + 2 * i} 0 R" for i in range(n_pages))
    objs.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objs.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    objs.append(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        b"/DescendantFonts [4 0 R] >>"
    )
    objs.append(
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo "
        b"<< /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 5 0 R "
        b"/DW 1000 /W [1 95 500] >>"
    )
    objs.append(
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880]"
        b" /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>"
    )
    stamp = (truth.get("report_date") or "2024-01-20").replace("-", "")
    title = truth.get("title", "")
    objs.append(f"<< /Title {_hex(title)} /CreationDate (D:{stamp}090000+08'00') >>".encode())
    for i, ops in enumerate(pg.pages):
        stream = ("0.5 w\n" + "\n".join(ops)).encode()
        objs.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W:.0f} {PAGE_H:.0f}] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {8 + 2 * i} 0 R >>".encode()
        )
        objs.append(f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R /Info 6 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()
