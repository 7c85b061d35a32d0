"""What the commands print: aligned tables that keep CJK columns straight, report summaries."""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

import click


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def print_table(rows: list[dict], columns: list[tuple[str, str]], *, out=None) -> None:
    """A plain aligned table that keeps CJK columns straight in a terminal."""
    out = out or sys.stdout
    cells = [
        [str(r.get(key, "") if r.get(key) is not None else "—") for key, _ in columns] for r in rows
    ]
    widths = [
        max([_width(title)] + [_width(c[i]) for c in cells]) for i, (_, title) in enumerate(columns)
    ]
    click.echo("  ".join(_pad(t, w) for (_, t), w in zip(columns, widths, strict=True)), file=out)
    click.echo("  ".join("─" * w for w in widths), file=out)
    for c in cells:
        click.echo("  ".join(_pad(v, w) for v, w in zip(c, widths, strict=True)), file=out)


def short_format(media_type: str) -> str:
    from ..archive.store import EXTENSIONS

    return EXTENSIONS.get(media_type, "." + media_type.split("/")[-1])[1:] if media_type else ""


def summarize(path: Path, report: dict) -> dict:
    """One line per parsed document for the on-screen table."""
    cells = {(c["table"], c["row"], c["col"]): c for c in report["cells"]}
    fails = [c for c in report["checks"] if c["status"] == "FAIL" and c.get("severity") == "error"]

    def total(row: str) -> str:
        c = cells.get(("t3_applications", row, "total"))
        return "" if c is None else (c["raw"] or "空") if c["semantic"] != "TEXT" else "?"

    return {
        "file": path.name,
        "format": short_format(report["source"].get("media_type") or ""),
        "extraction": report["extraction"],
        "agency": report["agency"],
        "year": report["year"],
        "template": report["template_version"],
        "cells": len(report["cells"]),
        "new": total("new_received"),
        "done": total("total_processed"),
        "fails": len(fails),
    }


SUMMARY_COLUMNS = [
    ("file", "文件 file"),
    ("format", "格式"),
    ("extraction", "提取"),
    ("agency", "机关 agency"),
    ("year", "年度"),
    ("template", "模板"),
    ("cells", "单元格"),
    ("new", "新收"),
    ("done", "办结"),
    ("fails", "勾稽错误"),
]
