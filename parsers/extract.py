"""Bytes → Document: pick the extractor by sniffing, OCR what has no text layer."""

from __future__ import annotations

import os
import time

from .document import Block, Document, Table
from .sniff import sniff

MAX_PDF_PAGES = 200
# The engine that reads PDF pages: "pdfium" (the default, several times faster) or "pdfminer"
# (pdfplumber's); both give the same page objects (tests/test_pdf_engines.py).
PDF_ENGINE_VARIABLE = "NIANBAO_PDF_ENGINE"


def pdf_engine() -> str:
    return os.environ.get(PDF_ENGINE_VARIABLE) or "pdfium"


MAX_OCR_PAGES = 40  # annual reports run 5–30 pages; a 500-page scan is not one


def _merge_by_page(blocks: list[Block], extra: list[Block]) -> list[Block]:
    """Put OCR'd pages back among the text pages, in page order."""
    keyed = []
    page = 0
    for seq, block in enumerate(blocks):
        page = block.page if block.page is not None else page
        keyed.append((page, 0, seq, block))
    for seq, block in enumerate(extra):
        keyed.append((block.page or 0, 1, seq, block))
    return [b for *_, b in sorted(keyed, key=lambda k: k[:3])]


def _capped(pages: list[int], doc: Document) -> list[int]:
    if len(pages) > MAX_OCR_PAGES:
        doc.warnings.append(f"only the first {MAX_OCR_PAGES} of {len(pages)} image pages are OCR'd")
    return pages[:MAX_OCR_PAGES]


def _ocr_pdf(data: bytes, doc: Document, deadline: float | None) -> None:
    from . import ocr

    pages = _capped(sorted(doc.image_pages), doc)
    blocks, warnings = ocr.ocr_pdf_pages(data, pages, deadline=deadline)
    doc.warnings.extend(warnings)
    # A page flagged for a picture of a table still has its text layer: take only the tables
    # OCR finds there, or its paragraphs would appear twice.
    text_pages = {b.page for b in doc.blocks if b.page is not None}
    blocks = [b for b in blocks if b.page not in text_pages or isinstance(b, Table)]
    if not blocks:
        return
    had_text = bool(text_pages) or any(getattr(b, "text", None) for b in doc.blocks)
    doc.blocks = _merge_by_page(doc.blocks, blocks)
    doc.extraction = "mixed" if had_text else "ocr"


def ocr_pictures(doc: Document, deadline: float | None) -> None:
    """OCR the pages that are only a picture, each as its own page, into ``doc``."""
    from . import ocr

    pages = _capped(sorted(doc.page_pictures), doc)
    extra: list[Block] = []
    for number in pages:
        blocks, warnings = ocr.ocr_image_file(doc.page_pictures[number], deadline=deadline)
        doc.warnings.extend(warnings)
        for block in blocks:
            block.page = number
            if isinstance(block, Table):
                for row in block.rows:
                    for cell in row:
                        cell.page = number
        extra.extend(blocks)
    had_text = bool(doc.blocks)
    if extra:
        doc.blocks = _merge_by_page(doc.blocks, extra)
        doc.extraction = "mixed" if had_text else "ocr"
    elif not had_text:
        doc.extraction = "none"
        doc.warnings.append("no text recognised in the page images")


def extract(
    data: bytes, filename: str = "", *, deadline: float | None = None, ocr: bool = True
) -> Document:
    """Never raises for bad input: problems become ``extraction: none`` plus a warning."""
    kind, media_type = sniff(data, filename)
    doc = _extract(data, kind, media_type, deadline=deadline, ocr=ocr)
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    claimed = {"pdf": "pdf", "docx": "docx", "doc": "doc", "wps": "wps", "htm": "html"}
    claimed |= {"html": "html", "shtml": "html", "txt": "text"}
    if (
        ext in claimed
        and claimed[ext] != kind
        and not (ext in ("doc", "wps") and kind in ("doc", "wps", "docx", "rtf"))
    ):
        doc.warnings.insert(
            0,
            f"the file is named .{ext} but its bytes are {kind.upper()}",
        )
    return doc


def _extract(
    data: bytes, kind: str, media_type: str, *, deadline: float | None, ocr: bool
) -> Document:
    if kind == "empty":
        return Document(extraction="none", media_type=media_type, warnings=["the file is empty"])
    if kind == "pdf":
        from .pdf import extract_pdf

        doc = extract_pdf(data, max_pages=MAX_PDF_PAGES, deadline=deadline, engine=pdf_engine())
        if doc.image_pages and ocr and doc.warnings[-1:] != ["encrypted"]:
            _ocr_pdf(data, doc, deadline)
        elif doc.image_pages and not ocr:
            doc.warnings.append(f"{len(doc.image_pages)} page(s) have no text layer; OCR is off")
        return doc
    if kind == "docx":
        from .docx import extract_docx

        return extract_docx(data)
    if kind in ("doc", "wps", "rtf"):
        from .office import extract_office

        remaining = None if deadline is None else max(5.0, deadline - time.monotonic())
        return extract_office(data, kind, media_type, timeout=min(90.0, remaining or 90.0))
    if kind == "ofd":
        from .ofd import extract_ofd

        doc = extract_ofd(data)
        if doc.page_pictures and ocr:
            ocr_pictures(doc, deadline)
        elif doc.page_pictures:
            doc.warnings.append(f"{len(doc.page_pictures)} page(s) are images; OCR is off")
            if not doc.blocks:
                doc.extraction = "none"
        return doc
    if kind == "html":
        from .html import extract_html

        return extract_html(data)
    if kind == "text":
        from .text import extract_text

        return extract_text(data)
    if kind == "image":
        if not ocr:
            return Document(
                extraction="none", media_type=media_type, warnings=["image; OCR is off"]
            )
        from . import ocr as ocr_mod

        blocks, warnings = ocr_mod.ocr_image_file(data, deadline=deadline)
        return Document(
            blocks=blocks,
            extraction="ocr" if blocks else "none",
            media_type=media_type,
            warnings=warnings or ([] if blocks else ["no text recognised in the image"]),
        )
    if kind in ("xlsx", "xls"):
        return _spreadsheet(data, kind, media_type)
    what = {
        "zip": "a zip archive (its documents are read one by one: parsers.bundle)",
    }.get(kind, "not a document format nianbao reads")
    return Document(extraction="none", media_type=media_type, warnings=[f"the file is {what}"])


def _spreadsheet(data: bytes, kind: str, media_type: str) -> Document:
    from .container import check_zip
    from .spreadsheet import extract_spreadsheet

    unsafe = check_zip(data) if kind == "xlsx" else None
    if unsafe:  # openpyxl inflates the parts itself: bound them first
        return Document(
            extraction="none", media_type=media_type, warnings=[f"the workbook is unsafe: {unsafe}"]
        )
    return extract_spreadsheet(data, kind, media_type)
