"""DOCX → Document, straight from the OOXML.

We read ``word/document.xml`` ourselves instead of through python-docx's object model: it lets
us check the archive before inflating anything (a DOCX is a zip, and a zip can be a bomb), keep
paragraphs and tables in body order, and turn ``w:gridSpan``/``w:vMerge`` into the model's
"merged cell appears once with its full extent" convention. (python-docx repeats a merged
cell's text in every grid cell it covers, which would double every label.)
"""

from __future__ import annotations

import io
import zipfile

from .document import Cell, Document, Paragraph, Table

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_UNCOMPRESSED = 200 * 1024 * 1024  # a real annual report's document.xml is < 5 MB
MAX_RATIO = 200  # deflate tops out near 1:1000; XML compresses ~1:10–1:30


class UnsafeArchive(Exception):
    pass


def check_zip(zf: zipfile.ZipFile, *, member: str) -> None:
    """Refuse members whose declared size or compression ratio is absurd (zip bombs)."""
    info = zf.getinfo(member)
    if info.file_size > MAX_UNCOMPRESSED:
        raise UnsafeArchive(f"{member} would inflate to {info.file_size:,} bytes")
    ratio = info.file_size / info.compress_size if info.compress_size else 0
    if ratio > MAX_RATIO and info.file_size > 10 * 1024 * 1024:
        raise UnsafeArchive(f"{member} has a compression ratio of {ratio:.0f}:1")


def read_member(zf: zipfile.ZipFile, member: str) -> bytes:
    """Read one member without trusting its declared size (headers can lie)."""
    check_zip(zf, member=member)
    out = io.BytesIO()
    with zf.open(member) as fh:
        while chunk := fh.read(1 << 20):
            out.write(chunk)
            if out.tell() > MAX_UNCOMPRESSED:
                raise UnsafeArchive(f"{member} inflates beyond {MAX_UNCOMPRESSED:,} bytes")
    return out.getvalue()


def _para_text(p) -> str:
    parts: list[str] = []
    for el in p.iter():
        tag = el.tag
        if tag == W + "t":
            parts.append(el.text or "")
        elif tag == W + "tab":
            parts.append(" ")
        elif tag in (W + "br", W + "cr"):
            parts.append("\n")
        elif tag == W + "noBreakHyphen":
            parts.append("-")
        elif tag == W + "delText":
            continue
    return "".join(parts)


def _cell_text(tc) -> str:
    lines = [_para_text(p) for p in tc.iter(W + "p")]
    return "\n".join(ln.strip() for ln in lines if ln.strip())


def _int_attr(el, path: str, default: int) -> int:
    found = el.find(path)
    if found is None:
        return default
    try:
        return int(found.get(W + "val", default))
    except ValueError:
        return default


def _table(tbl) -> Table:
    """Expand the grid; a vMerge-continued cell is folded into the cell that started it."""
    rows: list[list[Cell]] = []
    open_cells: dict[int, Cell] = {}  # grid column → cell whose vertical merge is still open
    for tr in tbl.findall(W + "tr"):
        row: list[Cell] = []
        col = _int_attr(tr, f"{W}trPr/{W}gridBefore", 0)
        for tc in tr.findall(W + "tc"):
            span = max(1, _int_attr(tc, f"{W}tcPr/{W}gridSpan", 1))
            vmerge = tc.find(f"{W}tcPr/{W}vMerge")
            text = _cell_text(tc)
            if vmerge is not None and vmerge.get(W + "val", "continue") == "continue":
                started = open_cells.get(col)
                if started is not None and text:
                    started.text = f"{started.text}\n{text}" if started.text else text
            else:
                cell = Cell(text, col, col + span)
                row.append(cell)
                for c in range(col, col + span):
                    open_cells.pop(c, None)
                if vmerge is not None:
                    open_cells[col] = cell
            col += span
        rows.append(row)
    width = max((c.x1 for r in rows for c in r), default=0)
    return Table(rows, kind="grid", coords=f"docx:{width:g}")


def _walk(el, doc: Document) -> None:
    for child in el:
        tag = child.tag
        if tag == W + "p":
            text = _para_text(child).strip()
            if text:
                doc.blocks.extend(Paragraph(t.strip()) for t in text.split("\n") if t.strip())
        elif tag == W + "tbl":
            doc.blocks.append(_table(child))
        elif tag in (W + "sdt", W + "sdtContent", W + "customXml", W + "smartTag"):
            _walk(child, doc)


def extract_docx(data: bytes) -> Document:
    from lxml import etree

    doc = Document(
        media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if "word/document.xml" not in zf.namelist():
                doc.extraction = "none"
                doc.warnings.append("not a Word document: the zip has no word/document.xml")
                return doc
            xml = read_member(zf, "word/document.xml")
            has_media = any(n.startswith("word/media/") for n in zf.namelist())
            core = zf.read("docProps/core.xml") if "docProps/core.xml" in zf.namelist() else b""
    except UnsafeArchive as exc:
        doc.extraction = "none"
        doc.warnings.append(f"refused a suspicious DOCX (zip bomb?): {exc}")
        return doc
    except (zipfile.BadZipFile, OSError, EOFError, KeyError) as exc:
        doc.extraction = "none"
        doc.warnings.append(f"broken DOCX: {exc}")
        return doc

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        doc.extraction = "none"
        doc.warnings.append(f"broken DOCX: document.xml is not well-formed ({exc})")
        return doc
    body = root.find(W + "body")
    if body is not None:
        _walk(body, doc)
    if core:
        try:
            title = etree.fromstring(core, parser).find("{http://purl.org/dc/elements/1.1/}title")
            if title is not None and (title.text or "").strip():
                doc.meta["file_title"] = title.text.strip()
        except etree.XMLSyntaxError:
            pass
    if has_media:
        doc.meta["has_images"] = "1"
    if not doc.blocks:
        doc.extraction = "none"
        doc.warnings.append("the Word document has no text")
    return doc
