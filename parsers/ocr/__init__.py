"""Scanned pages → paragraphs and ruled tables, with rapidocr (offline, bundled models).

Per page: deskew by the ruling lines, find ruled tables and rebuild their grids (merged cells
from missing rule segments), run OCR once on the page with the rules erased, then put every text
box into the cell under its centre; text outside tables becomes paragraphs in reading order.

Tables come out as ``Table(kind="grid", coords="px:WxH")`` whose cells carry pixel positions of
the (deskewed, possibly rescaled) working image, so x positions are comparable across the rows
and the fragments of one page.

Heavy modules (cv2, numpy, rapidocr, pypdfium2, PIL) are imported inside functions: importing
this package is cheap, and a process that never OCRs never loads the models.

Modules: ``pages`` (the entry points and the per-page pipeline), ``image`` (grayscale, size,
deskew), ``grid`` (ruled tables rebuilt from the ink), ``engine`` (the rapidocr engines:
detection and recognition), ``cells`` (second readings inside table cells), ``boxes`` (text
boxes and lines) and ``layout`` (boxes → tables and paragraphs).
"""

from __future__ import annotations

from .engine import DET_PARAMS, MAX_REC_RATIO, OCR_PARAMS, REC_PARAMS, ocr_engine, warm_up
from .pages import ocr_image, ocr_image_file, ocr_pdf_pages

__all__ = [
    "DET_PARAMS",
    "MAX_REC_RATIO",
    "OCR_PARAMS",
    "REC_PARAMS",
    "ocr_engine",
    "ocr_image",
    "ocr_image_file",
    "ocr_pdf_pages",
    "warm_up",
]
