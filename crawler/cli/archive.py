"""``nianbao import``, ``reparse`` and ``serve``: the archive without crawling."""

from __future__ import annotations

from pathlib import Path

import click

from .. import settings
from . import cli
from .failures import no_room_is_a_clear_failure
from .locking import command_line, holding, wait_option
from .output import SUMMARY_COLUMNS, print_table, summarize

DEFAULT_DB = settings.NIANBAO_DB
db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_DB,
    show_default=True,
    help="The archive (SQLite). Documents are stored in <name>-files/ beside it.",
)


@cli.command("import")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=True, path_type=Path)
)
@db_option
@click.option("--portal", "portal_code", help="行政区划代码 of the portal these reports belong to.")
@click.option("--no-ocr", is_flag=True, help="Do not OCR pages without a text layer.")
@wait_option
def import_(
    files: tuple[Path, ...], db_path: Path, portal_code: str | None, no_ocr: bool, wait: bool
) -> None:
    """Add reports from local files (or folders of them) to the archive.

    The same pipeline as a crawl: the bytes are stored by sha256, parsed, and archived;
    importing a file twice changes nothing.
    """
    with holding(db_path, command_line(), wait), no_room_is_a_clear_failure():
        _import(files, db_path, portal_code, no_ocr)


def _import(files: tuple[Path, ...], db_path: Path, portal_code: str | None, no_ocr: bool) -> None:
    from ..archive import Archive
    from ..archive.ingest import ParseLimits, ingest
    from ..provenance import Listing

    archive = Archive(db_path)
    if portal_code and not archive.ensure_portal(portal_code):
        raise click.ClickException(
            f"unknown county code {portal_code}: not in the national county list "
            "(crawler/data/counties.csv)"
        )
    paths = [
        p for f in files for p in ([f] if f.is_file() else sorted(f.rglob("*"))) if p.is_file()
    ]
    rows = []
    for path in paths:
        result = ingest(
            archive,
            path.read_bytes(),
            path.name,
            Listing(portal_code=portal_code),
            limits=ParseLimits(ocr=not no_ocr),
        )
        if result.parsed is not None:
            row = summarize(path, result.parsed)
        else:
            row = {"file": path.name, "extraction": "(known)"}
        row["report"] = result.report_id if result.report_id is not None else "—"
        rows.append(row)
        click.echo(f"{path}: report {row['report']}", err=True)
    print_table(rows, [("report", "报告 id"), *SUMMARY_COLUMNS])


@cli.command()
@db_option
@click.option(
    "--all", "everything", is_flag=True, help="Re-parse every report, not only outdated ones."
)
@click.option("--no-ocr", is_flag=True, help="Do not OCR pages without a text layer.")
@wait_option
def reparse(db_path: Path, everything: bool, no_ocr: bool, wait: bool) -> None:
    """Re-parse stored documents with the current parser version, without crawling.

    Reports parsed by an older parser version are refreshed (all of them with --all); each keeps
    its id, its URLs and what the portal said about it, and records the parser version used.
    """
    from parsers import PARSER_VERSION

    from ..archive import Archive
    from ..archive.ingest import ParseLimits
    from ..archive.reparse import reparse as run_reparse

    if not db_path.exists():
        raise click.ClickException(f"no archive at {db_path}")

    def progress(n: int, total: int, row: dict, parsed: dict) -> None:
        click.echo(f"[{n}/{total}] report {row['id']}: {parsed['extraction']}", err=True)

    limits = ParseLimits(ocr=not no_ocr)
    with holding(db_path, command_line(), wait), no_room_is_a_clear_failure():
        archive = Archive(db_path)
        stats = run_reparse(archive, everything=everything, limits=limits, progress=progress)
    click.echo(
        f"parser {PARSER_VERSION}: {stats['reparsed']} of {stats['reports']} reports re-parsed"
        + (f", {stats['merged']} merged into a report of the same key" if stats["merged"] else "")
        + (f", {stats['missing_files']} stored files missing" if stats["missing_files"] else "")
        + (f", {stats['needs_ocr']} kept (read by OCR; --no-ocr)" if stats["needs_ocr"] else "")
        + (f", {stats['unreadable']} kept (nothing read this time)" if stats["unreadable"] else "")
    )


@cli.command()
@db_option
def findings(db_path: Path) -> None:
    """Recompute every indicator and flag (anomaly) of the archive.

    Saving a report keeps them current already; run this after loading an archive in bulk, or
    when the indicators' definitions changed.
    """
    from ..archive import Archive

    if not db_path.exists():
        raise click.ClickException(f"no archive at {db_path}")
    stats = Archive(db_path).rebuild_findings(progress=lambda m: click.echo(m, err=True))
    click.echo(f"{stats['indicators']:,} indicator rows, {stats['flags']:,} flags")


@cli.command()
@db_option
@click.option(
    "--dir", "out_dir", type=click.Path(file_okay=False, path_type=Path),
    help="Where to write it (default: <archive>-snapshots/ beside the archive).",
)  # fmt: skip
def snapshot(db_path: Path, out_dir: Path | None) -> None:
    """Write today's consistent copy of the archive, the file /-/downloads offers."""
    from ..archive import Archive

    if not db_path.exists():
        raise click.ClickException(f"no archive at {db_path}")
    path = Archive(db_path).snapshot(out_dir)
    click.echo(f"{path} ({path.stat().st_size / 2**20:,.1f} MiB)")


@cli.command()
@db_option
@click.option("-p", "--port", default=8001, show_default=True, help="Port to listen on.")
@click.option("-h", "--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
def serve(db_path: Path, port: int, host: str) -> None:
    """Publish the archive read-only with Datasette (search, facets, charts, feeds)."""
    from ..publish.app import serve as run_serve

    if not db_path.exists():
        raise click.ClickException(
            f"no archive at {db_path}: run `nianbao crawl` or `nianbao demo`"
        )
    run_serve(db_path, host=host, port=port)
