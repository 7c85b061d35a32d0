"""``nianbao crawl`` and ``demo``: Scrapy runs of the portal spider, and their outcomes."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import cli
from .archive import db_option
from .locking import command_line, holding, wait_option
from .output import print_table


def crawl_settings(db_path: Path, overrides: dict | None = None):
    """The project's Scrapy settings plus command-line overrides."""
    from scrapy.settings import Settings

    from .. import settings as project

    settings = Settings()
    settings.setmodule(project, priority="project")
    settings.set("NIANBAO_DB", str(db_path), priority="cmdline")
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
    from ..archive import Archive

    archive = Archive(db_path)
    rows = list(
        archive.db.query(
            "SELECT p.code, p.name, p.platform, p.status, p.status_reason, p.pages, p.rendered, "
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
            ("pages", "页面 pages"),
            ("rendered", "渲染 rendered"),
            ("status_reason", "原因"),
        ],
    )


@cli.command()
@click.option(
    "--registry",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Portal registry CSV (code,name,province,prefecture,url,…; docs/usage.md).",
)
@db_option
@click.option("--portal", "portals", multiple=True, help="Only this 行政区划代码 (repeatable).")
@click.option("--years", help="Report years to keep, e.g. 2021-2024 or 2023.")
@click.option("--delay", type=float, help="Seconds between requests to one host (default 1).")
@click.option("--no-ocr", is_flag=True, help="Do not OCR scanned reports.")
@click.option("--no-browser", is_flag=True, help="Never render pages in Chromium.")
@click.option("--fresh", is_flag=True, help="Start a new crawl even if the last one was cut short.")
@click.option(
    "--ca-file",
    type=click.Path(exists=True, dir_okay=False),
    envvar="NIANBAO_CA_FILE",
    help="Also trust this CA certificate (PEM), e.g. a proxy's that terminates TLS. "
    "Certificates are always verified; a broken one is fetched unverified and recorded.",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Live progress line on stderr (default: only when stderr is a terminal).",
)
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
@wait_option
def crawl(
    registry,
    db_path,
    portals,
    years,
    delay,
    no_ocr,
    no_browser,
    fresh,
    ca_file,
    progress,
    log_level,
    extra,
    wait,
):
    """Crawl the registry's portals for annual reports and archive them.

    Each portal is walked from its home page to its 年报 column(s) — the county government's,
    its departments' and townships' — and every report document is downloaded, stored by
    sha256, parsed and archived. Incremental: a second crawl sends conditional requests and
    re-parses nothing unchanged. A crawl that was killed resumes where it stopped.
    """
    from ..registry import RegistryError, load_registry

    try:
        chosen = load_registry(registry, list(portals) or None)
    except RegistryError as exc:
        raise click.ClickException(str(exc)) from exc
    overrides = {
        "LOG_LEVEL": log_level,
        "NIANBAO_OCR": not no_ocr,
        "NIANBAO_BROWSER": not no_browser,
        "NIANBAO_RESUME": not fresh,
    }
    if delay is not None:
        overrides["DOWNLOAD_DELAY"] = delay
    if ca_file:
        from ..tls import CAFileError, TlsPolicy

        try:
            TlsPolicy(ca_file=ca_file)  # refused now, not as a traceback from inside the crawl
        except CAFileError as exc:
            raise click.ClickException(str(exc)) from exc
        overrides["NIANBAO_CA_FILE"] = ca_file
    if progress is not None:  # neither flag: the setting (auto) decides
        overrides["NIANBAO_PROGRESS"] = progress
    for item in extra:
        key, _, value = item.partition("=")
        overrides[key.strip()] = value
    settings = crawl_settings(db_path, overrides)
    with holding(db_path, command_line(), wait):  # one crawl per archive, for its whole life
        run_crawl(settings, str(registry), ",".join(portals) or None, years)
    print_outcomes(db_path, [p.code for p in chosen])
    print_tls_fallbacks(db_path)
    sys.exit(crawl_exit_status(db_path))


def print_tls_fallbacks(db_path: Path) -> None:
    """The run summary's TLS line: the portals fetched over unverified connections."""
    from ..archive import Archive

    archive = Archive(db_path)
    rows = archive.db.execute(
        "SELECT pr.portal_code, p.name, pr.tls_fallback FROM portal_runs pr "
        "JOIN portals p ON p.code = pr.portal_code "
        "WHERE pr.crawl_run = (SELECT max(id) FROM crawl_runs) AND pr.tls_fallback > 0 "
        "ORDER BY pr.portal_code"
    ).fetchall()
    archive.close()
    if rows:
        fetches = sum(r[2] for r in rows)
        who = ", ".join(f"{code} {name} ({n})" for code, name, n in rows)
        click.echo(
            f"TLS: {fetches} fetches over unverified connections (broken certificates, recorded "
            f"in fetches.tls_verified = 0): {who}"
        )


def crawl_exit_status(db_path: Path) -> int:
    """For cron and systemd: 0 done, 1 done with portal changes worth a look, 2 failed."""
    from ..archive import Archive
    from ..archive.health import changes, exit_status

    archive = Archive(db_path)
    run_id = archive.db.execute("SELECT max(id) FROM crawl_runs").fetchone()[0]
    status = exit_status(archive.db.conn, run_id)
    for c in changes(archive.db.conn, run_id) if status == 1 else ():
        click.echo(f"needs a look: {c['portal_code']} {c['name']}: {c['title']} ({c['detail']})")
    archive.close()
    return status


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
        if proc.returncode not in (0, 1):  # 1: done, with portal changes worth a look
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
    from ..archive import Archive

    # Today's copy for /-/downloads (the site itself never writes).
    archive = Archive(db_path)
    archive.snapshot()
    archive.close()
    click.echo(f"\nBrowse the archive: http://127.0.0.1:{port}/   (Ctrl-C to stop)", err=True)
    from ..publish.app import serve as run_serve

    run_serve(db_path, host="127.0.0.1", port=port)
