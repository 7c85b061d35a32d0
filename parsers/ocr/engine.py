"""The process's rapidocr engines, and the only two calls into them: detect, recognise.

One detector (onnxruntime threads over the cores, calls serialised by ``_ENGINE_LOCK``) and one
single-threaded recogniser per worker thread. Engines are created on first use and again after
a fork; glibc's arenas are capped and trimmed so a long parse stays within its memory limit.
The lock, the thread-local recogniser and the engine live here with the code that uses them.
"""

from __future__ import annotations

import math
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .boxes import _Box

if TYPE_CHECKING:
    import numpy as np


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


_ENGINE: _Engines | None = None
# Engines a forked child inherited from its parent, kept referenced for the child's life: their
# onnxruntime sessions own thread pools whose threads did not survive the fork, and destroying
# one waits forever on a condition variable those threads held (a parse child hung until its
# deadline whenever the parent had OCR'd before forking).
_INHERITED: list[_Engines] = []
_ENGINE_LOCK = threading.Lock()  # creation, and calls to the (single) detector


def _after_fork_in_child() -> None:
    # A parent thread may have held the lock at the fork; the child's copy would stay locked.
    global _ENGINE_LOCK
    _ENGINE_LOCK = threading.Lock()


os.register_at_fork(after_in_child=_after_fork_in_child)
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
                if engine is not None:
                    _INHERITED.append(engine)
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
