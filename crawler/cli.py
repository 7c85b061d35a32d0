"""The ``nianbao`` command: thin click wrappers over the modules that do the work.

Imports of heavy modules (pdfplumber, Scrapy, Datasette) stay inside the commands so that
``nianbao parse`` starts fast.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path

import click

from . import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="nianbao")
def cli() -> None:
    """Crawl, parse and publish 政府信息公开工作年度报告 (government information-disclosure
    annual reports) of China's county-level governments."""


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--pretty", is_flag=True, help="Indent the JSON.")
@click.option("--no-ocr", is_flag=True, help="Do not OCR pages without a text layer.")
@click.option(
    "--timeout",
    type=float,
    default=180.0,
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
    from .store import EXTENSIONS

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


DEFAULT_DB = "archive.db"
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
def import_(files: tuple[Path, ...], db_path: Path, portal_code: str | None, no_ocr: bool) -> None:
    """Add reports from local files (or folders of them) to the archive.

    The same pipeline as a crawl: the bytes are stored by sha256, parsed, and archived;
    importing a file twice changes nothing.
    """
    from .archive import Archive
    from .ingest import ingest

    archive = Archive(db_path)
    if portal_code and archive.db["portals"].count_where("code = ?", [portal_code]) == 0:
        raise click.ClickException(f"unknown portal {portal_code}: crawl or register it first")
    paths = [
        p for f in files for p in ([f] if f.is_file() else sorted(f.rglob("*"))) if p.is_file()
    ]
    rows = []
    for path in paths:
        result = ingest(
            archive, path.read_bytes(), path.name, portal_code=portal_code, ocr=not no_ocr
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
def reparse(db_path: Path, everything: bool, no_ocr: bool) -> None:
    """Re-parse stored documents with the current parser version, without crawling.

    Reports parsed by an older parser version are refreshed (all of them with --all); each keeps
    its id, its URLs and what the portal said about it, and records the parser version used.
    """
    from parsers import PARSER_VERSION

    from .archive import Archive
    from .ingest import reparse as run_reparse

    if not db_path.exists():
        raise click.ClickException(f"no archive at {db_path}")

    def progress(n: int, total: int, row: dict, parsed: dict) -> None:
        click.echo(f"[{n}/{total}] report {row['id']}: {parsed['extraction']}", err=True)

    stats = run_reparse(Archive(db_path), everything=everything, ocr=not no_ocr, progress=progress)
    click.echo(
        f"parser {PARSER_VERSION}: {stats['reparsed']} of {stats['reports']} reports re-parsed"
        + (f", {stats['missing_files']} stored files missing" if stats["missing_files"] else "")
    )


@cli.command()
@db_option
@click.option("-p", "--port", default=8001, show_default=True, help="Port to listen on.")
@click.option("-h", "--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
def serve(db_path: Path, port: int, host: str) -> None:
    """Publish the archive read-only with Datasette (search, facets, charts, feeds)."""
    from .publish import serve as run_serve

    if not db_path.exists():
        raise click.ClickException(
            f"no archive at {db_path}: run `nianbao crawl` or `nianbao demo`"
        )
    run_serve(db_path, host=host, port=port)


def crawl_settings(db_path: Path, overrides: dict | None = None):
    """The project's Scrapy settings plus command-line overrides, proxies from the environment."""
    from scrapy.settings import Settings

    from . import settings as project
    from .proxies import launch_options

    settings = Settings()
    settings.setmodule(project, priority="project")
    settings.set("NIANBAO_DB", str(db_path), priority="cmdline")
    settings.set(
        "PLAYWRIGHT_LAUNCH_OPTIONS", launch_options(project.PLAYWRIGHT_LAUNCH_OPTIONS), "cmdline"
    )
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def run_crawl(settings, registry: str | None, portals: str | None, years: str | None) -> None:
    from scrapy.crawler import CrawlerProcess

    from spiders.portal import PortalSpider

    process = CrawlerProcess(settings)
    process.crawl(PortalSpider, registry=registry, portals=portals, years=years)
    process.start()


def print_outcomes(db_path: Path, codes: list[str] | None = None) -> None:
    from .archive import Archive

    archive = Archive(db_path)
    rows = list(
        archive.db.query(
            "SELECT p.code, p.name, p.platform, p.status, p.status_reason, "
            "(SELECT count(*) FROM reports r WHERE r.portal_code = p.code) AS reports "
            "FROM portals p ORDER BY p.code"
        )
    )
    if codes:
        rows = [r for r in rows if r["code"] in codes]
    for r in rows:
        r["status_reason"] = (r["status_reason"] or "")[:70]
    print_table(
        rows,
        [
            ("code", "代码"),
            ("name", "名称"),
            ("platform", "平台"),
            ("status", "结果"),
            ("reports", "报告"),
            ("status_reason", "原因"),
        ],
    )


@cli.command()
@click.option(
    "--registry",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Portal registry CSV (default: the bundled sample registry).",
)
@db_option
@click.option("--portal", "portals", multiple=True, help="Only this 行政区划代码 (repeatable).")
@click.option("--years", help="Report years to keep, e.g. 2021-2024 or 2023.")
@click.option("--delay", type=float, help="Seconds between requests to one host (default 1).")
@click.option("--no-ocr", is_flag=True, help="Do not OCR scanned reports.")
@click.option("--no-browser", is_flag=True, help="Never render pages in Chromium.")
@click.option("--fresh", is_flag=True, help="Start a new crawl even if the last one was cut short.")
@click.option(
    "--log-level",
    default="INFO",
    show_default=True,
    type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"]),
)
@click.option(
    "-s",
    "--set",
    "extra",
    multiple=True,
    metavar="NAME=VALUE",
    help="Any setting of crawler/settings.py.",
)
def crawl(registry, db_path, portals, years, delay, no_ocr, no_browser, fresh, log_level, extra):
    """Crawl the registry's portals for annual reports and archive them.

    Each portal is walked from its home page to its 年报 column(s) — the county government's,
    its departments' and townships' — and every report document is downloaded, stored by
    sha256, parsed and archived. Incremental: a second crawl sends conditional requests and
    re-parses nothing unchanged. A crawl that was killed resumes where it stopped.
    """
    from .registry import BUNDLED, RegistryError, load_registry

    try:
        chosen = load_registry(registry, list(portals) or None)
    except RegistryError as exc:
        raise click.ClickException(str(exc)) from exc
    import os

    if (
        registry is None
        and any(p.host.endswith(".test") for p in chosen)
        and not (os.environ.get("http_proxy") or os.environ.get("HTTP_PROXY"))
    ):
        raise click.ClickException(
            f"the bundled registry ({BUNDLED}) lists the sample portals, which exist only inside "
            "the sample farm: run `nianbao demo` to crawl them, or pass --registry with real "
            "portals"
        )
    overrides = {
        "LOG_LEVEL": log_level,
        "NIANBAO_OCR": not no_ocr,
        "NIANBAO_BROWSER": not no_browser,
        "NIANBAO_RESUME": not fresh,
    }
    if delay is not None:
        overrides["DOWNLOAD_DELAY"] = delay
    for item in extra:
        key, _, value = item.partition("=")
        overrides[key.strip()] = value
    settings = crawl_settings(db_path, overrides)
    run_crawl(settings, str(registry) if registry else None, ",".join(portals) or None, years)
    print_outcomes(db_path, [p.code for p in chosen])


@cli.command()
@db_option
@click.option("-p", "--port", default=8001, show_default=True, help="Port for Datasette.")
@click.option("--no-serve", is_flag=True, help="Crawl and archive, then exit.")
@click.option(
    "--time-scale",
    default=0.05,
    show_default=True,
    help="Speed of the sample portals (1 = as slow as real ones).",
)
@click.option(
    "--delay",
    default=0.1,
    show_default=True,
    help="Seconds between requests to one host (real crawls: 1).",
)
def demo(db_path: Path, port: int, no_serve: bool, time_scale: float, delay: float) -> None:
    """Crawl the bundled sample portals into the archive, then serve it.

    Starts the sample-portal farm (13 offline county portals of the main platform families,
    with their faults: challenges, robots.txt, redirects, encodings, dead links…), crawls it
    through the standard proxy variables exactly as a real crawl would run, prints each
    portal's outcome and how the archive compares with the farm's ground truth, and serves the
    archive with Datasette. Run it again to see an incremental re-crawl.
    """
    import subprocess
    import time

    import farm
    from farm.evaluate import score

    with farm.start(time_scale=time_scale) as f:
        click.echo(
            f"sample portals running (proxy {f.proxy_url}); crawling into {db_path} …", err=True
        )
        argv, env = f.crawl_command(
            db_path, "--delay", str(delay), "-s", f"NIANBAO_BACKOFF_BASE={max(time_scale, 0.05)}"
        )
        started = time.monotonic()
        proc = subprocess.run(argv, env=env)
        if proc.returncode != 0:
            raise click.ClickException("the crawl failed (see the messages above)")
        scores = score(db_path, f.manifest)
        requests = len(f.requests())
    found = sum(s.found for s in scores.values())
    must = sum(s.must for s in scores.values())
    wrong = sum(len(s.wrong) + len(s.duplicates) for s in scores.values())
    outcomes = sum(s.outcome == s.expected_outcome for s in scores.values())
    click.echo(
        f"\n{requests} requests in {time.monotonic() - started:.0f} s. Against the farm's ground "
        f"truth: {found} of {must} reports archived, {wrong} wrong or duplicated, "
        f"{outcomes} of {len(scores)} portal outcomes as expected.",
        err=True,
    )
    if no_serve:
        return
    click.echo(f"\nBrowse the archive: http://127.0.0.1:{port}/   (Ctrl-C to stop)", err=True)
    from .publish import serve as run_serve

    run_serve(db_path, host="127.0.0.1", port=port)


def main() -> None:  # pragma: no cover - console entry point
    cli()
