"""OCR speed and memory per page: median seconds per page and peak RSS.

    .venv/bin/python benchmarks/ocr_page.py [FILE.pdf|FILE.png ...] [--pages N] [--repeat K]

Without files it uses the image-only fixtures ``tests/fixtures/reports/**/*.scan.pdf``; if there
are none it draws a synthetic report page (the one of ``tests/test_ocr.py``), once straight and
once rotated 0.5° with noise. Model loading is timed separately; page times include rendering.
"""

from __future__ import annotations

import argparse
import io
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from parsers import ocr  # noqa: E402 — after the sys.path tweak, so it runs from anywhere
from parsers.document import Table  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def synthetic_pdfs() -> list[tuple[str, bytes]]:
    sys.path.insert(0, str(ROOT / "tests"))
    from test_ocr import _degrade, report_page

    out = []
    for name, image in (
        ("synthetic-straight", report_page()),
        ("synthetic-0.5deg-noise", _degrade(report_page(), 0.5, 12)),
    ):
        buf = io.BytesIO()
        image.save(buf, "PDF", resolution=200)
        out.append((name, buf.getvalue()))
    return out


def load_inputs(paths: list[str]) -> list[tuple[str, bytes]]:
    if not paths:
        found = sorted((ROOT / "tests/fixtures/reports").glob("**/*.scan.pdf"))
        if not found:
            return synthetic_pdfs()
        paths = [str(p) for p in found]
    return [(Path(p).name, Path(p).read_bytes()) for p in paths]


def page_count(data: bytes) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        return len(pdf)
    finally:
        pdf.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("files", nargs="*", help="scan PDFs or page images (default: fixtures)")
    ap.add_argument("--pages", type=int, default=0, help="stop after N pages (0 = all)")
    ap.add_argument("--repeat", type=int, default=1, help="OCR every page K times")
    args = ap.parse_args()

    inputs = load_inputs(args.files)
    t0 = time.perf_counter()
    ocr.warm_up()
    loaded = time.perf_counter() - t0
    print(f"engines created, models loaded in {loaded:.2f} s; RSS peak {peak_rss_mb():.0f} MB")

    times: list[float] = []
    cpu: list[float] = []
    first = True
    for name, data in inputs:
        is_pdf = data[:5] == b"%PDF-"
        pages = range(1, page_count(data) + 1) if is_pdf else range(1, 2)
        for page in pages:
            if args.pages and len(times) >= args.pages * args.repeat:
                break
            for _ in range(args.repeat):
                w, c = time.perf_counter(), time.process_time()
                if is_pdf:
                    blocks, warnings = ocr.ocr_pdf_pages(data, [page])
                else:
                    blocks, warnings = ocr.ocr_image_file(data)
                wall, used = time.perf_counter() - w, time.process_time() - c
                if first:  # onnxruntime tunes itself on the first real page
                    print(f"  (first page, not counted: {wall:.2f} s)")
                    first = False
                    continue
                times.append(wall)
                cpu.append(used)
            cells = sum(len(r) for b in blocks if isinstance(b, Table) for r in b.rows)
            print(
                f"{name} p{page}: {wall:.2f} s (cpu {used:.2f} s), {len(blocks)} blocks, "
                f"{cells} table cells{', ' + '; '.join(warnings) if warnings else ''}"
            )
    if times:
        print(
            f"\npages timed: {len(times)}  median {statistics.median(times):.2f} s/page "
            f"(min {min(times):.2f}, max {max(times):.2f}; cpu median "
            f"{statistics.median(cpu):.2f} s)  peak RSS {peak_rss_mb():.0f} MB"
        )


if __name__ == "__main__":
    main()
