"""OFD (GB/T 33190, China's fixed-layout format) → Document.

An OFD is a zip: ``OFD.xml`` names the document, the document lists its pages, and each page's
``Content.xml`` places ``TextObject``s at positions (millimetres). There is no notion of a
table cell, so table rows are recognised as lines made of several separate text objects, and
the tables are *positional*: value columns come from where the values stand
(``tables._value_columns``), a blank cell being simply absent.
"""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from dataclasses import dataclass
from posixpath import dirname, join, normpath

from .document import Cell, Document, Paragraph, Table
from .docx import UnsafeArchive, read_member

_NS = re.compile(r"^\{[^}]*\}")
_ORDINAL_START = re.compile(
    r"^\s*([一二三四五六七八九十]+[、.]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.])"
)


@dataclass
class _Text:
    x: float
    y: float
    width: float
    size: float
    text: str


def _tag(el) -> str:
    return _NS.sub("", el.tag)


def _width(text: str, size: float) -> float:
    return sum(size if ord(ch) > 0x2E7F else 0.55 * size for ch in text)


def _page_texts(xml: bytes) -> list[_Text]:
    from lxml import etree

    root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))
    out: list[_Text] = []
    for obj in root.iter():
        if _tag(obj) != "TextObject":
            continue
        box = [float(v) for v in (obj.get("Boundary") or "0 0 0 0").split()[:4]]
        size = float(obj.get("Size") or 3.5)
        for code in obj:
            if _tag(code) != "TextCode" or not (code.text or "").strip():
                continue
            x = box[0] + float(code.get("X") or 0)
            y = box[1] + float(code.get("Y") or 0)
            out.append(_Text(x, y, _width(code.text, size), size, code.text))
    return out


def _lines(texts: list[_Text]) -> list[list[_Text]]:
    lines: list[list[_Text]] = []
    for t in sorted(texts, key=lambda t: (t.y, t.x)):
        if lines and abs(lines[-1][0].y - t.y) <= 0.5 * t.size:
            lines[-1].append(t)
        else:
            lines.append([t])
    return [sorted(line, key=lambda t: t.x) for line in lines]


def _is_row(line: list[_Text]) -> bool:
    """Several text objects apart from each other: table cells, not a line of prose."""
    if len(line) < 2:
        return False
    return any(b.x - (a.x + a.width) > 0.8 * a.size for a, b in itertools.pairwise(line))


def _page_blocks(texts: list[_Text], number: int, coords: str) -> list:
    blocks: list = []
    rows: list[list[Cell]] = []
    right = max((t.x + t.width for t in texts), default=0)
    para: list[str] = []
    last_right = 0.0

    def flush_para() -> None:
        if para:
            blocks.append(Paragraph("".join(para).strip(), number))
            para.clear()

    def flush_rows() -> None:
        if rows:
            blocks.append(
                Table(rows.copy(), kind="grid", coords=coords, page=number, positional=True)
            )
            rows.clear()

    for line in _lines(texts):
        if _is_row(line):
            flush_para()
            rows.append([Cell(t.text.strip(), t.x, t.x + t.width, number) for t in line])
            continue
        flush_rows()
        text = "".join(t.text for t in line)
        starts_new = _ORDINAL_START.match(text) or last_right < right - 2 * line[0].size
        if para and starts_new:
            flush_para()
        para.append(text)
        last_right = line[-1].x + line[-1].width
    flush_para()
    flush_rows()
    return blocks


def extract_ofd(data: bytes) -> Document:
    doc = Document(media_type="application/ofd")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            entry = read_member(zf, "OFD.xml").decode("utf-8", "replace")
            m = re.search(r"<(?:\w+:)?DocRoot>\s*([^<\s]+)\s*</", entry)
            doc_path = normpath(m.group(1).lstrip("/")) if m else "Doc_0/Document.xml"
            document = read_member(zf, doc_path).decode("utf-8", "replace")
            box = re.search(r"<(?:\w+:)?PhysicalBox>\s*([\d.\s]+)</", document)
            w, h = box.group(1).split()[2:4] if box else ("210", "297")
            coords = f"ofd:{float(w):g}x{float(h):g}"
            pages = re.findall(r"<(?:\w+:)?Page\b[^>]*BaseLoc=\"([^\"]+)\"", document)
            doc.pages = len(pages)
            for n, loc in enumerate(pages, start=1):
                path = normpath(join(dirname(doc_path), loc.lstrip("/")))
                if path not in names:
                    doc.warnings.append(f"OFD page {n} is missing ({path})")
                    continue
                doc.blocks.extend(_page_blocks(_page_texts(read_member(zf, path)), n, coords))
    except UnsafeArchive as exc:
        return Document(
            extraction="none",
            media_type=doc.media_type,
            warnings=[f"refused a suspicious OFD (zip bomb?): {exc}"],
        )
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        return Document(
            extraction="none", media_type=doc.media_type, warnings=[f"broken OFD: {exc}"]
        )
    except Exception as exc:
        return Document(
            extraction="none", media_type=doc.media_type, warnings=[f"unreadable OFD: {exc}"]
        )
    if not doc.blocks:
        doc.extraction = "none"
        doc.warnings.append("the OFD has no text (image-only pages are not OCR'd yet)")
    return doc
