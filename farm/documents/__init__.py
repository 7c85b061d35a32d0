"""Render a report "truth" (paragraph blocks + printed table cells) into real documents.

One implementation serves two users: ``tests/fixtures/make_fixtures.py`` (the five hand-transcribed
seed reports) and ``farm/build_content.py`` (the sample-portal farm's attachments); the variant
generator (``farm/variants``) reuses its grids and HTML. A truth is the dict described in
``tests/fixtures/README.md``: ``blocks`` in printed order, ``tables`` with the raw printed strings
of spec §9, ``layouts`` and the report metadata.

One module per output format, all laying out the same table grids (:mod:`.grids`):

* :mod:`.docx_writer` — DOCX with python-docx, the national table geometry (spec §2.1–§3.1) with
  real merges;
* :mod:`.libreoffice` — PDF and "MS Word 97" DOC through LibreOffice (headless, caller-provided
  private profile); :mod:`.pdf` — reproducible PDF bytes, ToUnicode and ruling stripping;
* :mod:`.html_body` — the HTML fragment of an article body (``<p>`` + ``<table>`` with the same
  rowspan/colspan grid);
* :mod:`.scans` — image-only "scanned" PDFs and page images rendered with pypdfium2;
* :mod:`.ofd` — minimal OFD packages, of text or of page images.

Everything is reproducible (:mod:`.stamps`): fixed zip timestamps and core properties in the
DOCX, fixed PDF dates, a content-derived trailer ``/ID``, seeded RNGs for the scans. The names
are re-exported here, so ``from farm.documents import build_docx`` keeps working.
"""

from __future__ import annotations

from .docx_writer import BODY_PT, SANS, SERIF, TABLE_PT, build_docx
from .grids import (
    DENIED,
    FULL_CORNER,
    HALF_CORNER,
    NOT_PROCESSED,
    OTHER,
    T3_COLS,
    UNABLE,
    Cell,
    Grid,
    TableStyle,
    grids_for,
    t2_grid,
    t3_grid,
    t4_grid,
)
from .html_body import html_table, report_body_html
from .libreoffice import soffice_convert
from .ofd import OFD_SIZE, build_image_ofd, build_ofd
from .pdf import (
    QPDF_STATIC_ID,
    normalise_pdf,
    page_with_most_t3,
    strip_rulings,
    strip_tounicode,
    t3_label_fragments,
)
from .scans import JPEG_QUALITY, SCAN_DPI, build_scan, degrade, render_pages
from .stamps import FIXED_TIME, report_datetime

__all__ = [
    "BODY_PT",
    "DENIED",
    "FIXED_TIME",
    "FULL_CORNER",
    "HALF_CORNER",
    "JPEG_QUALITY",
    "NOT_PROCESSED",
    "OFD_SIZE",
    "OTHER",
    "QPDF_STATIC_ID",
    "SANS",
    "SCAN_DPI",
    "SERIF",
    "T3_COLS",
    "TABLE_PT",
    "UNABLE",
    "Cell",
    "Grid",
    "TableStyle",
    "build_docx",
    "build_image_ofd",
    "build_ofd",
    "build_scan",
    "degrade",
    "grids_for",
    "html_table",
    "normalise_pdf",
    "page_with_most_t3",
    "render_pages",
    "report_body_html",
    "report_datetime",
    "soffice_convert",
    "strip_rulings",
    "strip_tounicode",
    "t2_grid",
    "t3_grid",
    "t3_label_fragments",
    "t4_grid",
]
