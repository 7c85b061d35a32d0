"""``nianbao parse`` and ``parse-dir``: documents → the parse-output JSON, no archive."""

from __future__ import annotations

import json
from pathlib import Path

import click

from parsers import DEFAULT_TIMEOUT

from . import cli
from .output import SUMMARY_COLUMNS, print_table, summarize


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--pretty", is_flag=True, help="Indent the JSON.")
@click.option("--no-ocr", is_flag=True, help="Do not OCR pages without a text layer.")
@click.option(
    "--timeout",
    type=float,
    default=DEFAULT_TIMEOUT,
    show_default=True,
    help="Give up after this many seconds.",
)
@click.option("--text", "with_text", is_flag=True, help="Include the full document text.")
def parse(file: Path, pretty: bool, no_ocr: bool, timeout: float, with_text: bool) -> None:
    """Parse one report document (PDF, scan, DOCX, DOC, WPS, HTML, text) and print its JSON.

    The JSON follows the parse-output contract (docs/data-dictionary.md): metadata, template
    layout, every table cell with its raw text and meaning, and the consistency checks. Bad
    input still prints JSON, with "extraction": "none" and a warning.
    """
    from parsers import parse_file

    report = parse_file(file, ocr=not no_ocr, timeout=timeout)
    if not with_text:
        report.pop("text", None)
    click.echo(json.dumps(report, ensure_ascii=False, indent=2 if pretty else None))


@cli.command("parse-dir")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--no-ocr", is_flag=True, help="Do not OCR pages without a text layer.")
def parse_dir(directory: Path, no_ocr: bool) -> None:
    """Parse every document in DIRECTORY and print one summary line per document."""
    from parsers import parse_file

    files = sorted(p for p in directory.rglob("*") if p.is_file() and not p.name.startswith("."))
    rows = []
    for path in files:
        click.echo(f"parsing {path.relative_to(directory)} …", err=True)
        rows.append(summarize(path, parse_file(path, ocr=not no_ocr)))
    print_table(rows, SUMMARY_COLUMNS)
