"""``nianbao merge``: archives written by separate workers combined into one (archive/merge.py)."""

from __future__ import annotations

from pathlib import Path

import click

from . import cli
from .failures import no_room_is_a_clear_failure
from .locking import FAILED, command_line, holding, wait_option


@cli.command()
@click.argument(
    "sources", nargs=-1, required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)  # fmt: skip
@click.option(
    "--into", "target", required=True, type=click.Path(dir_okay=False, path_type=Path),
    help="The archive to merge into (created if missing); its documents go to <name>-files/.",
)  # fmt: skip
@wait_option
def merge(sources: tuple[Path, ...], target: Path, wait: bool) -> None:
    """Combine archives (and their document stores) into one.

    Documents by sha256, reports by their key (the better document's content, every URL kept),
    crawl runs, fetch history and portal outcomes kept. Idempotent and order-independent; a
    source is only read. Archives of another schema version are refused (exit 2).
    """
    from ..archive.merge import MergeError, check_schema, code_migrations

    for source in sources:
        if source.resolve() == target.resolve():
            _fail(f"{source} is the target archive itself; merge other archives --into it")
    with holding(target, command_line(), wait), no_room_is_a_clear_failure():
        try:
            for source in sources:  # every source checked before the target is touched
                check_schema(source, code_migrations())
            _merge_all(sources, target)
        except MergeError as exc:
            _fail(str(exc))


def _merge_all(sources: tuple[Path, ...], target: Path) -> None:
    from ..archive import Archive
    from ..archive.merge import merge_into

    archive = Archive(target)
    try:
        for source in sources:
            counts = merge_into(archive, source, progress=lambda m: click.echo(m, err=True))
            click.echo(f"{source}: {_summary(counts)}")
    finally:
        archive.close()


def _summary(counts: dict) -> str:
    def n(table: str, what: str = "added") -> int:
        return counts.get(table, {}).get(what, 0)

    reports = n("reports") + n("reports", "replaced") + n("reports", "kept")
    text = (
        f"reports {reports} ({n('reports')} new, {n('reports', 'replaced')} replaced by a "
        f"better document, {n('reports', 'kept')} kept), documents +{n('documents')} "
        f"({n('files', 'copied')} files copied), runs +{n('crawl_runs')}, "
        f"fetches +{n('fetches')}, portal outcomes +{n('portal_runs')}, "
        f"portals +{n('portals')} ({n('portals', 'replaced')} updated by a later crawl)"
    )
    broken = n("files", "missing") + n("files", "corrupt")
    if broken:
        text += f"; {broken} stored files missing or corrupt in the source (not copied)"
    return text


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    raise SystemExit(FAILED)
