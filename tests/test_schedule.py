"""``nianbao schedule --print``: the printed job runs as cron and systemd would run it — one
log file per run, old ones rotated out, the crawl's exit status kept."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def printed(kind: str, tmp_path: Path, *extra: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "crawler", "schedule", "--print", kind, "--registry",
         str(tmp_path / "missing.csv"), "--db", str(tmp_path / "archive.db"), *extra],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return proc.stdout


def test_the_cron_line_logs_each_run_rotates_old_logs_and_keeps_the_status(tmp_path):
    logs = tmp_path / "archive-logs"
    logs.mkdir()
    old = logs / "crawl-20200101T000000Z.log"
    old.write_text("old")
    month_ago = time.time() - 40 * 86400
    os.utime(old, (month_ago, month_ago))
    line = next(x for x in printed("cron", tmp_path).splitlines() if not x.startswith("#"))
    minute, hour, *_ = line.split()
    assert (minute, hour) == ("30", "2")
    command = line.split(" * * * ", 1)[1].replace("\\%", "%")  # as cron hands it to sh
    proc = subprocess.run(["/bin/sh", "-c", command], capture_output=True, text=True)
    assert proc.returncode == 2  # the registry does not exist: the crawl failed
    files = sorted(logs.iterdir())
    assert len(files) == 1 and re.fullmatch(r"crawl-\d{8}T\d{6}Z\.log", files[0].name)
    assert "missing.csv" in files[0].read_text()  # the crawl's own error, in its run's log


def test_the_systemd_unit_runs_the_same_job(tmp_path):
    unit = printed("systemd", tmp_path, "--at", "03:15", "--backup-to", str(tmp_path / "bk"))
    assert "OnCalendar=*-*-* 03:15:00" in unit and "SuccessExitStatus=1" in unit
    exec_start = next(x for x in unit.splitlines() if x.startswith("ExecStart="))
    argv = shlex.split(exec_start.removeprefix("ExecStart=").replace("$$", "$").replace("%%", "%"))
    assert argv[:2] == ["/bin/sh", "-c"] and "backup" in argv[2]
    proc = subprocess.run(argv, capture_output=True, text=True)
    assert proc.returncode == 2
    assert len(list((tmp_path / "archive-logs").glob("crawl-*.log"))) == 1
