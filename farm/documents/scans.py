"""Image-only "scanned" PDFs and page images, rendered with pypdfium2.

Picture-only reports (图片版) exist on real portals and need OCR; these are made from the real
PDF, optionally rotated, blurred and noised by a seeded RNG so that every run gives the same scan.
"""

from __future__ import annotations

import io
import random
import time
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter

SCAN_DPI = 200
JPEG_QUALITY = 75


def render_pages(pdf_path: Path, dpi: int) -> list[Image.Image]:
    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        return [
            doc[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            for i in range(len(doc))
        ]
    finally:
        doc.close()


def degrade(img: Image.Image, rng: random.Random) -> Image.Image:
    angle = rng.uniform(0.4, 0.6) * rng.choice([-1, 1])
    img = img.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
    img = img.filter(ImageFilter.GaussianBlur(radius=0.7))
    arr = np.asarray(img, dtype=np.float32)
    noise = np.random.default_rng(rng.randrange(2**32)).normal(0.0, 7.0, arr.shape)
    arr = np.clip(arr + noise, 0, 255).astype(np.uint8)
    return Image.fromarray(arr, mode="L")


def build_scan(
    pdf_path: Path,
    out: Path,
    seed_id: str,
    degrade_pages: bool,
    *,
    dpi: int = SCAN_DPI,
    quality: int = JPEG_QUALITY,
) -> int:
    """Image-only PDF of ``pdf_path`` (grayscale JPEG, no text layer); returns the page count."""
    rng = random.Random(f"nianbao-scan-{seed_id}")
    pages = render_pages(pdf_path, dpi)
    jpeg_pages = []
    for img in pages:
        if degrade_pages:
            img = degrade(img, rng)
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=quality)
        jpeg_pages.append(Image.open(io.BytesIO(buf.getvalue())).convert("L"))
    stamp = time.struct_time((2024, 1, 1, 0, 0, 0, 0, 1, 0))
    jpeg_pages[0].save(
        out,
        "PDF",
        save_all=True,
        append_images=jpeg_pages[1:],
        resolution=float(dpi),
        quality=quality,
        title=f"{seed_id}.scan",
        creationDate=stamp,
        modDate=stamp,
    )
    return len(pages)
