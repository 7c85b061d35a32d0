"""The archive lock as the commands see it: ``--wait``, and a refusal cron can read.

A command that finds its archive held by another exits at once with status 2 (failed: it did
not run) and names the holder on stderr; with ``--wait`` it waits for its turn instead.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path

import click

FAILED = 2  # the exit status of a command that did not do its job (docs/operations.md)

wait_option = click.option(
    "--wait",
    is_flag=True,
    help="If another command is writing this archive, wait for it instead of exiting (status 2).",
)


def command_line() -> str:
    """This command as the holder's message shows it."""
    return " ".join(["nianbao", *sys.argv[1:]])[:300]


@contextlib.contextmanager
def holding(db_path: Path, command: str, wait: bool) -> Iterator[None]:
    from ..archive.lock import ArchiveBusy, hold

    def waiting(holder) -> None:
        click.echo(f"{db_path} is in use by {holder}; waiting for it to finish …", err=True)

    def stale(holder) -> None:
        click.echo(f"taking over the lock of {holder}, which is no longer running", err=True)

    try:
        with hold(db_path, command, wait, on_wait=waiting, on_stale=stale):
            yield
    except ArchiveBusy as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(FAILED)
