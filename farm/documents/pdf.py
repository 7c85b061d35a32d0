"""PDF post-processing with pikepdf: reproducible bytes, and the deliberate damage that real
exports show (no ToUnicode maps, no table rulings).

LibreOffice stamps run-dependent dates, checksums and trailer IDs into its PDFs; everything that
writes a PDF here goes through :func:`_save_reproducible`, which replaces them with ones derived
from the content. :func:`page_with_most_t3` picks the page that a single-page image fixture shows.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pdfplumber
import pikepdf

from .grids import DENIED, NOT_PROCESSED, OTHER, UNABLE
from .stamps import report_datetime

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
