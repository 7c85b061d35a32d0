"""OFD (GB/T 33190, China's fixed-layout format) → Document.

An OFD is a zip: ``OFD.xml`` names the document, the document lists its pages, and each page's
``Content.xml`` places ``TextObject``s at positions (millimetres). There is no notion of a
table cell, so table rows are recognised as lines made of several separate text objects, and
the tables are *positional*: value columns come from where the values stand
(``tables.columns._value_columns``), a blank cell being simply absent. A page with no text but a
picture (a scanned page) hands the picture on for OCR (``Document.page_pictures``).
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


def _xml(data: bytes):
    """Parse package XML without entities or network access."""
    from lxml import etree

    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


def _box(obj) -> list[float]:
    return [float(v) for v in (obj.get("Boundary") or "0 0 0 0").split()[:4]]


def _page_texts(page) -> list[_Text]:
    out: list[_Text] = []
    for obj in page.iter():
        if _tag(obj) != "TextObject":
            continue
        box = _box(obj)
        size = float(obj.get("Size") or 3.5)
        for code in obj:
            if _tag(code) != "TextCode" or not (code.text or "").strip():
                continue
            x = box[0] + float(code.get("X") or 0)
            y = box[1] + float(code.get("Y") or 0)
            out.append(_Text(x, y, _width(code.text, size), size, code.text))
    return out


def _page_pictures(page) -> list[tuple[float, str]]:
    """The images placed on a page: (area in mm², resource id)."""
    out = []
    for obj in page.iter():
        if _tag(obj) == "ImageObject" and obj.get("ResourceID"):
            box = _box(obj)
            out.append((box[2] * box[3] if len(box) == 4 else 0.0, obj.get("ResourceID")))
    return out


def _media_files(zf: zipfile.ZipFile, doc_path: str, document: str) -> dict[str, str]:
    """Resource id → path in the package, from the document's resource files."""
    from lxml import etree

    media: dict[str, str] = {}
    for res in re.findall(r"<(?:\w+:)?(?:PublicRes|DocumentRes)>\s*([^<\s]+)\s*</", document):
        res_path = normpath(join(dirname(doc_path), res.lstrip("/")))
        try:
            root = _xml(read_member(zf, res_path))
        except (KeyError, etree.XMLSyntaxError):
            continue
        base = join(dirname(res_path), root.get("BaseLoc") or "")
        for el in root.iter():
            if _tag(el) != "MultiMedia":
                continue
            files = [c.text for c in el if _tag(c) == "MediaFile" and c.text]
            if files and el.get("ID"):
                f = files[0].strip()  # relative to the resource file's BaseLoc, or absolute
                path = f.lstrip("/") if f.startswith("/") else join(base, f)
                media[el.get("ID")] = normpath(path)
    return media


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


def _table_lines(lines: list[list[_Text]]) -> list[bool]:
    """Which lines belong to a table: rows of several cells, and the short lines between two
    such rows (a label wrapped inside its cell: ``5.要求行政机关确认或重`` / ``新出具…信息``)."""
    rows = [_is_row(line) for line in lines]
    out = rows.copy()
    i = 0
    while i < len(lines):
        if rows[i]:
            i += 1
            continue
        j = i
        while j < len(lines) and not rows[j]:
            j += 1
        run = lines[i:j]
        if (
            i > 0
            and j < len(lines)
            and len(run) <= 3
            and all(sum(len(t.text) for t in line) <= 20 for line in run)
        ):
            out[i:j] = [True] * len(run)
        i = j
    return out


def _page_blocks(lines: list[list[_Text]], in_table: list[bool], number: int, coords: str) -> list:
    blocks: list = []
    rows: list[list[Cell]] = []
    right = max((t.x + t.width for line in lines for t in line), default=0)
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

    for line, tabular in zip(lines, in_table, strict=True):
        if tabular:
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
            media: dict[str, str] | None = None
            page_lines: list[tuple[int, list[list[_Text]]]] = []
            for n, loc in enumerate(pages, start=1):
                path = normpath(join(dirname(doc_path), loc.lstrip("/")))
                if path not in names:
                    doc.warnings.append(f"OFD page {n} is missing ({path})")
                    continue
                content = _xml(read_member(zf, path))
                texts = _page_texts(content)
                if texts:
                    page_lines.append((n, _lines(texts)))
                    continue
                # A scanned page: one picture covering it, for OCR.
                pictures = sorted(_page_pictures(content), reverse=True)
                if pictures:
                    media = _media_files(zf, doc_path, document) if media is None else media
                    if pictures[0][1] in media and media[pictures[0][1]] in names:
                        doc.page_pictures[n] = read_member(zf, media[pictures[0][1]])
            # Tables run over page breaks, and so do labels wrapped inside their cells: decide
            # which lines are tabular over the whole document, then cut it back into pages.
            flags = iter(_table_lines([line for _, lines in page_lines for line in lines]))
            for n, lines in page_lines:
                page_flags = [next(flags) for _ in lines]
                doc.blocks.extend(_page_blocks(lines, page_flags, n, coords))
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
    if not doc.blocks and not doc.page_pictures:
        doc.extraction = "none"
        doc.warnings.append("the OFD has neither text nor page images")
    return doc
