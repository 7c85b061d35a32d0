"""kill -9 at random points of a crawl, several trials on one archive (issue 11): after each
kill the next crawl resumes; in the end every report of the portals is there once."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import time

import pytest
from test_crawl import SCALE, crawl

import farm
from farm.evaluate import score

pytestmark = pytest.mark.e2e
PORTALS = ["--portal", "990101", "--portal", "990201"]


def reports(db) -> int:
    try:
        con = sqlite3.connect(db)
        try:
            return con.execute("SELECT count(*) FROM reports").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def test_kill_9_at_random_points_then_resume_keeps_every_report_once(tmp_path):
    db = tmp_path / "archive.db"
    rng = random.Random(9)
    kills = []
    with farm.start(time_scale=SCALE) as f:
        for _ in range(3):
            proc = crawl(f, db, *PORTALS, wait=False)
            target = reports(db) + rng.randint(1, 20)  # a random point of the archiving
            deadline = time.monotonic() + 300
            while proc.poll() is None and reports(db) < target and time.monotonic() < deadline:
                time.sleep(rng.uniform(0.05, 0.5))
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
                kills.append(reports(db))
            proc.wait()
        crawl(f, db, *PORTALS)  # the last run finishes what the killed ones began
        scores = score(db, f.manifest)
    assert len(kills) >= 2, kills
    for code in ("990101", "990201"):
        s = scores[code]
        assert s.recall == 1.0 and not s.duplicates and not s.wrong, (code, s.missing)
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    keys = [k for (k,) in con.execute("SELECT report_key FROM reports")]
    assert len(keys) == len(set(keys))
    print("reports archived at each kill:", kills, "in the end:", len(keys))
