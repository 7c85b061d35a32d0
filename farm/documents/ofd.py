"""Minimal OFD (GB/T 33190) packages: a text one, and one of scanned page images.

Some portals publish OFD, China's national fixed-layout format, so the farm and the fixtures serve
it too. The text OFD lays the truth out line by line, table cells wrapped inside their cells as
a converter would place them; zip members carry fixed timestamps.
"""

from __future__ import annotations

import hashlib
import io
import zipfile

from .grids import Grid, TableStyle, grids_for
from .stamps import FIXED_TIME

OFD_SIZE = 3.5  # mm: the font size of the OFD writer


def _ofd_wrap(text: str, width: float) -> list[str]:
    """Text broken into lines that fit ``width`` mm, as a converter lays out a table cell."""
    lines, line, used = [], "", 0.0
    for ch in text:
        w = OFD_SIZE if ord(ch) > 0x2E7F else 0.55 * OFD_SIZE
        if line and used + w > width:
            lines.append(line)
            line, used = "", 0.0
        line += ch
        used += w
    return [*lines, line] if line else lines


def _ofd_table_lines(grid: Grid, left: float, width: float) -> list[list[tuple[float, str]]]:
    """A table as printed lines: cell text wrapped inside its cell, vertically centred."""
    n_rows, widths, cells = grid
    scale = width / sum(widths)
    xs = [left]
    for w in widths:
        xs.append(xs[-1] + w * scale)
    wrapped = {
        c: _ofd_wrap(c[4].replace("\n", ""), xs[c[3] + 1] - xs[c[1]] - 1.6) for c in cells if c[4]
    }
    height = [1] * n_rows  # lines per grid row
    for c, lines in wrapped.items():
        if c[0] == c[2]:
            height[c[0]] = max(height[c[0]], len(lines))
    for c, lines in wrapped.items():  # a merged cell taller than its rows stretches the last
        span = sum(height[c[0] : c[2] + 1])
        if len(lines) > span:
            height[c[2]] += len(lines) - span
    top = [sum(height[:r]) for r in range(n_rows)]
    out: list[list[tuple[float, str]]] = [[] for _ in range(sum(height))]
    for c, lines in wrapped.items():
        span = sum(height[c[0] : c[2] + 1])
        first = top[c[0]] + (span - len(lines)) // 2
        for i, text in enumerate(lines):
            out[first + i].append((round(xs[c[1]] + 0.8, 1), text))
    return [sorted(line) for line in out]


def build_ofd(truth: dict, title: str | None, style: TableStyle) -> bytes:
    """A minimal OFD (GB/T 33190) package: one TextObject per printed line or cell line."""
    lines: list[list[tuple[float, str]]] = []  # each line: (x mm, text) pieces
    for block in truth["blocks"]:
        if block["type"] == "p":
            text = block["text"]
            while text:
                lines.append([(25.0, text[:38])])
                text = text[38:]
            continue
        lines.extend(_ofd_table_lines(grids_for(truth, block["key"], style), 25.0, 160.0))
    uid = 10
    layers = []
    for pi in range(0, len(lines), 44):
        objs = []
        for li, pieces in enumerate(lines[pi : pi + 44]):
            y = 30 + li * 5.5
            for x, text in pieces:
                uid += 1
                esc_text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                objs.append(
                    f'<ofd:TextObject ID="{uid}" Boundary="{x} {y:.1f} 160 5" Font="2" '
                    f'Size="{OFD_SIZE}"><ofd:TextCode X="0" Y="3.5">{esc_text}</ofd:TextCode>'
                    "</ofd:TextObject>"
                )
        layers.append("".join(objs))
    fonts = '<ofd:Fonts><ofd:Font ID="2" FontName="宋体" FamilyName="宋体"/></ofd:Fonts>'
    return _ofd_package(title, truth["report_date"], layers, fonts, {}, uid)


def build_image_ofd(pages: list[bytes], title: str | None, report_date: str | None) -> bytes:
    """An OFD of scanned pages: each page one JPEG ImageObject covering it, no text at all."""
    layers, media, res = [], {}, []
    for pi, jpeg in enumerate(pages):
        rid = 100 + pi
        layers.append(
            f'<ofd:ImageObject ID="{200 + pi}" ResourceID="{rid}" Boundary="0 0 210 297" '
            'CTM="210 0 0 297 0 0"/>'
        )
        media[f"Doc_0/Res/page_{pi}.jpg"] = jpeg
        res.append(
            f'<ofd:MultiMedia ID="{rid}" Type="Image" Format="JPEG">'
            f"<ofd:MediaFile>page_{pi}.jpg</ofd:MediaFile></ofd:MultiMedia>"
        )
    multimedia = f"<ofd:MultiMedias>{''.join(res)}</ofd:MultiMedias>"
    return _ofd_package(title, report_date, layers, multimedia, media, 300)


def _ofd_package(
    title: str | None,
    report_date: str | None,
    layers: list[str],
    resources: str,
    media: dict[str, bytes],
    max_uid: int,
) -> bytes:
    ns = 'xmlns:ofd="http://www.ofdspec.org/2016"'
    named = f"<ofd:Title>{title}</ofd:Title>" if title else ""
    created = f"<ofd:CreationDate>{report_date}</ofd:CreationDate>" if report_date else ""
    files: dict[str, bytes | str] = {}
    page_refs = []
    for pi, layer in enumerate(layers):
        files[f"Doc_0/Pages/Page_{pi}/Content.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Page {ns}><ofd:Content>'
            f'<ofd:Layer ID="{pi + 3}">{layer}</ofd:Layer></ofd:Content></ofd:Page>'
        )
        page_refs.append(f'<ofd:Page ID="{1000 + pi}" BaseLoc="Pages/Page_{pi}/Content.xml"/>')
    files["OFD.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:OFD {ns} Version="1.1" DocType="OFD">'
        f"<ofd:DocBody><ofd:DocInfo><ofd:DocID>{hashlib.md5((title or '').encode()).hexdigest()}"
        f"</ofd:DocID>{named}{created}"
        "<ofd:Creator>OFD Writer</ofd:Creator></ofd:DocInfo>"
        "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
    )
    files["Doc_0/Document.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Document {ns}><ofd:CommonData>'
        f"<ofd:MaxUnitID>{max_uid}</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297"
        "</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes>"
        f"</ofd:CommonData><ofd:Pages>{''.join(page_refs)}</ofd:Pages></ofd:Document>"
    )
    files["Doc_0/PublicRes.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Res {ns} BaseLoc="Res">{resources}</ofd:Res>'
    )
    files.update(media)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(files, key=lambda n: (n != "OFD.xml", n)):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            data = files[name]
            z.writestr(info, data.encode("utf-8") if isinstance(data, str) else data)
    return buf.getvalue()
