"""``nianbao backup`` and ``restore``: verified copies of the archive (archive/backup.py)."""

from __future__ import annotations

from pathlib import Path

import click

from . import cli
from .archive import db_option


@cli.command()
@db_option
@click.option("--to", "to_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder of the backup (the archive and its documents; reused: only new "
              "documents are copied).")  # fmt: skip
def backup(db_path: Path, to_dir: Path) -> None:
    """A verified copy of the archive and its documents, made while it is served or crawled.

    SQLite's online backup, then every document the copy names; verified by integrity_check
    and every document's sha256 before it is put in place. Exit 2 if it could not be made.
    """
    from ..archive.backup import BackupError
    from ..archive.backup import backup as run_backup

    if not db_path.exists():
        raise click.ClickException(f"no archive at {db_path}")
    try:
        done = run_backup(db_path, to_dir)
    except (BackupError, OSError) as exc:
        click.echo(f"Error: backup failed: {exc}", err=True)
        raise SystemExit(2) from exc
    click.echo(f"{done.db}: verified, {done.documents} documents ({done.bytes / 2**20:,.1f} MiB)")


@cli.command()
@click.option("--from", "from_dir", required=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="A folder `nianbao backup --to` wrote.")  # fmt: skip
@db_option
def restore(from_dir: Path, db_path: Path) -> None:
    """Restore a backup to --db (a new path: an existing archive is never overwritten),
    verifying it before and after."""
    from ..archive.backup import BackupError
    from ..archive.backup import restore as run_restore

    try:
        done = run_restore(from_dir, db_path)
    except (BackupError, OSError) as exc:
        click.echo(f"Error: restore failed: {exc}", err=True)
        raise SystemExit(2) from exc
    click.echo(f"{done.db}: restored and verified, {done.documents} documents")
