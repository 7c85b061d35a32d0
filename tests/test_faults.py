"""Faults a nightly job meets (issue 11): a reparse killed with -9 at random points (every
report kept once, the rerun finishes the job), and a disk that fills during a write (the
archive intact, a clear error, exit 2)."""

from __future__ import annotations

import random
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sample_archive import REPORTS, build

from crawler.archive.store import files_dir_for

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("faults") / "archive.db").path


def copy(sample: Path, tmp_path: Path) -> Path:
    db = tmp_path / "archive.db"
    shutil.copy(sample, db)
    shutil.copytree(files_dir_for(sample), files_dir_for(db))
    return db


def state(db: Path) -> tuple[list, dict]:
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        reports = con.execute("SELECT id, report_key FROM reports ORDER BY id").fetchall()
        cells = dict(con.execute("SELECT report_id, count(*) FROM cells GROUP BY 1"))
        return reports, cells
    finally:
        con.close()


def reparse(db: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "crawler", "reparse", "--db", str(db), "--all", "--no-ocr"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def test_reparse_killed_at_random_points_keeps_every_report_once(sample, tmp_path):
    db = copy(sample, tmp_path)
    before = state(db)
    started = time.monotonic()
    assert reparse(db).wait(timeout=600) == 0
    full = time.monotonic() - started  # how long a whole reparse takes here
    rng = random.Random(11)
    killed_running = 0
    for trial in range(4):
        proc = reparse(db)
        time.sleep(rng.uniform(0.2, max(0.3, full * 0.9)))
        killed_running += proc.poll() is None
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert state(db) == before, f"trial {trial}: reports or cells changed after kill -9"
    assert killed_running >= 3  # the kills landed while it ran
    assert reparse(db).wait(timeout=600) == 0  # the rerun finishes, and takes over the lock
    assert state(db) == before


def limited(max_bytes: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG)
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))

    return apply


def test_disk_full_during_an_import_leaves_the_archive_intact(sample, tmp_path):
    db = copy(sample, tmp_path)
    before = state(db)
    big = tmp_path / "big.pdf"  # a new document larger than the room left
    pdf = next(REPORTS.rglob("*.pdf")).read_bytes()
    big.write_bytes(pdf + b"%" + b"x" * (4 << 20) + b"\n")
    proc = subprocess.run(
        [sys.executable, "-m", "crawler", "import", str(big), "--db", str(db)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        preexec_fn=limited(db.stat().st_size + (1 << 20)),
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "Error: no room on the disk" in proc.stderr and "Traceback" not in proc.stderr
    assert state(db) == before  # nothing half-written
    assert not [p for p in files_dir_for(db).rglob("*") if p.name.endswith(".tmp")]
