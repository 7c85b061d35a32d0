"""Plain text → Document.

Text reports reach us as the output of some other extractor, with tables serialised in one of
three ways (spec §8 item 7, all three in ``shared/seeds``):

* tab-separated rows (``a\\tb\\tc``), blank padding unreliable → ``tokens`` tables;
* one cell per line, each prefixed by a tab, a blank line ending the row, a line without the
  tab continuing the previous cell → exact ``cells`` tables;
* markdown pipe tables (``| a | b |``), rowspans collapsed → ``tokens`` tables.
"""

from __future__ import annotations

import re

from .document import Cell, Document, Paragraph, Table

_MD_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}")


def decode_text(data: bytes) -> tuple[str, list[str]]:
    """Decode text bytes: BOM, then UTF-8, then GB18030 (a superset of GBK/GB2312)."""
    for bom, enc in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(enc, errors="replace"), []
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), ["text decoded as GB18030 (not valid UTF-8)"]
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace"), ["text is neither UTF-8 nor GB18030"]


def _tokens_table(rows: list[list[str]]) -> Table:
    return Table(
        [[Cell(t, i, i + 1) for i, t in enumerate(r)] for r in rows], kind="tokens", coords="tokens"
    )


def _is_cell_line(line: str) -> bool:
    """A line of the one-cell-per-line style: a leading tab and no other tab."""
    return line.startswith("\t") and "\t" not in line[1:]


def extract_text(data: bytes | str) -> Document:
    text, warnings = decode_text(data) if isinstance(data, bytes) else (data, [])
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    tab_lines = [ln for ln in lines if "\t" in ln]
    cell_style = bool(tab_lines) and sum(map(_is_cell_line, tab_lines)) > 0.8 * len(tab_lines)
    blocks = _cell_style(lines) if cell_style else _row_style(lines)
    doc = Document(blocks=blocks, media_type="text/plain", warnings=warnings)
    if not any(isinstance(b, Paragraph) and b.text.strip() for b in blocks) and not any(
        isinstance(b, Table) for b in blocks
    ):
        doc.extraction = "none"
        doc.warnings.append("the text file is empty")
    return doc


def _row_style(lines: list[str]) -> list:
    """Tab-separated and markdown rows; a blank line inside a table does not end it."""
    blocks: list = []
    rows: list[list[str]] = []

    def flush() -> None:
        if rows:
            blocks.append(_tokens_table(rows.copy()))
            rows.clear()

    for i, line in enumerate(lines):
        stripped = line.strip()
        if line.lstrip().startswith("|"):
            if not _MD_SEPARATOR.match(stripped):
                rows.append([c.strip() for c in stripped.strip("|").split("|")])
            continue
        if "\t" in line:
            # A dashed rule such as "---------\t---" is drawing, not data.
            if not re.fullmatch(r"[-\s]*", line):
                rows.append(line.split("\t"))
            continue
        if not stripped:
            nxt = next((ln for ln in lines[i + 1 :] if ln.strip()), "")
            if rows and ("\t" in nxt or nxt.lstrip().startswith("|")):
                continue  # spacer line inside a table (page break in the source)
            flush()
            continue
        flush()
        blocks.append(Paragraph(stripped))
    flush()
    return blocks


def _cell_style(lines: list[str]) -> list:
    """One cell per line; a blank line ends a row; two blank lines or prose end a table."""
    blocks: list = []
    rows: list[list[str]] = []
    row: list[str] = []
    prev_blank = True

    def end_row() -> None:
        if row:
            rows.append(row.copy())
            row.clear()

    def flush() -> None:
        end_row()
        if rows:
            table = Table(
                [[Cell(t, i, i + 1) for i, t in enumerate(r)] for r in rows],
                kind="cells",
                coords="cells",
            )
            blocks.append(table)
            rows.clear()

    for line in lines:
        if line.startswith("\t"):
            row.append(line[1:].strip())
            prev_blank = False
        elif not line.strip():
            end_row()
            prev_blank = True
        elif row and not prev_blank:
            row[-1] += line.strip()  # a wrapped cell ("本年新" / "制作数量")
        else:
            flush()
            blocks.append(Paragraph(line.strip()))
            prev_blank = False
    flush()
    return blocks
