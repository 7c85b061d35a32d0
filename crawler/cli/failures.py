"""A full disk said plainly: the error a keeper reads in the job's log, and exit status 2.

Every report is written in one transaction and every document under a temporary name, so a
write that fails for room leaves the archive as it was after the last complete report; what
the keeper needs is which file and that nothing is half-written, not a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import sqlite3
import sys
from collections.abc import Iterator

import click

from .locking import FAILED

NO_ROOM = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}
AFTER = "the archive holds every report completed before it. Free space, then run again."


@contextlib.contextmanager
def no_room_is_a_clear_failure() -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        if exc.errno not in NO_ROOM:
            raise
        where = f" writing {exc.filename}" if exc.filename else ""
        click.echo(f"Error: no room on the disk{where} ({exc.strerror}); {AFTER}", err=True)
        sys.exit(FAILED)
    except sqlite3.OperationalError as exc:
        if "full" not in str(exc):
            raise
        click.echo(f"Error: no room on the disk for the database ({exc}); {AFTER}", err=True)
        sys.exit(FAILED)
