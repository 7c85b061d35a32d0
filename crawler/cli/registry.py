"""``nianbao registry``: the portal registry — discovered, checked, exported."""

from __future__ import annotations

import csv
from pathlib import Path

import click

from . import cli
from .output import print_table


@cli.group()
def registry() -> None:
    """Find and keep the registry of county portals (docs/usage.md, "From nothing to a
    national crawl")."""


def _run(spider_kwargs: dict, delay: float | None, log_level: str, extra: tuple[str, ...]):
    import tempfile

    from scrapy.crawler import CrawlerProcess

    from spiders.directory import RegistrySpider

    from .crawl import crawl_settings

    overrides: dict = {"LOG_LEVEL": log_level}
    if delay is not None:
        overrides["DOWNLOAD_DELAY"] = delay
    for item in extra:
        key, _, value = item.partition("=")
        overrides[key.strip()] = value
    with tempfile.TemporaryDirectory() as tmp:  # no archive: nothing is stored but the CSV
        process = CrawlerProcess(crawl_settings(Path(tmp) / "unused.db", overrides))
        process.crawl(RegistrySpider, **spider_kwargs)
        process.start()


_common = [
    click.option("--delay", type=float, help="Seconds between requests to one host (default 1)."),
    click.option(
        "--log-level",
        default="WARNING",
        show_default=True,
        type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"]),
    ),
    click.option("-s", "--set", "extra", multiple=True, metavar="NAME=VALUE"),
]


def common(f):
    for option in reversed(_common):
        f = option(f)
    return f


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def _summary(path: Path) -> None:
    rows = read_csv(path)
    verified = [r for r in rows if r["url"]]
    by = {}
    for r in verified:
        by[r["confidence"]] = by.get(r["confidence"], 0) + 1
    click.echo(
        f"{len(verified)} of {len(rows)} county-level units have a verified portal "
        f"({', '.join(f'{n} {c}' for c, n in sorted(by.items()))}); written to {path}",
        err=True,
    )


@registry.command()
@click.option(
    "--seeds",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV with at least province,url: where to start (default: the 31 provincial portals).",
)
@click.option("--province", "provinces", multiple=True, help="Only this province (repeatable).")
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Registry CSV."
)
@common
def discover(seeds, provinces, out, delay, log_level, extra) -> None:
    """Walk from the provincial portals to every county's, and write the registry.

    One row for every county-level unit of the national list (of the provinces asked for):
    the crawl's registry columns plus the evidence — where the link was found, its text, the
    final URL, the page title, the 网站标识码, how it was verified, when, and a confidence; a
    unit with no verified portal has an empty url and the reason.
    """
    kwargs = {"out": str(out), "province": ",".join(provinces)}
    if seeds:
        kwargs["seeds"] = str(seeds)
    _run(kwargs, delay, log_level, extra)
    _summary(out)


@registry.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the result.")
@common
def check(path, out, delay, log_level, extra) -> None:
    """Visit every portal of a registry again and print what changed (moved, dead, now
    another government's)."""
    import tempfile

    target = out or Path(tempfile.mkstemp(suffix=".csv")[1])
    _run({"out": str(target), "check": str(path)}, delay, log_level, extra)
    before = {r["code"]: r for r in read_csv(path)}
    after = {r["code"]: r for r in read_csv(target)}
    changes = []
    for code, old in before.items():
        new = after.get(code, {})
        if (old.get("url") or "") != (new.get("url") or ""):
            what = "moved" if new.get("url") else "lost"
            changes.append(
                {"code": code, "name": old.get("name"), "change": what, "was": old.get("url"),
                 "now": new.get("url") or new.get("reason")}
            )  # fmt: skip
    print_table(
        changes,
        [("code", "代码"), ("name", "名称"), ("change", "变化"), ("was", "原"), ("now", "现")],
    )
    click.echo(f"{len(changes)} of {len(before)} portals changed", err=True)


@registry.command()
@click.option("--db", "db_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default="archive.db", show_default=True)  # fmt: skip
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def export(db_path: Path, out: Path) -> None:
    """The registry as the archive knows it: the registry columns enriched with what the
    crawls learned (platform, whether lists need a browser, the columns and endpoints)."""
    from ..archive import Archive

    archive = Archive(db_path)
    rows = archive.db.query(
        "SELECT code, name, province, prefecture, url, platform, js, rendered, learned, status "
        "FROM portals ORDER BY code"
    )
    with open(out, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(
            ["code", "name", "province", "prefecture", "url", "platform", "js", "status", "learned"]
        )
        for r in rows:
            js = r["js"] if r["js"] is not None else (1 if r["rendered"] else "")
            w.writerow(
                [r["code"], r["name"], r["province"], r["prefecture"], r["url"],
                 r["platform"] or "", js, r["status"] or "", r["learned"] or ""]
            )  # fmt: skip
    click.echo(f"{out}: the registry of {db_path}, with what the crawls learned", err=True)


@registry.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--parts", type=click.IntRange(min=1), required=True, help="How many workers.")
@click.option("--out-dir", type=click.Path(file_okay=False, path_type=Path), required=True)
def split(path: Path, parts: int, out_dir: Path) -> None:
    """Cut a registry into PARTS registries, one per crawl worker, keeping portals that share a
    host in one part (so that no host is crawled by two workers at once). Crawl each part into
    its own archive, then combine them with `nianbao merge`."""
    from ..registry import RegistryError, parse_registry
    from ..registry.split import host_of, split_rows

    try:
        parse_registry(path.read_text(encoding="utf-8-sig"), str(path))
    except RegistryError as exc:
        raise click.ClickException(str(exc)) from exc
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        header, rows = list(reader.fieldnames or []), list(reader)
    out_dir.mkdir(parents=True, exist_ok=True)
    for k, share in enumerate(split_rows(rows, parts), 1):
        out = out_dir / f"{path.stem}-{k}-of-{parts}.csv"
        with open(out, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(share)
        hosts = len({host_of(r) for r in share})
        click.echo(f"{out}: {len(share)} portals on {hosts} hosts")
