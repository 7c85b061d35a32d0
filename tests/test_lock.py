"""One writing command per archive (crawler/archive/lock.py): refused at once naming the holder,
waited for with --wait, taken over from a holder that died, not kept by forked children."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler.archive import Archive
from crawler.archive.lock import ArchiveBusy, hold, holder

ROOT = Path(__file__).resolve().parent.parent
HOLDER = """
import sys, time
from crawler.archive.lock import hold
with hold(sys.argv[1], "nianbao crawl --registry farm.csv"):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def start_holder(db: Path, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db), str(seconds)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_a_free_archive_has_no_holder_and_a_clean_exit_leaves_none(tmp_path):
    db = tmp_path / "archive.db"
    assert holder(db) is None
    with hold(db, "nianbao reparse") as me:
        assert me.pid == os.getpid() and me.command == "nianbao reparse"
        with hold(db, "nested") as again:  # re-entrant within one process
            assert again.pid == os.getpid()
    assert holder(db) is None
    stale = []
    with hold(db, "x", on_stale=stale.append):
        pass
    assert stale == []  # a lock let go cleanly is not reported as stale


def test_a_second_command_is_refused_naming_the_first(tmp_path):
    db = tmp_path / "archive.db"
    Archive(db).close()
    proc = start_holder(db, 30)
    try:
        assert holder(db).pid == proc.pid
        with pytest.raises(ArchiveBusy) as exc, hold(db, "nianbao import"):
            pass
        assert exc.value.holder.pid == proc.pid
        started = time.monotonic()
        cli = subprocess.run(
            [sys.executable, "-m", "crawler", "reparse", "--db", str(db)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert time.monotonic() - started < 20  # at once, not after the holder's 30 s
        assert cli.returncode == 2
        assert f"pid {proc.pid}" in cli.stderr and "nianbao crawl --registry farm.csv" in cli.stderr
        assert "started 20" in cli.stderr  # its start time
    finally:
        proc.kill()
        proc.wait()


def test_wait_takes_its_turn(tmp_path):
    db = tmp_path / "archive.db"
    proc = start_holder(db, 1.5)
    told = []
    started = time.monotonic()
    with hold(db, "nianbao reparse", wait=True, on_wait=told.append, poll=0.05) as me:
        assert me.pid == os.getpid()
    assert time.monotonic() - started >= 1.0  # it waited for the holder's 1.5 s
    assert [h.pid for h in told] == [proc.pid]
    proc.wait(timeout=10)


def test_the_lock_of_a_killed_process_is_taken_over(tmp_path):
    db = tmp_path / "archive.db"
    proc = start_holder(db, 60)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    stale = []
    with hold(db, "nianbao crawl", on_stale=stale.append):
        pass
    assert [h.pid for h in stale] == [proc.pid]


def test_a_forked_child_does_not_keep_the_lock(tmp_path):
    db = tmp_path / "archive.db"
    with hold(db, "nianbao crawl"):
        child = os.fork()
        if child == 0:  # an isolated parse outliving its crawl
            time.sleep(5)
            os._exit(0)
    try:
        assert holder(db) is None
        with hold(db, "next"):
            pass
    finally:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)


def test_plain_scrapy_crawl_holds_the_lock_too(tmp_path):
    """``scrapy crawl portal`` (not through nianbao) refuses a held archive before writing."""
    db = tmp_path / "archive.db"
    proc = start_holder(db, 60)
    try:
        crawl = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "portal",
             "-a", f"registry={ROOT / 'farm' / 'registry.csv'}",
             "-s", f"NIANBAO_DB={db}", "-s", "LOG_LEVEL=WARNING"],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert crawl.returncode != 0
        assert f"not crawling: {db} is in use by nianbao crawl --registry farm.csv" in crawl.stderr
        assert f"(pid {proc.pid}" in crawl.stderr
        assert not db.exists()  # nothing written
    finally:
        proc.kill()
        proc.wait()
