"""Open the PDF, read its pages within the deadline and page cap, and report what failed.

The entry point ``extract_pdf``; it never raises: unreadable, truncated or encrypted files give
``extraction="none"`` and a warning.
"""

from __future__ import annotations

import contextlib
import io
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from ..document import Document
from .assemble import _assemble
from .page import _PageOut, _read_page


def _pdf_date(value: str) -> str:
    """PDF date ``D:20240115093000+08'00'`` → ``2024-01-15T09:30:00``."""
    m = re.match(r"^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?", value.strip())
    if not m:
        return value.strip()
    y, mo, d, h, mi, s = m.groups()
    out = y + (f"-{mo}" if mo else "") + (f"-{d}" if mo and d else "")
    if h and d:
        out += f"T{h}:{mi or '00'}:{s or '00'}"
    return out


def _meta(doc: Document, info: dict[str, Any]) -> None:
    for key, name in (
        ("Title", "title"),
        ("Author", "author"),
        ("Creator", "creator"),
        ("Producer", "producer"),
    ):
        v = info.get(key)
        if isinstance(v, str) and v.strip():
            doc.meta[name] = v.strip()
    for key, name in (("CreationDate", "created"), ("ModDate", "modified")):
        v = info.get(key)
        if isinstance(v, str) and v.strip():
            doc.meta[name] = _pdf_date(v)


def _open_error(exc: BaseException) -> str:
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
    name = type(inner).__name__
    if "Password" in name:
        return f"encrypted PDF: a password is required ({name})"
    if "Encryption" in name:
        return f"encrypted PDF: unsupported encryption ({name}: {str(inner)[:100]})"
    detail = str(inner).strip()
    return f"unreadable PDF: {name}" + (f": {detail[:200]}" if detail else "")


def extract_pdf(
    data: bytes, *, max_pages: int = 200, deadline: float | None = None, engine: str = "pdfium"
) -> Document:
    """Paragraphs and tables of a PDF's text layer, in reading order. Never raises.

    ``deadline`` is a ``time.monotonic()`` value; past it the remaining pages are skipped with a
    warning. Only the first ``max_pages`` pages are read. ``engine``: ``"pdfium"`` reads the
    pages through PDFium (several times faster), ``"pdfminer"`` through pdfplumber's pdfminer;
    both give the same page objects (tests/test_pdf_engines.py). A file PDFium cannot open, or
    whose pages are rotated or offset, is read by pdfminer.
    """
    if engine == "pdfium":
        with _PDFIUM_LOCK:  # PDFium is not thread-safe
            doc = _extract_pdfium(data, max_pages, deadline)
        if doc is not None:
            return doc
    return _extract_pdfminer(data, max_pages, deadline)


_PDFIUM_LOCK = threading.Lock()


class _PageBox:
    """What ``_read_page`` needs of a page besides its objects."""

    def __init__(self, width: float, height: float) -> None:
        self.width, self.height = width, height
        self.bbox = (0.0, 0.0, width, height)


def _extract_pdfium(data: bytes, max_pages: int, deadline: float | None) -> Document | None:
    """The pages read through PDFium, or None when pdfminer should read this file instead."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as R

    from .pdfium_objects import page_objects

    doc = Document(media_type="application/pdf")
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) in (R.FPDF_ERR_PASSWORD, R.FPDF_ERR_SECURITY):
            doc.extraction = "none"
            doc.warnings.append(
                "encrypted PDF: a password is required (PDFium)"
                if exc.err_code == R.FPDF_ERR_PASSWORD
                else "encrypted PDF: unsupported encryption (PDFium)"
            )
            return doc
        return None  # pdfminer says what is wrong with it, in its words
    pages = _Pages()

    def read(index: int, number: int) -> _PageOut:
        page = pdf[index]
        textpage = None
        try:
            box = page.get_mediabox()
            if page.get_rotation() or box[0] or box[1]:
                raise _UsePdfminer  # pdfplumber's coordinates of such pages are its own
            width, height = page.get_size()
            textpage = page.get_textpage()
            objs = page_objects(page.raw, textpage.raw, float(box[3]))
            return pages.read(_PageBox(width, height), number, doc.warnings, objs)
        finally:
            if textpage is not None:
                textpage.close()
            page.close()

    try:
        doc.pages = len(pdf)
        _meta(doc, pdf.get_metadata_dict(skip_empty=True))
        _read_pages(doc, max_pages, deadline, read, pages)
    except _UsePdfminer:
        return None
    finally:
        pdf.close()
    return _finish(doc, pages)


def _extract_pdfminer(data: bytes, max_pages: int, deadline: float | None) -> Document:
    import pdfplumber  # lazy: importing this module must stay cheap

    doc = Document(media_type="application/pdf")
    try:
        pdf = pdfplumber.open(io.BytesIO(data), raise_unicode_errors=False)
    except Exception as exc:
        doc.extraction = "none"
        doc.warnings.append(_open_error(exc))
        return doc
    pages = _Pages()
    try:
        _meta(doc, pdf.metadata or {})
        try:
            plumber_pages = pdf.pages
        except Exception as exc:
            doc.extraction = "none"
            doc.warnings.append(_open_error(exc))
            return doc
        doc.pages = len(plumber_pages)

        def read(index: int, number: int) -> _PageOut:
            page = plumber_pages[index]
            try:
                return pages.read(page, number, doc.warnings)
            finally:
                page.close()

        _read_pages(doc, max_pages, deadline, read, pages)
    except Exception as exc:  # a broken xref table surfaces only while the pages are walked
        doc.warnings.append(_open_error(exc))
    finally:
        with contextlib.suppress(Exception):
            pdf.close()
    return _finish(doc, pages)


class _UsePdfminer(Exception):
    """A page PDFium's coordinates would not match: the whole file goes to pdfminer."""


@dataclass
class _Pages:
    """The pages read so far, and the pages' glyphs without a Unicode mapping."""

    out: list[_PageOut] = field(default_factory=list)
    cid_pages: list[int] = field(default_factory=list)  # garbage text layers: OCR them
    dropped: list[int] = field(default_factory=list)  # a few unmapped glyphs per page

    def read(self, page: Any, number: int, warnings: list[str], objs=None) -> _PageOut:
        return _read_page(page, number, warnings, self.cid_pages, self.dropped, objs)


def _read_pages(doc: Document, max_pages: int, deadline: float | None, read, pages: _Pages) -> None:
    """``read(index, number)`` each of the first ``max_pages`` pages into ``pages`` until the
    deadline; a page that cannot be read is a warning, not the end of the document."""
    if doc.pages > max_pages:
        doc.warnings.append(f"{doc.pages} pages: only the first {max_pages} were read")
    for index in range(min(doc.pages, max_pages)):
        number = index + 1
        if deadline is not None and time.monotonic() > deadline:
            doc.warnings.append(f"deadline reached: pages {number}–{doc.pages} not read")
            break
        try:
            pages.out.append(read(index, number))
        except _UsePdfminer:
            raise
        except Exception as exc:
            doc.warnings.append(f"page {number}: unreadable ({type(exc).__name__}: {exc})"[:300])


def _finish(doc: Document, read: _Pages) -> Document:
    """The pages read → the document's blocks, and what it says about what was not readable."""
    pages, cid_pages, dropped = read.out, read.cid_pages, read.dropped
    if dropped:
        doc.warnings.append(
            f"{sum(dropped)} glyphs without a Unicode mapping ((cid:…)) dropped on "
            f"{len(dropped)} page(s)"
        )
    if cid_pages:
        doc.warnings.append(
            "text layer without Unicode mapping ((cid:…) glyphs) on pages "
            + _ranges(cid_pages)
            + ": treated as images"
        )
    _assemble(doc, pages)
    if pages and all(p.image_only for p in pages):
        doc.extraction = "none"
        doc.blocks = []
        doc.warnings.append("no usable text layer: every page is an image")
    elif not doc.blocks:
        doc.extraction = "none"
        if pages or not doc.warnings:
            doc.warnings.append("the PDF has no text")
    return doc


def _ranges(numbers: list[int]) -> str:
    out: list[str] = []
    for n in sorted(numbers):
        if out and out[-1].split("–")[-1] == str(n - 1):
            out[-1] = out[-1].split("–")[0] + f"–{n}"
        else:
            out.append(str(n))
    return ", ".join(out)
