"""The HTML of an article body: ``<p>`` per block, tables with the same rowspan/colspan grid
as the DOCX.

Portals that publish a report as a web page rather than an attachment serve this fragment inside
their own page chrome (farm/sites, farm/variants).
"""

from __future__ import annotations

import html

from .grids import Cell, Grid, TableStyle, grids_for


def html_table(grid: Grid, cls: str) -> str:
    n_rows, widths, cells = grid
    total = sum(widths)
    out = [f'<table class="{cls}" border="1" cellspacing="0" cellpadding="0" width="100%">']
    out.append("<tbody>")
    by_row: dict[int, list[Cell]] = {}
    for c in cells:
        by_row.setdefault(c[0], []).append(c)
    for r in range(n_rows):
        out.append("<tr>")
        for r0, c0, r1, c1, text, kind in sorted(by_row.get(r, []), key=lambda c: c[1]):
            attrs = []
            if r1 > r0:
                attrs.append(f'rowspan="{r1 - r0 + 1}"')
            if c1 > c0:
                attrs.append(f'colspan="{c1 - c0 + 1}"')
            if r0 == 0 or kind == "caption":
                pct = round(100 * sum(widths[c0 : c1 + 1]) / total, 1)
                attrs.append(f'width="{pct}%"')
            align = "left" if kind == "label" else "center"
            body = "<br/>".join(html.escape(x) for x in text.split("\n")) if text else "&nbsp;"
            a = (" " + " ".join(attrs)) if attrs else ""
            out.append(f'<td{a}><p style="text-align:{align}">{body}</p></td>')
        out.append("</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def report_body_html(truth: dict, st: TableStyle) -> str:
    """The report as the inside of an article container: ``<p>`` per block, tables as grids."""
    parts = []
    for block in truth["blocks"]:
        if block["type"] == "table":
            parts.append(html_table(grids_for(truth, block["key"], st), block["key"]))
            continue
        role = block.get("role", "body")
        text = html.escape(block["text"])
        if role == "title":
            parts.append(f'<p style="text-align:center;text-indent:0"><strong>{text}</strong></p>')
        elif role in ("signature", "date"):
            parts.append(f'<p style="text-align:right">{text}</p>')
        elif role == "attachment":
            parts.append(f'<p style="text-indent:0">{text}</p>')
        elif role in ("heading", "subheading"):
            parts.append(f"<p><strong>{text}</strong></p>")
        else:
            parts.append(f"<p>{text}</p>")
    return "\n".join(parts)
