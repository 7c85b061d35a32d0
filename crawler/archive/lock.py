"""One writing command per archive: ``hold(db_path, command)`` for a crawl's life, a reparse, an
import, a merge.

Two crawls writing one archive at once fight over SQLite's single writer ("database is
locked") and over the same run's frontier. The lock is an ``flock`` on ``<archive>.lock``
beside the archive. The kernel drops an ``flock`` when its holder dies, kill -9 included, so
a lock left by a dead process is never in the way: the next command takes it over (and says
whose it was). The file also says who holds it — pid, start time, command — for the message
a second command prints before it exits (or, with ``wait``, while it waits).

Forked children (the parser's isolated parses) do not keep the lock: the descriptor is closed
in every child, so an orphaned parse cannot hold an archive after its crawl was killed.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

_held: dict[Path, int] = {}  # lock file → descriptor, of this process


@dataclass(frozen=True)
class Holder:
    pid: int | None
    started: str | None
    command: str | None

    def __str__(self) -> str:
        return f"{self.command or 'a command'} (pid {self.pid}, started {self.started})"


class ArchiveBusy(RuntimeError):
    """Another command holds the archive."""

    def __init__(self, db_path: Path, holder: Holder) -> None:
        super().__init__(
            f"{db_path} is in use by {holder}; run again when it has finished, or with --wait"
        )
        self.holder = holder


def lock_path(db_path: Path | str) -> Path:
    db = Path(db_path).resolve()
    return db.with_name(db.name + ".lock")


def holder(db_path: Path | str) -> Holder | None:
    """Who holds the archive now, or None when nobody does."""
    path = lock_path(db_path)
    if not path.exists():
        return None
    fd = os.open(path, os.O_RDWR)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read(fd)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def _read(fd: int) -> Holder:
    os.lseek(fd, 0, os.SEEK_SET)
    try:
        data = json.loads(os.read(fd, 4096).decode() or "{}")
    except ValueError:
        data = {}
    return Holder(data.get("pid"), data.get("started"), data.get("command"))


def _close_in_child() -> None:
    for fd in _held.values():
        with contextlib.suppress(OSError):
            os.close(fd)
    _held.clear()


os.register_at_fork(after_in_child=_close_in_child)


@contextlib.contextmanager
def hold(
    db_path: Path | str,
    command: str,
    wait: bool = False,
    *,
    on_wait: Callable[[Holder], None] | None = None,
    on_stale: Callable[[Holder], None] | None = None,
    poll: float = 0.5,
) -> Iterator[Holder]:
    """Hold the archive for the block. Raises ``ArchiveBusy`` at once when another process
    holds it, or with ``wait`` blocks until it is free (``on_wait`` is told whom it waits
    for, once). ``on_stale`` is told of a lock left by a process that died. Re-entrant within
    one process (a crawl's CLI and its extension may both ask)."""
    path = lock_path(db_path)
    if path in _held:
        yield _read(_held[path])
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    told = False
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not wait:
                    raise ArchiveBusy(Path(db_path), _read(fd)) from None
                if on_wait and not told:
                    on_wait(_read(fd))
                    told = True
                time.sleep(poll)
        previous = _read(fd)
        if previous.pid is not None and on_stale:
            on_stale(previous)  # its holder died without letting go (kill -9, power cut)
        me = Holder(os.getpid(), datetime.now(UTC).isoformat(timespec="seconds"), command)
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(me.__dict__).encode(), 0)
        _held[path] = fd
        try:
            yield me
        finally:
            _held.pop(path, None)
            os.ftruncate(fd, 0)  # a clean exit leaves no holder to report as stale
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        with contextlib.suppress(OSError):
            os.close(fd)
