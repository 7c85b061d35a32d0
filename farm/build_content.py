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
import zipfile
from pathlib import Path

from .content import CONTENT_DIR, SUFFIX, truth_hash
from .documents import (
    FIXED_TIME,
    TableStyle,
    build_docx,
    build_scan,
    grids_for,
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


def build_ofd(truth: dict, title: str, style: TableStyle) -> bytes:
    """A minimal OFD (GB/T 33190) package: one TextObject per printed line, tables as rows."""
    lines: list[list[tuple[float, str]]] = []  # each line: (x mm, text) pieces
    for block in truth["blocks"]:
        if block["type"] == "p":
            text = block["text"]
            while text:
                lines.append([(25.0, text[:38])])
                text = text[38:]
            continue
        n_rows, widths, cells = grids_for(truth, block["key"], style)
        scale = 160.0 / sum(widths)
        xs = [25.0]
        for w in widths:
            xs.append(xs[-1] + w * scale)
        for r in range(n_rows):
            row = sorted((c for c in cells if c[0] == r), key=lambda c: c[1])
            lines.append([(round(xs[c[1]], 1), c[4].replace("\n", "")) for c in row if c[4]])
    pages = [lines[i : i + 44] for i in range(0, len(lines), 44)]
    ns = 'xmlns:ofd="http://www.ofdspec.org/2016"'
    files: dict[str, str] = {}
    uid = 10
    page_refs = []
    for pi, plines in enumerate(pages):
        objs = []
        for li, pieces in enumerate(plines):
            y = 30 + li * 5.5
            for x, text in pieces:
                uid += 1
                esc_text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                objs.append(
                    f'<ofd:TextObject ID="{uid}" Boundary="{x} {y:.1f} 160 5" Font="2" Size="3.5">'
                    f'<ofd:TextCode X="0" Y="3.5">{esc_text}</ofd:TextCode></ofd:TextObject>'
                )
        files[f"Doc_0/Pages/Page_{pi}/Content.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Page {ns}><ofd:Content>'
            f'<ofd:Layer ID="{pi + 3}">{"".join(objs)}</ofd:Layer></ofd:Content></ofd:Page>'
        )
        page_refs.append(f'<ofd:Page ID="{1000 + pi}" BaseLoc="Pages/Page_{pi}/Content.xml"/>')
    files["OFD.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:OFD {ns} Version="1.1" DocType="OFD">'
        f"<ofd:DocBody><ofd:DocInfo><ofd:DocID>{hashlib.md5(title.encode()).hexdigest()}"
        f"</ofd:DocID><ofd:Title>{title}</ofd:Title><ofd:CreationDate>{truth['report_date']}"
        "</ofd:CreationDate><ofd:Creator>OFD Writer</ofd:Creator></ofd:DocInfo>"
        "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
    )
    files["Doc_0/Document.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Document {ns}><ofd:CommonData>'
        f"<ofd:MaxUnitID>{uid}</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297"
        "</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes>"
        f"</ofd:CommonData><ofd:Pages>{''.join(page_refs)}</ofd:Pages></ofd:Document>"
    )
    files["Doc_0/PublicRes.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Res {ns} BaseLoc="Res"><ofd:Fonts>'
        '<ofd:Font ID="2" FontName="宋体" FamilyName="宋体"/></ofd:Fonts></ofd:Res>'
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(files, key=lambda n: (n != "OFD.xml", n)):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, files[name].encode("utf-8"))
    return buf.getvalue()


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
