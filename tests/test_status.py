"""Health for a crawl nobody watches (crawler/archive/health.py, ``nianbao status``,
``/-/status``, ``/-/status.atom``) and the crawl's exit status for cron and systemd."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from test_crawl import DELAY, ROOT, SCALE

import farm
from crawler.archive import Archive
from crawler.archive.health import changes, exit_status, record_portal_run, runs
from crawler.publish.app import make_datasette

ATOM = "{http://www.w3.org/2005/Atom}"
PORTAL = {"code": "990101", "name": "青溪县", "url": "https://www.qingxi.gov.cn.test/"}


def outcome(status="ok", links=10, failed=None, broken=None) -> dict:
    return {"status": status, "reason": "why", "report_links": links, "documents": links,
            "pages": 5, "rendered": 0, "learned_broken": broken or [],
            **({"parse_failed": failed} if failed is not None else {})}  # fmt: skip


def archive_with(tmp_path: Path, outcomes: list[dict]) -> Archive:
    archive = Archive(tmp_path / "archive.db")
    archive.upsert_portals([PORTAL])
    for o in outcomes:
        run = archive.start_run("r.csv", {})
        record_portal_run(archive.db.conn, run, "990101", o)
        archive.finish_run(run, {"log_count/ERROR": 1})
    return archive


@pytest.mark.parametrize(
    ("before", "now", "kinds"),
    [
        (outcome(), outcome(), []),
        (outcome(links=10), outcome(links=0), ["stopped"]),
        (outcome(), outcome(broken=["column /nb/"]), ["learned_broke"]),
        (outcome(), outcome("unreachable", links=0), ["stopped", "unreachable"]),
        (outcome("blocked", 0), outcome("blocked", 0), []),  # blocked already: not news
        (outcome(failed=1), outcome(failed=4), ["parse_failures"]),
        (outcome(failed=4), outcome(failed=7), []),  # not twice as many: noise
    ],
)
def test_changes_between_a_portals_last_two_runs(tmp_path, before, now, kinds):
    archive = archive_with(tmp_path, [before, now])
    conn = archive.db.conn
    assert sorted(c["kind"] for c in changes(conn)) == sorted(kinds)
    assert exit_status(conn, 2) == (1 if kinds else 0)
    assert exit_status(conn, 1) == 0  # the first run had nothing to compare with


def test_an_unfinished_or_unknown_run_failed(tmp_path):
    archive = archive_with(tmp_path, [outcome()])
    run = archive.start_run("r.csv", {})  # killed: never finished
    assert exit_status(archive.db.conn, run) == 2
    assert exit_status(archive.db.conn, None) == 2
    assert [r["finished"] is None for r in runs(archive.db.conn)] == [True, False]


def registry_with(tmp_path: Path, f: farm.Farm, url: str) -> Path:
    rows = list(csv.DictReader(f.registry_path.open(encoding="utf-8")))
    rows = [r | {"url": url} for r in rows if r["code"] == "990101"]
    path = tmp_path / "registry.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.mark.e2e
@pytest.mark.asyncio
async def test_a_portal_gone_unreachable_is_exit_1_on_status_and_in_the_feed(tmp_path):
    db = tmp_path / "archive.db"
    codes = []
    with farm.start(time_scale=SCALE) as f:
        for url in (PORTAL["url"], "http://www.gone.gov.cn.test/"):
            cmd, env = f.crawl_command(
                db, "--delay", str(DELAY), "-s", f"NIANBAO_BACKOFF_BASE={SCALE}",
                "-s", "DOWNLOAD_TIMEOUT=5", registry=str(registry_with(tmp_path, f, url)),
            )  # fmt: skip
            proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
            codes.append(proc.returncode)
    assert codes == [0, 1], proc.stderr[-3000:]
    assert "needs a look: 990101" in proc.stdout and "newly unreachable" in proc.stdout
    status = subprocess.run(
        [sys.executable, "-m", "crawler", "status", "--db", str(db)],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert status.returncode == 1 and "newly unreachable" in status.stdout, status.stderr
    conn = Archive(db).db.conn
    first, second = sorted(runs(conn), key=lambda r: r["id"])
    reports = conn.execute("SELECT count(*) FROM reports").fetchone()[0]
    assert first["new_reports"] == reports > 0 and second["new_reports"] == 0
    assert first["pages"] > 0 and first["seconds"] > 0
    ds = make_datasette(db)
    page = await ds.client.get("/-/status")
    assert page.status_code == 200 and "change-unreachable" in page.text
    assert "change-stopped" in page.text  # it had report links, and none now
    feed = ET.fromstring((await ds.client.get("/-/status.atom")).content)
    terms = {c.get("term") for c in feed.iter(f"{ATOM}category")}
    assert terms == {"unreachable", "stopped"}
    json.dumps(runs(conn))  # the run summary is plain data
