"""The public entry points: a page image, PDF pages or an image file → blocks.

Also the per-page pipeline (deskew → grids → erase rules → OCR → second readings → layout) and
the retry of pages scanned sideways.
"""

from __future__ import annotations

import io
import time
from typing import TYPE_CHECKING

from ..document import Block, Table
from .boxes import _Box
from .cells import _rescue_missed_text, _split_across_rules
from .engine import _release_memory, _run_ocr
from .grid import _erase_rules, _find_grids, _rule_masks
from .image import MAX_SIDE, _as_gray, _deskew
from .layout import _layout

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image


DEFAULT_DPI = 200


def ocr_image(image: Image.Image | np.ndarray, *, page: int) -> list[Block]:
    """OCR one page image into paragraphs and grid tables, top to bottom."""
    import numpy as np

    gray = _as_gray(image)
    blocks, boxes = _ocr_page(gray, page)
    if _looks_sideways(boxes):
        # A landscape table scanned onto a portrait page (or the reverse). Most are turned
        # counter-clockwise, so try clockwise first; keep the turn that reads better.
        best: tuple[float, list[Block]] | None = None
        for k in (-1, 1):  # np.rot90: -1 = clockwise
            turned_blocks, turned = _ocr_page(np.ascontiguousarray(np.rot90(gray, k)), page)
            score = _mean_score(turned)
            if best is None or score > best[0]:
                best = (score, turned_blocks)
            if score >= 0.85:
                break
        if best:
            # Boxes of a turned page are in the turned frame: keep the page, not the box.
            blocks = _without_boxes(best[1])
    _release_memory()
    return blocks


def ocr_pdf_pages(
    pdf_bytes: bytes,
    pages: list[int],
    *,
    dpi: int = DEFAULT_DPI,
    deadline: float | None = None,
) -> tuple[list[Block], list[str]]:
    """Render the given 1-based pages with pdfium and OCR them; returns (blocks, warnings).

    Stops before a page when ``time.monotonic()`` has passed ``deadline`` (a page takes ~1–2 s,
    so the overrun is at most one page).
    """
    import pypdfium2 as pdfium

    blocks: list[Block] = []
    warnings: list[str] = []
    try:
        pdf = pdfium.PdfDocument(pdf_bytes)
    except Exception as exc:  # a PDF pdfplumber opened but pdfium refuses
        return [], [f"OCR: cannot open the PDF: {exc}"]
    try:
        count = len(pdf)
        for i, number in enumerate(pages):
            if deadline is not None and time.monotonic() > deadline:
                warnings.append(_deadline_warning(pages[i:]))
                break
            if not 1 <= number <= count:
                warnings.append(f"OCR: page {number} does not exist ({count} pages)")
                continue
            try:
                pdf_page = pdf[number - 1]
                width, height = pdf_page.get_size()
                # Cap the bitmap: an A0 poster page at 200 dpi would be 100 M pixels.
                scale = min(dpi / 72, MAX_SIDE / max(width, height, 1.0))
                bitmap = pdf_page.render(scale=scale, grayscale=True)
                image = bitmap.to_numpy().copy()
                bitmap.close()
                pdf_page.close()
                blocks.extend(_in_points(ocr_image(image, page=number), width, height))
            except Exception as exc:  # one bad page must not lose the others
                warnings.append(f"OCR failed on page {number}: {type(exc).__name__}: {exc}")
    finally:
        pdf.close()
    return blocks, warnings


def ocr_image_file(data: bytes, *, deadline: float | None = None) -> tuple[list[Block], list[str]]:
    """OCR a PNG/JPEG/TIFF/… page image; every frame of a multi-frame TIFF is a page."""
    from PIL import Image, ImageOps

    blocks: list[Block] = []
    warnings: list[str] = []
    try:
        im = Image.open(io.BytesIO(data))
        frames = getattr(im, "n_frames", 1)
    except Exception as exc:
        return [], [f"OCR: cannot read the image: {type(exc).__name__}: {exc}"]
    for index in range(frames):
        if deadline is not None and time.monotonic() > deadline:
            warnings.append(_deadline_warning(list(range(index + 1, frames + 1))))
            break
        try:
            im.seek(index)
            if im.format == "JPEG":
                # Decode big JPEGs at a reduced size directly (cheap, and bounds memory).
                im.draft("L", (MAX_SIDE, MAX_SIDE))
            frame = ImageOps.exif_transpose(im) if index == 0 else im
            # An image has no page coordinates the evidence page could draw on: no boxes.
            blocks.extend(_without_boxes(ocr_image(frame, page=index + 1)))
        except Exception as exc:
            warnings.append(f"OCR failed on image page {index + 1}: {type(exc).__name__}: {exc}")
    return blocks, warnings


def _in_points(blocks: list[Block], width: float, height: float) -> list[Block]:
    """Cell boxes from the OCR image's pixels (``coords`` "px:WxH") to PDF points from the
    page's top-left corner, the unit of a text layer's boxes, so the evidence page can draw
    them. Deskewing turns the image about its centre by a few degrees, so a box is off by at
    most that turn: enough to point at the cell."""
    for block in blocks:
        if isinstance(block, Table) and block.coords.startswith("px:"):
            w, h = (float(v) for v in block.coords[3:].split("x"))
            sx, sy = width / w, height / h
            for row in block.rows:
                for cell in row:
                    if cell.bbox:
                        x0, top, x1, bottom = cell.bbox
                        cell.bbox = (x0 * sx, top * sy, x1 * sx, bottom * sy)
    return blocks


def _without_boxes(blocks: list[Block]) -> list[Block]:
    for block in blocks:
        if isinstance(block, Table):
            for row in block.rows:
                for cell in row:
                    cell.bbox = None
    return blocks


def _deadline_warning(left: list[int]) -> str:
    shown = ", ".join(str(p) for p in left[:10]) + (" …" if len(left) > 10 else "")
    return f"OCR stopped at the deadline; {len(left)} page(s) not OCR'd: {shown}"


# --------------------------------------------------------------------------- one page


def _ocr_page(gray: np.ndarray, page: int) -> tuple[list[Block], list[_Box]]:
    gray = _deskew(gray)
    bw, h_mask, v_mask, unit = _rule_masks(gray)
    grids = _find_grids(bw, h_mask, v_mask, unit)
    clean = _erase_rules(gray, h_mask, grids, unit)
    del bw, h_mask, v_mask
    _release_memory()  # before the detector's big buffers, so they reuse what the masks held
    boxes = _split_across_rules(_run_ocr(clean), grids, clean, unit)
    boxes += _rescue_missed_text(boxes, grids, clean, unit)
    return _layout(boxes, grids, gray.shape[1], gray.shape[0], page), boxes


def _looks_sideways(boxes: list[_Box]) -> bool:
    """Most multi-character text boxes standing upright means the page is turned by 90°."""
    long = [b for b in boxes if len(b.text) >= 3]
    tall = sum(1 for b in long if b.h > 1.5 * (b.x1 - b.x0))
    return len(long) >= 5 and tall > 0.5 * len(long)


def _mean_score(boxes: list[_Box]) -> float:
    """Recognition confidence weighted by text length (sideways text reads as short junk)."""
    total = sum(len(b.text) for b in boxes)
    return sum(b.score * len(b.text) for b in boxes) / total if total else 0.0
