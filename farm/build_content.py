"""Pre-generate the farm's binary documents into ``farm/content/`` (committed).

    .venv/bin/python -m farm.build_content

Renders every report whose primary document is not HTML: DOCX (python-docx), PDF and Word 97 DOC
(LibreOffice, one batch call per format with a private profile under /tmp/lo-farm), WPS (the DOC
bytes renamed, as in tests/fixtures), an image-only scanned PDF, JPEG page slices for 图片版
articles, and an OFD (a zip with OFD.xml and text objects). Also the revised PDF served after the
``revise`` mutation. Output is deterministic (fixed zip timestamps, normalised PDF dates and IDs,
seeded scans); ``index.json`` records sha256 and the hash of the truth each file was made from.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from .content import CONTENT_DIR, SUFFIX, truth_hash
from .documents import (
    build_docx,
    build_ofd,
    build_scan,
    normalise_pdf,
    render_pages,
    soffice_convert,
)
from .model import Report
from .sites import MUTATIONS, portals
from .sites.common import table_style

PROFILE = Path("/tmp/lo-farm")  # our own LibreOffice profile: other users run soffice too
SCAN_DPI = 150
SCAN_QUALITY = 60
IMAGE_DPI = 110
IMAGE_QUALITY = 70
BUDGET_BYTES = 12_000_000
NO_CONTENT_FAULTS = ("dead-attachment", "oversize")


def needed(rep: Report) -> bool:
    return rep.fmt != "html" and rep.fault not in NO_CONTENT_FAULTS


def revised_truth(truth: dict) -> dict:
    """The corrected version the 'revise' mutation serves: same report, one more paragraph."""
    t = copy.deepcopy(truth)
    t["blocks"].insert(
        1,
        {
            "type": "p",
            "text": "（本报告于2025年6月修订：更正了第一部分“主动公开”中的信息条数，"
            "其余内容不变。）",
        },
    )
    return t


def main() -> None:
    t0 = time.time()
    reps: list[Report] = []
    for p in portals(frozenset(MUTATIONS)):
        reps += [r for r in p.reports if needed(r)]
    jobs: list[tuple[str, str, Report, dict]] = []  # (stem, fmt, report, truth)
    for rep in reps:
        assert rep.truth is not None
        jobs.append((rep.id, rep.fmt, rep, rep.truth))
        if rep.revised:
            jobs.append((f"{rep.id}.rev", "pdf", rep, revised_truth(rep.truth)))
    if CONTENT_DIR.exists():
        shutil.rmtree(CONTENT_DIR)
    CONTENT_DIR.mkdir(parents=True)
    index: dict[str, dict] = {}

    def put(name: str, data: bytes, rep: Report, fmt: str, truth: dict) -> None:
        (CONTENT_DIR / name).write_bytes(data)
        index[name] = {
            "report": rep.id,
            "format": fmt,
            "sha256": hashlib.sha256(data).hexdigest(),
            "size": len(data),
            "truth": truth_hash(truth),
        }

    with tempfile.TemporaryDirectory(prefix="farm-content-") as tmp_s:
        tmp = Path(tmp_s)
        docx_dir, out_dir = tmp / "docx", tmp / "out"
        docx_dir.mkdir()
        out_dir.mkdir()
        to_pdf, to_doc = [], []
        for stem, fmt, rep, truth in jobs:
            data = build_docx(truth, table_style(rep))
            if fmt == "docx":
                put(f"{stem}.docx", data, rep, fmt, truth)
                continue
            if fmt == "ofd":
                ofd = build_ofd(truth, rep.title, table_style(rep))
                put(f"{stem}.ofd", ofd, rep, fmt, truth)
                continue
            src = docx_dir / f"{stem}.docx"
            src.write_bytes(data)
            (to_doc if fmt in ("doc", "wps") else to_pdf).append(src)
        PROFILE.mkdir(parents=True, exist_ok=True)
        if to_pdf:
            soffice_convert(to_pdf, "pdf", out_dir, PROFILE)
        if to_doc:
            soffice_convert(to_doc, "doc:MS Word 97", out_dir, PROFILE)
        for stem, fmt, rep, truth in jobs:
            if fmt in ("doc", "wps"):
                data = (out_dir / f"{stem}.doc").read_bytes()
                put(f"{stem}{SUFFIX[fmt]}", data, rep, fmt, truth)
                continue
            if fmt not in ("pdf", "scan_pdf", "images"):
                continue
            pdf = out_dir / f"{stem}.pdf"
            normalise_pdf(pdf, truth)
            if fmt == "pdf":
                put(f"{stem}.pdf", pdf.read_bytes(), rep, fmt, truth)
            elif fmt == "scan_pdf":
                scan = tmp / f"{stem}.scan.pdf"
                build_scan(pdf, scan, stem, True, dpi=SCAN_DPI, quality=SCAN_QUALITY)
                put(f"{stem}.scan.pdf", scan.read_bytes(), rep, fmt, truth)
            else:
                for i, img in enumerate(render_pages(pdf, IMAGE_DPI), start=1):
                    buf = io.BytesIO()
                    img.save(buf, "JPEG", quality=IMAGE_QUALITY)
                    put(f"{stem}.p{i}.jpg", buf.getvalue(), rep, fmt, truth)
    (CONTENT_DIR / "index.json").write_text(
        json.dumps(dict(sorted(index.items())), ensure_ascii=False, indent=1) + "\n", "utf-8"
    )
    total = sum(e["size"] for e in index.values())
    print(f"wrote {len(index)} files, {total / 1e6:.2f} MB, in {time.time() - t0:.1f} s")
    if total > BUDGET_BYTES:
        sys.exit(
            f"farm content is {total / 1e6:.1f} MB, over the {BUDGET_BYTES / 1e6:.0f} MB budget"
        )


if __name__ == "__main__":
    main()
