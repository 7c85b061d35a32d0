"""Image preparation: any page image → 8-bit grayscale at the working size, deskewed.

Geometry tolerances downstream are tuned for a 200-dpi page (``REF_SIDE``), so every input is
brought near that size first; skew is measured on the ruling lines, where it is unambiguous.
"""

from __future__ import annotations

import math
import statistics
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image


# Working resolution: a 200-dpi A4 page is 1654×2339 (REF_SIDE). Larger scans are reduced to
# MAX_SIDE (rapidocr would shrink them to 2000 px anyway); geometry tolerances scale with it.
MAX_SIDE = 2400
MIN_SIDE = 1600  # smaller images (≤ 140 dpi A4) are enlarged towards REF_SIDE, at most ×2.5
MAX_UPSCALE = 2.5
REF_SIDE = 2339


MAX_SKEW_DEG = 5.0  # steeper "lines" are not page skew (diagonal strokes, stamps)
MIN_SKEW_DEG = 0.1  # below this the grid rebuild copes without rotating


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
