"""Scanned pages → paragraphs and ruled tables, with rapidocr (offline, bundled models).

Per page: deskew by the ruling lines, find ruled tables and rebuild their grids (merged cells
from missing rule segments), run OCR once on the page with the rules erased, then put every text
box into the cell under its centre; text outside tables becomes paragraphs in reading order.

Tables come out as ``Table(kind="grid", coords="px:WxH")`` whose cells carry pixel positions of
the (deskewed, possibly rescaled) working image, so x positions are comparable across the rows
and the fragments of one page.

Heavy modules (cv2, numpy, rapidocr, pypdfium2, PIL) are imported inside functions: importing
this module is cheap, and a process that never OCRs never loads the models.
"""

from __future__ import annotations

import io
import itertools
import math
import os
import re
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..document import Block, Cell, Paragraph, Table

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image

# Working resolution: a 200-dpi A4 page is 1654×2339 (REF_SIDE). Larger scans are reduced to
# MAX_SIDE (rapidocr would shrink them to 2000 px anyway); geometry tolerances scale with it.
MAX_SIDE = 2400
MIN_SIDE = 1600  # smaller images (≤ 140 dpi A4) are enlarged towards REF_SIDE, at most ×2.5
MAX_UPSCALE = 2.5
REF_SIDE = 2339
DEFAULT_DPI = 200
MAX_SKEW_DEG = 5.0  # steeper "lines" are not page skew (diagonal strokes, stamps)
MIN_SKEW_DEG = 0.1  # below this the grid rebuild copes without rotating
RULE_COVERAGE = 0.6  # share of a cell edge a rule must cover to count as a cell border
# Text detection: long side of the page as the detector sees it (printed text at 200 dpi stays
# ≥ 10 px high; missed isolated digits in tables are recovered by _rescue_missed_text), strip
# height and overlap at that scale (the overlap exceeds twice a 20-pt title line).
DET_SIDE = 1280
DET_STRIP = 384
DET_OVERLAP = 96
DET_SLACK = 12  # a strip also keeps boxes centred this far outside its core (then deduplicated)
TEXT_SCORE = 0.5  # rapidocr's default confidence cut
MAX_REC_RATIO = 16  # longer text lines are read in pieces (bounds the recogniser's memory)


def _cores() -> int:
    """CPUs this process may run on (a container or taskset may allow fewer than exist)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


# rapidocr settings. Only speed knobs: the model, version and language keys must keep their
# defaults, because rapidocr downloads any non-bundled model at run time (there is no network).
OCR_PARAMS: dict[str, Any] = {
    # "warning" would log "The text detection result is empty" for every blank strip.
    "Global.log_level": "error",
    # Scanned reports are upright; the 0/180° classifier only costs time.
    "Global.use_cls": False,
    # We hand the detector strips already reduced to DET_SIDE; this only stops it enlarging
    # them again (default: short side ≥ 736 px, i.e. ~3× the pixels).
    "Det.limit_type": "max",
    "Det.limit_side_len": DET_SIDE,
    # Recognition pads every crop to at least width/height = 320/48; table cells are mostly
    # short numbers, so a 48 px minimum width halves the recognition time.
    "Rec.rec_img_shape": [3, 48, 48],
}
# Detection runs one big input at a time: onnxruntime parallelises it over the cores.
# Recognition runs hundreds of tiny inputs: one single-threaded recogniser per core, fed in
# parallel, reads ~1.7× faster than one two-threaded recogniser.
WORKERS = max(1, min(2, _cores()))
DET_PARAMS: dict[str, Any] = {
    **OCR_PARAMS,
    "EngineConfig.onnxruntime.intra_op_num_threads": WORKERS,
}
REC_PARAMS: dict[str, Any] = {**OCR_PARAMS, "EngineConfig.onnxruntime.intra_op_num_threads": 1}

# Paragraph joining: a line after a sentence end, or a numbered heading, starts a new block.
_ENDS_SENTENCE = re.compile(r"[。！？；：!?;:]$")
_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|第[一二三四五六七八九十]+[章节部分])"
)

_DIGITLIKE = re.compile(r"[0-9OoIl]+")
_DIGIT_FIXES = str.maketrans("OoIl", "0011")

_ENGINE: _Engines | None = None
_ENGINE_LOCK = threading.Lock()  # creation, and calls to the (single) detector
_LIBC: Any = None
_M_ARENA_MAX = -8  # glibc <malloc.h>
_LOCAL = threading.local()


@dataclass
class _Engines:
    """The process's OCR engines: a detector and one recogniser per worker thread."""

    det: Any
    recs: list[Any]
    pool: ThreadPoolExecutor | None
    pid: int


def ocr_engine() -> _Engines:
    """The process-wide OCR engines (created on first use, recreated after a fork).

    rapidocr loads each model on its first call; call ``warm_up()`` to pay that up front.
    """
    global _ENGINE
    # Neither onnxruntime's thread pools nor ours survive fork(): a child builds its own.
    engine = _ENGINE
    if engine is None or engine.pid != os.getpid():
        with _ENGINE_LOCK:
            engine = _ENGINE
            if engine is None or engine.pid != os.getpid():
                import onnxruntime
                from rapidocr import RapidOCR

                # Belt and braces with ORT_DISABLE_TELEMETRY (parsers/__init__.py).
                onnxruntime.disable_telemetry_events()
                libc = _libc()
                if libc:
                    # Each thread that allocates gets a 64 MB glibc arena of address space;
                    # two suffice here and keep the parser far below its RLIMIT_AS
                    # (virtual peak 1.55 → 1.15 GB, resident unchanged).
                    libc.mallopt(_M_ARENA_MAX, 2)

                recs = [RapidOCR(params=dict(REC_PARAMS)) for _ in range(WORKERS)]
                free = list(recs)

                def bind() -> None:  # each worker thread owns one recogniser
                    _LOCAL.rec = free.pop()

                pool = (
                    ThreadPoolExecutor(WORKERS, "ocr-rec", initializer=bind)
                    if WORKERS > 1
                    else None
                )
                engine = _Engines(RapidOCR(params=dict(DET_PARAMS)), recs, pool, os.getpid())
                _ENGINE = engine
    return engine


def warm_up() -> None:
    """Create the engines and load both models (~1 s), e.g. before timing pages."""
    import numpy as np

    blank = np.full((64, 256), 255, np.uint8)
    blank[24:40, 40:200] = 0
    _detect(blank)
    _recognize_many([blank[16:48]] * WORKERS)


def _libc() -> Any:
    """glibc via ctypes, or None elsewhere (musl, macOS)."""
    global _LIBC
    if _LIBC is None:
        try:
            import ctypes

            _LIBC = ctypes.CDLL("libc.so.6")
            _LIBC.malloc_trim.argtypes = [ctypes.c_size_t]
            _LIBC.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
        except (OSError, AttributeError):
            _LIBC = False
    return _LIBC or None


def _release_memory() -> None:
    """Give freed heap back to the OS.

    onnxruntime's buffers and the page arrays are freed into glibc's arenas, which keep them:
    without a trim the peak RSS creeps up by ~5 MB a page (350 → 470 MB over 19 pages).
    """
    libc = _libc()
    if libc:
        libc.malloc_trim(0)


# --------------------------------------------------------------------------- data structures


@dataclass
class _Box:
    """One OCR text box, axis-aligned, in working-image pixels."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    score: float = 1.0

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def h(self) -> float:
        return self.y1 - self.y0


@dataclass
class _Grid:
    """A rebuilt ruled table: grid lines and the merged-cell groups over the grid."""

    xs: list[int]
    ys: list[int]
    # group id of every grid cell, row-major: groups[r][c]
    groups: list[list[int]]
    # the table's own vertical-rule mask (region crop), for erasing the rules before OCR
    v_mask: Any = None
    origin: tuple[int, int] = (0, 0)
    boxes: dict[int, list[_Box]] = field(default_factory=dict)

    @property
    def bbox(self) -> tuple[int, int, int, int]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]

    def contains(self, x: float, y: float) -> bool:
        return self.xs[0] <= x <= self.xs[-1] and self.ys[0] <= y <= self.ys[-1]

    def group_at(self, x: float, y: float) -> int:
        from bisect import bisect_right

        c = min(max(bisect_right(self.xs, x) - 1, 0), len(self.xs) - 2)
        r = min(max(bisect_right(self.ys, y) - 1, 0), len(self.ys) - 2)
        return self.groups[r][c]


# --------------------------------------------------------------------------- public API


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
        blocks = best[1] if best else blocks
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
                blocks.extend(ocr_image(image, page=number))
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
            blocks.extend(ocr_image(frame, page=index + 1))
        except Exception as exc:
            warnings.append(f"OCR failed on image page {index + 1}: {type(exc).__name__}: {exc}")
    return blocks, warnings


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


# --------------------------------------------------------------------------- image preparation


def _as_gray(image: Image.Image | np.ndarray) -> np.ndarray:
    """8-bit grayscale, transparent areas white, long side within MIN_SIDE..MAX_SIDE."""
    import cv2
    import numpy as np

    if not isinstance(image, np.ndarray):
        im = image
        if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
            rgba = im.convert("RGBA")
            im = rgba.convert("RGB")
            white = np.full((rgba.height, rgba.width), 255, np.uint8)
            alpha = np.asarray(rgba.getchannel("A"), np.float32) / 255
            arr = np.asarray(im.convert("L"), np.float32) * alpha + white * (1 - alpha)
            gray = arr.astype(np.uint8)
        elif im.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
            arr = np.asarray(im, np.float64)
            span = max(float(arr.max() - arr.min()), 1.0)
            gray = ((arr - arr.min()) * (255 / span)).astype(np.uint8)
        else:
            gray = np.asarray(im.convert("L"))
    else:
        arr = image
        if arr.dtype != np.uint8:
            top = float(arr.max()) if arr.size else 1.0
            arr = (arr.astype(np.float64) * (255 / top if top > 1 else 255)).clip(0, 255)
            arr = arr.astype(np.uint8)
        if arr.ndim == 3 and arr.shape[2] == 4:
            alpha = arr[:, :, 3:4].astype(np.float32) / 255
            rgb = arr[:, :, :3].astype(np.float32) * alpha + 255 * (1 - alpha)
            arr = rgb.astype(np.uint8)
        if arr.ndim == 3 and arr.shape[2] == 3:
            gray = cv2.cvtColor(arr, cv2.COLOR_RGB2GRAY)
        elif arr.ndim == 3:
            gray = arr[:, :, 0]
        else:
            gray = arr
    gray = np.ascontiguousarray(gray)
    long_side = max(gray.shape)
    if long_side > MAX_SIDE:
        f = MAX_SIDE / long_side
        interpolation = cv2.INTER_AREA
    elif long_side < MIN_SIDE:
        # 100–150 dpi scans: 9-pt digits are ~10 px high, too small for the recogniser to
        # read alone (a lone "0" in a cell). Upsampling gives it the pixels it expects.
        f = min(MAX_UPSCALE, REF_SIDE / long_side)
        interpolation = cv2.INTER_CUBIC
    else:
        return gray
    size = (max(1, round(gray.shape[1] * f)), max(1, round(gray.shape[0] * f)))
    return cv2.resize(gray, size, interpolation=interpolation)


def _binarize(gray: np.ndarray, unit: float) -> np.ndarray:
    """Ink = 255. Adaptive, so grey paper and uneven scans work; C rejects paper noise."""
    import cv2

    block = max(15, int(31 * unit)) | 1
    return cv2.adaptiveThreshold(
        gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 15
    )


def _skew_angle(gray: np.ndarray) -> float | None:
    """Median angle (degrees, y down) of long near-horizontal rules, or None without rules."""
    import cv2
    import numpy as np

    # Hough on a ~1000 px copy: 10× faster than full size, and the median over many segments
    # still resolves < 0.1°.
    f = min(1.0, 1000 / max(gray.shape))
    small = cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else gray
    bw = _binarize(small, max(small.shape) / REF_SIDE)
    # Keep horizontal-ish runs only (text strokes are shorter than 15 px at this size); a
    # 15 px run still survives a ~4° slope for 1–2 px thick lines.
    bw = cv2.morphologyEx(bw, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (15, 1)))
    width = small.shape[1]
    lines = cv2.HoughLinesP(
        bw,
        1,
        math.pi / 1800,
        threshold=max(50, width // 8),
        minLineLength=width // 4,
        maxLineGap=max(5, width // 100),
    )
    if lines is None:
        return None
    # Refine each segment by a least-squares fit through the rule pixels near it: Hough's
    # endpoints are biased towards its angle bins, the fit is sub-pixel.
    py, px = np.nonzero(bw)
    angles: list[float] = []
    weights: list[float] = []
    for x1, y1, x2, y2 in lines.reshape(-1, 4):  # OpenCV 5 returns (N, 4), 4.x (N, 1, 4)
        x1, y1, x2, y2 = (int(v) for v in (x1, y1, x2, y2))
        if x2 < x1:
            x1, y1, x2, y2 = x2, y2, x1, y1
        dx, dy = x2 - x1, y2 - y1
        if dx <= 0 or abs(math.degrees(math.atan2(dy, dx))) >= MAX_SKEW_DEG:
            continue
        slope = dy / dx
        near = (px >= x1) & (px <= x2) & (np.abs(py - (y1 + (px - x1) * slope)) <= 2)
        if np.count_nonzero(near) > dx // 2:
            slope = float(np.polyfit(px[near], py[near], 1)[0])
        angles.append(math.degrees(math.atan(slope)))
        weights.append(float(dx))
    if not angles:
        return None
    median = statistics.median(angles)
    near_median = [(a, w) for a, w in zip(angles, weights, strict=True) if abs(a - median) < 0.3]
    return sum(a * w for a, w in near_median) / sum(w for _, w in near_median)


def _deskew(gray: np.ndarray) -> np.ndarray:
    import cv2

    angle = _skew_angle(gray)
    if angle is None or abs(angle) <= MIN_SKEW_DEG:
        return gray
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(
        gray, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=255
    )


# --------------------------------------------------------------------------- grid rebuild


def _rule_masks(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Ink, horizontal-rule and coarse vertical-rule masks, and the size unit (1.0 at 200 dpi).

    The coarse vertical mask only serves to find table regions; each table recomputes its own
    with a kernel fitted to its row height.
    """
    h, w = gray.shape
    unit = max(h, w) / REF_SIDE
    bw = _binarize(gray, unit)
    # 1/30 of the page width is longer than any stroke of a CJK character up to ~20 pt, but
    # shorter than the narrowest cell of a 15-column table.
    h_mask = _long_runs(bw, max(25, w // 30), horizontal=True)
    v_mask = _long_runs(bw, max(15, round(28 * unit)), horizontal=False)
    return bw, h_mask, v_mask, unit


def _long_runs(bw: np.ndarray, length: int, *, horizontal: bool) -> np.ndarray:
    """Ink runs at least ``length`` long in one direction.

    No closing first: it would bridge the 1–3 px gaps between neighbouring characters and turn
    a row of strokes into a "rule". Broken rules are handled by the coverage threshold instead.
    """
    import cv2

    kernel = (length, 1) if horizontal else (1, length)
    return cv2.morphologyEx(bw, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))


def _line_positions(profile: np.ndarray, min_strength: float, merge_gap: float) -> list[int]:
    """Rule positions from a projection profile.

    Adjacent positions form a run (one rule, 1–4 px thick); runs closer than ``merge_gap`` are
    one rule drawn twice (double or offset borders) and take the position of the stronger run.
    """
    import numpy as np

    idx = np.flatnonzero(profile >= min_strength)
    if idx.size == 0:
        return []
    runs: list[tuple[int, int]] = []
    start = prev = int(idx[0])
    for i in idx[1:]:
        i = int(i)
        if i - prev > 1:
            runs.append((start, prev))
            start = i
        prev = i
    runs.append((start, prev))
    out: list[tuple[int, float]] = []  # (position, mass)
    last_end = -(10**9)
    for a, b in runs:
        seg = profile[a : b + 1]
        mass = float(seg.sum())
        pos = round(float((np.arange(a, b + 1) * seg).sum() / max(mass, 1e-9)))
        if out and a - last_end <= merge_gap:
            if mass > out[-1][1]:
                out[-1] = (pos, mass)
        else:
            out.append((pos, mass))
        last_end = b
    return [pos for pos, _ in out]


def _find_grids(bw: np.ndarray, h_mask: np.ndarray, v_mask: np.ndarray, unit: float) -> list[_Grid]:
    import cv2
    import numpy as np

    width = h_mask.shape[1]
    both = cv2.dilate(cv2.bitwise_or(h_mask, v_mask), np.ones((5, 5), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(both, connectivity=8)
    grids: list[_Grid] = []
    for i in range(1, n):
        x, y, w, h, _ = (int(v) for v in stats[i])
        if w < width * 0.1 or h < 15 * unit:
            continue  # an underline or a separator rule, not a table
        crop = (slice(y, y + h), slice(x, x + w))
        grid = _rebuild_grid(bw[crop], h_mask[crop], unit, width)
        if grid is None:
            continue
        grid.xs = [v + x for v in grid.xs]
        grid.ys = [v + y for v in grid.ys]
        grid.origin = (x, y)
        grids.append(grid)
    grids.sort(key=lambda g: (g.ys[0], g.xs[0]))
    return grids


def _rebuild_grid(bw: np.ndarray, h_mask: np.ndarray, unit: float, page_width: int) -> _Grid | None:
    """Grid lines from projections, merged cells from missing rule segments (union-find)."""
    gap = max(4.0, 6 * unit)
    ys = _line_positions(h_mask.sum(axis=1) / 255, max(25, page_width // 30) * 0.8, gap)
    if len(ys) < 2:
        return None
    # Vertical rules of a one-line row are barely longer than the tallest character strokes,
    # so the kernel follows this table's shortest row (strokes ≤ ~0.85 em < 0.7 × row height).
    bands = [b - a for a, b in itertools.pairwise(ys) if b - a >= 22 * unit]
    shortest = min(bands) if bands else 40 * unit
    vk = max(8, round(0.7 * shortest))
    v_mask = _long_runs(bw, vk, horizontal=False)
    xs = _line_positions(v_mask.sum(axis=0) / 255, 0.9 * vk, gap)
    if len(xs) < 2:
        return None
    tol = max(3, round(4 * unit))
    _trim_outer_lines(h_mask, v_mask, xs, ys, tol)
    xs = _add_open_edges(h_mask, xs, ys, unit, tol)
    while True:
        groups = _merge_cells(h_mask, v_mask, xs, ys, tol)
        rows, cols = len(ys) - 1, len(xs) - 1
        # A rule crossed by a merge in every row (column) is not a rule: a stray stroke, or the
        # offset twin of a border. Drop one at a time and redo the merges.
        drop_x = next(
            (
                c
                for c in range(1, cols)
                if all(groups[r][c - 1] == groups[r][c] for r in range(rows))
            ),
            None,
        )
        if drop_x is not None:
            del xs[drop_x]
            continue
        drop_y = next(
            (
                r
                for r in range(1, rows)
                if all(groups[r - 1][c] == groups[r][c] for c in range(cols))
            ),
            None,
        )
        if drop_y is not None:
            del ys[drop_y]
            continue
        break
    if len(ys) < 2 or len(xs) < 2 or (len(ys) - 1) * (len(xs) - 1) < 2:
        return None  # a framed box is a paragraph, not a table
    return _Grid(xs, ys, groups, v_mask=v_mask)


def _trim_outer_lines(
    h_mask: np.ndarray, v_mask: np.ndarray, xs: list[int], ys: list[int], tol: int
) -> None:
    """Drop outermost "rules" that do not run along most of the table (in place).

    A table's outer border spans it; a long stroke of a bold heading or an underline touching
    the table does not, and would otherwise add a row holding the heading.
    """
    while len(ys) > 2 and _coverage(h_mask, ys[0], xs[0], xs[-1], tol, vertical=False) < 0.5:
        del ys[0]
    while len(ys) > 2 and _coverage(h_mask, ys[-1], xs[0], xs[-1], tol, vertical=False) < 0.5:
        del ys[-1]
    while len(xs) > 2 and _coverage(v_mask, xs[0], ys[0], ys[-1], tol, vertical=True) < 0.5:
        del xs[0]
    while len(xs) > 2 and _coverage(v_mask, xs[-1], ys[0], ys[-1], tol, vertical=True) < 0.5:
        del xs[-1]


def _add_open_edges(
    h_mask: np.ndarray, xs: list[int], ys: list[int], unit: float, tol: int
) -> list[int]:
    """Tables without left/right borders: close the grid where the row rules end.

    Only when many row rules run past the outermost vertical rule: an underline or a heading
    stroke touching the table must not open a column.
    """
    import numpy as np

    reach = 20 * unit
    lefts: list[int] = []
    rights: list[int] = []
    for y in ys:
        ink = np.flatnonzero(h_mask[max(0, y - tol) : y + tol + 1].any(axis=0))
        if ink.size:
            lefts.append(int(ink[0]))
            rights.append(int(ink[-1]))
    need = max(2, 0.4 * len(ys))
    left = [v for v in lefts if xs[0] - v > reach]
    right = [v for v in rights if v - xs[-1] > reach]
    if len(left) >= need:
        xs = [round(statistics.median(left)), *xs]
    if len(right) >= need:
        xs = [*xs, round(statistics.median(right))]
    return xs


def _merge_cells(
    h_mask: np.ndarray, v_mask: np.ndarray, xs: list[int], ys: list[int], tol: int
) -> list[list[int]]:
    """Union neighbouring grid cells whose shared edge has no rule; returns group ids."""
    rows, cols = len(ys) - 1, len(xs) - 1
    parent = list(range(rows * cols))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for r in range(rows):
        y0, y1 = ys[r] + tol, ys[r + 1] - tol
        for c in range(1, cols):
            if _coverage(v_mask, xs[c], y0, y1, tol, vertical=True) < RULE_COVERAGE:
                union(r * cols + c - 1, r * cols + c)
    for r in range(1, rows):
        for c in range(cols):
            x0, x1 = xs[c] + tol, xs[c + 1] - tol
            if _coverage(h_mask, ys[r], x0, x1, tol, vertical=False) < RULE_COVERAGE:
                union((r - 1) * cols + c, r * cols + c)
    return [[find(r * cols + c) for c in range(cols)] for r in range(rows)]


def _coverage(mask: np.ndarray, at: int, a: int, b: int, tol: int, *, vertical: bool) -> float:
    """Share of positions a..b where the rule at ``at`` (±tol) has ink."""
    if b <= a:
        return 1.0  # a degenerate edge: keep it, merging on no evidence is worse
    if vertical:
        strip = mask[a:b, max(0, at - tol) : at + tol + 1]
        return float(strip.any(axis=1).mean())
    strip = mask[max(0, at - tol) : at + tol + 1, a:b]
    return float(strip.any(axis=0).mean())


def _erase_rules(
    gray: np.ndarray, h_mask: np.ndarray, grids: list[_Grid], unit: float
) -> np.ndarray:
    """White out the table rules so OCR neither reads them ("|", "一") nor joins text across
    them. Only strips along the rebuilt grid lines are touched: elsewhere long runs may be
    strokes of large characters (a heading's 一) or a digit 1.
    """
    import cv2
    import numpy as np

    if not grids:
        return gray
    tol = max(3, round(4 * unit))
    mask = np.zeros_like(h_mask)
    for grid in grids:
        x0, _, x1, _ = grid.bbox
        cols = slice(max(0, x0 - tol), x1 + tol + 1)
        for y in grid.ys:
            strip = (slice(max(0, y - tol), y + tol + 1), cols)
            mask[strip] |= h_mask[strip]
        ox, oy = grid.origin
        vh, vw = grid.v_mask.shape
        for x in grid.xs:
            a, b = max(0, x - tol - ox), min(vw, x + tol + 1 - ox)
            mask[oy : oy + vh, ox + a : ox + b] |= grid.v_mask[:, a:b]
        grid.v_mask = None  # not needed any more; free it
    mask = cv2.dilate(mask, np.ones((3, 3), np.uint8))
    out = gray.copy()
    out[mask > 0] = 255
    return out


# --------------------------------------------------------------------------- OCR and layout


def _run_ocr(gray: np.ndarray) -> list[_Box]:
    """Detect text lines on a reduced copy, strip by strip; read each line at full size."""
    found = _detect(gray)
    crops = [
        gray[max(0, int(y0)) : math.ceil(y1), max(0, int(x0)) : math.ceil(x1)]
        for x0, y0, x1, y1 in found
    ]
    return [
        _Box(x0, y0, x1, y1, text, score)
        for (x0, y0, x1, y1), (text, score) in zip(found, _recognize_many(crops), strict=True)
        if text and score >= TEXT_SCORE
    ]


def _detect(gray: np.ndarray) -> list[tuple[float, float, float, float]]:
    """Text-line boxes (axis-aligned, in ``gray`` pixels).

    The detector sees the page with its long side at DET_SIDE, in horizontal strips of
    DET_STRIP rows: its activations for a whole page take ~350 MB, a strip's ~100 MB. Strips
    overlap by DET_OVERLAP (> twice the tallest text line); a box belongs to the strip whose
    core (the strip minus half the overlap at each inner edge) holds its centre, so a line cut
    by one strip's edge is taken whole from the next.
    """
    import cv2

    f = min(1.0, DET_SIDE / max(gray.shape))
    small = cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else gray
    height = small.shape[0]
    det = ocr_engine().det
    out: list[tuple[float, float, float, float]] = []
    top = previous = 0
    while True:
        bottom = min(height, top + DET_STRIP)
        strip = small[top:bottom]
        # Blank paper (the end of a last page) has nothing to detect.
        has_ink = int((strip < 128).sum()) >= 10
        with _ENGINE_LOCK:
            res = det(strip, use_det=True, use_cls=False, use_rec=False) if has_ink else None
        # Two strips see a line on their shared core edge slightly differently and could
        # both leave it to the other; so each takes a little more than its core (a cut line
        # stays out unless taller than DET_OVERLAP - 2 * DET_SLACK), and a box lying mostly
        # on one kept from the previous strip is the same line seen twice.
        core_top = top + DET_OVERLAP / 2 - DET_SLACK if top > 0 else -math.inf
        core_bottom = bottom - DET_OVERLAP / 2 + DET_SLACK if bottom < height else math.inf
        kept = len(out)
        quads = getattr(res, "boxes", None) if res is not None else None
        for quad in quads if quads is not None else []:
            xs, ys = quad[:, 0], quad[:, 1] + top
            if core_top <= float(ys.mean()) < core_bottom:
                x0, y0, x1, y1 = float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())
                box = (x0 / f, y0 / f, x1 / f, y1 / f)
                if not any(_overlap(box, other) > 0.5 for other in out[previous:kept]):
                    out.append(box)
        if bottom >= height:
            return out
        previous = kept
        top = bottom - DET_OVERLAP


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    """Intersection over the smaller of the two boxes."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return w * h / smaller if smaller > 0 else 0.0


def _recognize_many(crops: list[np.ndarray]) -> list[tuple[str, float]]:
    """Recognition only (no detection) of text-line crops, in parallel on the workers."""
    engine = ocr_engine()
    if engine.pool is None:
        _LOCAL.rec = engine.recs[0]
        return [_recognize_one(crop) for crop in crops]
    return list(engine.pool.map(_recognize_one, crops))


def _recognize_one(crop: np.ndarray) -> tuple[str, float]:
    """Runs on a worker thread, with that thread's own recogniser."""
    import numpy as np

    if crop.size == 0:
        return "", 0.0
    if crop.shape[0] >= 1.5 * crop.shape[1] and crop.shape[0] > 16:
        # rapidocr's own pipeline turns upright boxes (vertical text) the same way.
        crop = np.rot90(crop)
    text, weight, total = "", 0.0, 0
    for piece, spaced in _cut_long_line(np.ascontiguousarray(crop)):
        try:
            # Explicit flags every call: rapidocr keeps per-call flags as state.
            out = _LOCAL.rec(piece, use_det=False, use_cls=False, use_rec=True)
        except Exception:  # one unreadable crop (degenerate size) must not lose the page
            continue
        txts = getattr(out, "txts", None)
        if txts and str(txts[0]).strip():
            part = str(txts[0]).strip()
            text += (" " if spaced and text else "") + part
            weight += float(out.scores[0]) * len(part)
            total += len(part)
    return text, (weight / total if total else 0.0)


def _cut_long_line(crop: np.ndarray) -> list[tuple[np.ndarray, bool]]:
    """Cut a long text line into pieces of at most MAX_REC_RATIO × its height.

    The recogniser's activations grow with the input width: a full-width 200-dpi line takes
    ~60 MB, twice that with both workers on one. Cuts go through the widest blank gap (between
    characters) in the last half of each piece; the flag says the gap was wide enough for a
    space (as in _join_line).
    """
    import cv2
    import numpy as np

    h, w = crop.shape[:2]
    limit = int(MAX_REC_RATIO * h)
    if w <= limit:
        return [(crop, False)]
    _, ink = cv2.threshold(crop, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    column = ink.sum(axis=0)
    out: list[tuple[np.ndarray, bool]] = []
    start, spaced = 0, False
    while w - start > limit:
        lo, hi = start + limit // 2, start + limit
        window = column[lo:hi]
        blank = np.flatnonzero(window == window.min())
        # the longest run of the emptiest columns
        runs = np.split(blank, np.flatnonzero(np.diff(blank) > 1) + 1)
        run = max(runs, key=len)
        cut = lo + int(run[len(run) // 2])
        out.append((crop[:, start:cut], spaced))
        spaced = window.min() == 0 and len(run) > 1.5 * h  # as _join_line
        start = cut
    out.append((crop[:, start:], spaced))
    return out


def _split_across_rules(
    boxes: list[_Box], grids: list[_Grid], image: np.ndarray, unit: float
) -> list[_Box]:
    """Split text boxes that run across a cell border and read each part again.

    With the rules erased, the detector sometimes joins the texts of two neighbouring cells
    when both touch the shared border ("商业企业" + "科研机构"). A part that lies mostly under
    another box is only a box drawn too wide into the neighbour cell, and is dropped.
    """
    from bisect import bisect_right

    tol = max(3, round(4 * unit))
    out: list[_Box] = []
    pieces: list[_Box] = []
    for box in boxes:
        grid = next((g for g in grids if g.contains(box.cx, box.cy)), None)
        if grid is None:
            out.append(box)
            continue
        r = min(max(bisect_right(grid.ys, box.cy) - 1, 0), len(grid.ys) - 2)
        margin = 0.4 * box.h
        cuts = [
            x
            for c, x in enumerate(grid.xs[1:-1], start=1)
            if box.x0 + margin < x < box.x1 - margin and grid.groups[r][c - 1] != grid.groups[r][c]
        ]
        if not cuts:
            out.append(box)
            continue
        edges = [box.x0, *cuts, box.x1]
        for a, b in itertools.pairwise(edges):
            left = a if a == box.x0 else a + tol
            right = b if b == box.x1 else b - tol
            if right - left >= 0.3 * box.h:
                pieces.append(_Box(left, box.y0, right, box.y1, ""))
    pieces = [p for p in pieces if not any(_covers(other, p) for other in out)]
    crops = [
        image[max(0, int(p.y0) - 2) : math.ceil(p.y1) + 2, int(p.x0) : math.ceil(p.x1)]
        for p in pieces
    ]
    for piece, (text, score) in zip(pieces, _recognize_many(crops), strict=True):
        if text and score >= TEXT_SCORE:
            piece.text, piece.score = text, score
            out.append(piece)
    return out


def _covers(box: _Box, piece: _Box) -> bool:
    """``box`` lies over at least half of ``piece`` (same line, half its width)."""
    dx = min(box.x1, piece.x1) - max(box.x0, piece.x0)
    dy = min(box.y1, piece.y1) - max(box.y0, piece.y0)
    return dx >= 0.5 * (piece.x1 - piece.x0) and dy >= 0.5 * min(box.h, piece.h)


def _rescue_missed_text(
    boxes: list[_Box], grids: list[_Grid], image: np.ndarray, unit: float
) -> list[_Box]:
    """Read ink in table cells that the detector missed.

    The detector runs on a reduced image and now and then drops an isolated "0" or "1" or the
    last wrapped line of a label ("密") – exactly the content that matters in a table. Inked
    text lines of a cell that no detected box overlaps vertically are cropped and recognised
    (recognition only: a few ms each). Lines beside a detected box are left alone, so a sliver
    of a detected character can never become an extra digit.
    """
    import cv2

    if not grids:
        return []
    heights = [b.h for b in boxes if any(g.contains(b.cx, b.cy) for g in grids)]
    ref_h = statistics.median(heights) if heights else 24 * unit
    bw = _binarize(image, unit)
    margin = max(3, round(4 * unit)) + 3  # keep clear of the (erased) rules
    found: list[_Box] = []
    for grid in grids:
        by_group: dict[int, list[_Box]] = {}
        for b in boxes:
            if grid.contains(b.cx, b.cy):
                by_group.setdefault(grid.group_at(b.cx, b.cy), []).append(b)
        for g, (r0, c0, r1, c1) in _extents(grid).items():
            x0, y0 = grid.xs[c0] + margin, grid.ys[r0] + margin
            x1, y1 = grid.xs[c1 + 1] - margin, grid.ys[r1 + 1] - margin
            if x1 - x0 < 4 or y1 - y0 < 4:
                continue
            n, _, stats, _ = cv2.connectedComponentsWithStats(bw[y0:y1, x0:x1], connectivity=8)
            # Character-sized ink only: specks of scan noise are far smaller than a digit.
            comps = [
                _Box(float(x), float(y), float(x + w), float(y + h), "")
                for x, y, w, h, _ in (stats[i] for i in range(1, n))
                if h >= 0.3 * ref_h and w * h >= 0.02 * ref_h * ref_h
            ]
            known = by_group.get(g, [])
            for line in _group_lines(comps):
                ly0 = y0 + min(b.y0 for b in line)
                ly1 = y0 + max(b.y1 for b in line)
                lx0 = x0 + min(b.x0 for b in line)
                lx1 = x0 + max(b.x1 for b in line)
                if any(min(ly1, k.y1) - max(ly0, k.y0) > 0.3 * min(ly1 - ly0, k.h) for k in known):
                    continue
                found.append(_Box(lx0, ly0, lx1, ly1, ""))
    pad = max(2, round(0.15 * ref_h))
    crops = [
        image[
            max(0, int(b.y0) - pad) : math.ceil(b.y1) + pad,
            max(0, int(b.x0) - pad) : math.ceil(b.x1) + pad,
        ]
        for b in found
    ]
    read = _recognize_many(crops)
    for box, (text, score) in zip(found, read, strict=True):
        box.text, box.score = text, score
    return [b for b in found if b.text and b.score >= TEXT_SCORE]


def _extents(grid: _Grid) -> dict[int, tuple[int, int, int, int]]:
    """Group id → (row0, col0, row1, col1) of the merged cell it forms."""
    extent: dict[int, list[int]] = {}
    for r, row in enumerate(grid.groups):
        for c, g in enumerate(row):
            e = extent.setdefault(g, [r, c, r, c])
            e[0], e[1] = min(e[0], r), min(e[1], c)
            e[2], e[3] = max(e[2], r), max(e[3], c)
    return {g: (e[0], e[1], e[2], e[3]) for g, e in extent.items()}


def _group_lines(boxes: list[_Box]) -> list[list[_Box]]:
    """Boxes → text lines (top to bottom), each line's boxes left to right."""
    lines: list[list[_Box]] = []
    spans: list[tuple[float, float]] = []
    for box in sorted(boxes, key=lambda b: (b.cy, b.x0)):
        for i in range(len(lines) - 1, max(-1, len(lines) - 4), -1):
            top, bottom = spans[i]
            overlap = min(bottom, box.y1) - max(top, box.y0)
            if overlap >= 0.5 * min(bottom - top, box.h):
                lines[i].append(box)
                spans[i] = (min(top, box.y0), max(bottom, box.y1))
                break
        else:
            lines.append([box])
            spans.append((box.y0, box.y1))
    for line in lines:
        line.sort(key=lambda b: b.x0)
    order = sorted(range(len(lines)), key=lambda i: spans[i][0])
    return [lines[i] for i in order]


def _join_line(line: list[_Box]) -> str:
    """Chinese needs no spaces; a wide gap (> 1.5 line heights) keeps one, e.g. "第 3 页"."""
    height = max(b.h for b in line)
    parts = [line[0].text]
    for prev, box in itertools.pairwise(line):
        parts.append(" " if box.x0 - prev.x1 > 1.5 * height else "")
        parts.append(box.text)
    return "".join(parts)


def _table(grid: _Grid, width: int, height: int, page: int) -> Table:
    rows: list[list[Cell]] = [[] for _ in range(len(grid.ys) - 1)]
    for g, (r0, c0, r1, c1) in _extents(grid).items():
        lines = _group_lines(grid.boxes.get(g, []))
        # Text wraps inside cells mid-word ("办\n理", "1\n2"): join the lines with nothing.
        text = _fix_digits("".join("".join(b.text for b in line) for line in lines))
        x0, x1 = float(grid.xs[c0]), float(grid.xs[c1 + 1])
        bbox = (x0, float(grid.ys[r0]), x1, float(grid.ys[r1 + 1]))
        rows[r0].append(Cell(text, x0, x1, page, bbox))
    for row in rows:
        row.sort(key=lambda cell: cell.x0)
    return Table(
        [row for row in rows if row], kind="grid", coords=f"px:{width}x{height}", page=page
    )


def _fix_digits(text: str) -> str:
    """A lone 0 or 1 read without context comes out as the letter: "O" → "0", "l" → "1".

    Only for cell texts made of digits and these look-alikes; labels are never touched.
    """
    if _DIGITLIKE.fullmatch(text) and not text.isdigit():
        return text.translate(_DIGIT_FIXES)
    return text


def _paragraphs(
    boxes: list[_Box], page: int, tables: list[tuple[float, float]]
) -> list[tuple[float, Paragraph]]:
    """Free text → (top y, Paragraph). Wrapped lines of one paragraph are joined again, but
    never across a table (``tables``: their top and bottom y)."""
    lines = _group_lines(boxes)
    if not lines:
        return []
    left = min(b.x0 for line in lines for b in line)
    right = max(b.x1 for line in lines for b in line)
    out: list[tuple[float, Paragraph]] = []
    prev: list[_Box] | None = None
    for line in lines:
        text = _join_line(line)
        top = min(b.y0 for b in line)
        h = statistics.median(b.h for b in line)
        if prev is not None and out:
            p_right = max(b.x1 for b in prev)
            p_bottom = max(b.y1 for b in prev)
            p_h = statistics.median(b.h for b in prev)
            # A continuation: the previous line ran to the right margin, this one starts at the
            # left margin right below, in the same size. Headings end short and stay alone.
            if (
                not _ENDS_SENTENCE.search(out[-1][1].text)
                and not _HEADING.match(text)
                and p_right >= right - 1.5 * p_h
                and line[0].x0 <= left + 0.8 * h
                and top - p_bottom < 1.2 * h
                and 0.75 < h / p_h < 1.33
                and not any(p_bottom <= t0 and b1 <= top for t0, b1 in tables)
            ):
                out[-1][1].text += text
                prev = line
                continue
        out.append((top, Paragraph(text, page)))
        prev = line
    return out


def _layout(
    boxes: list[_Box], grids: list[_Grid], width: int, height: int, page: int
) -> list[Block]:
    free: list[_Box] = []
    for box in boxes:
        grid = next((g for g in grids if g.contains(box.cx, box.cy)), None)
        if grid is None:
            free.append(box)
        else:
            grid.boxes.setdefault(grid.group_at(box.cx, box.cy), []).append(box)
    placed: list[tuple[float, Block]] = [
        (float(g.ys[0]), _table(g, width, height, page)) for g in grids
    ]
    placed.extend(_paragraphs(free, page, [(float(g.ys[0]), float(g.ys[-1])) for g in grids]))
    placed.sort(key=lambda item: item[0])
    return [block for _, block in placed]
