"""Two crawls of one archive at once (issue 11): the second is refused at once naming the first,
or with --wait takes its turn; the archive ends with every report once and no
'database is locked'."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
from test_crawl import DELAY, ROOT, SCALE

import farm
from crawler.archive.lock import holder
from farm.evaluate import score

pytestmark = pytest.mark.e2e

PORTALS = ("990101", "990201")


def start(f: farm.Farm, db: Path, *args: str) -> subprocess.Popen:
    cmd, env = f.crawl_command(
        db, "--delay", str(DELAY), "-s", f"NIANBAO_BACKOFF_BASE={SCALE}", "-s",
        "DOWNLOAD_TIMEOUT=10", *[a for p in PORTALS for a in ("--portal", p)], *args,
        log_level="INFO",
    )  # fmt: skip
    return subprocess.Popen(
        cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_two_overlapping_crawls_end_with_every_report_once(tmp_path):
    db = tmp_path / "archive.db"
    with farm.start(time_scale=SCALE) as f:
        first = start(f, db)
        deadline = time.monotonic() + 120
        while holder(db) is None and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert holder(db).pid == first.pid
        started = time.monotonic()
        refused = start(f, db)
        _, refused_err = refused.communicate(timeout=120)
        assert refused.returncode == 2 and time.monotonic() - started < 60
        assert f"pid {first.pid}" in refused_err and "nianbao crawl" in refused_err
        assert first.poll() is None  # refused while the first was still crawling
        waiting = start(f, db, "--wait")
        _, first_err = first.communicate(timeout=900)
        _, waiting_err = waiting.communicate(timeout=900)
        scores = score(db, f.manifest)
    assert first.returncode == 0, first_err[-3000:]
    assert waiting.returncode == 0, waiting_err[-3000:]
    assert "waiting for it to finish" in waiting_err
    for err in (first_err, refused_err, waiting_err):
        assert "database is locked" not in err
    for code in PORTALS:
        s = scores[code]
        assert s.recall == 1.0 and not s.duplicates and not s.wrong, (code, s.missing)
