"""``nianbao status``: the archive's health on a terminal (the site shows it at /-/status)."""

from __future__ import annotations

from pathlib import Path

import click

from . import cli
from .archive import db_option
from .output import print_table


@cli.command()
@db_option
@click.option("--runs", "limit", default=5, show_default=True, help="How many recent runs.")
def status(db_path: Path, limit: int) -> None:
    """Last crawl runs, each portal's latest outcome, and the changes that need a person.

    Exits 1 when the last run brought changes worth a look, 2 when it failed or none was
    recorded, else 0 — so a monitor can run it too.
    """
    from ..archive import Archive
    from ..archive.health import changes, exit_status, runs

    if not db_path.exists():
        raise click.ClickException(f"no archive at {db_path}")
    archive = Archive(db_path)
    conn = archive.db.conn
    recent = runs(conn, limit)
    for r in recent:
        r["seconds"] = "—" if r["seconds"] is None else f"{r['seconds']:.0f}"
        r["finished"] = r["finished"] or "(unfinished)"
    click.echo("Runs 最近运行")
    print_table(
        recent,
        [("id", "run"), ("started", "started"), ("finished", "finished"), ("seconds", "s"),
         ("portals", "portals"), ("pages", "pages"), ("new_reports", "new"),
         ("revised_reports", "revised"), ("parse_failed", "failed parses"),
         ("errors", "errors")],
    )  # fmt: skip
    found = changes(conn)
    click.echo("\nChanges needing a person 需要人工查看")
    if found:
        print_table(found[:50], [("crawl_run", "run"), ("portal_code", "code"), ("name", "名称"),
                                 ("title", "change"), ("detail", "detail")])  # fmt: skip
    else:
        click.echo("none")
    code = exit_status(conn, recent[0]["id"] if recent else None)
    archive.close()
    raise SystemExit(code)
