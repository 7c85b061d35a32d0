"""``nianbao backup`` / ``restore`` (crawler/archive/backup.py): a verified copy made while the
site serves the archive and a writer writes to it; damage in a copy is found; a restore gives
the same archive back."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sample_archive import build

from crawler.archive.backup import BackupError, backup, restore, verify
from crawler.archive.store import files_dir_for
from crawler.publish.app import make_datasette

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("backup") / "archive.db").path


def live_copy(sample: Path, tmp_path: Path) -> Path:
    db = tmp_path / "live" / "archive.db"
    db.parent.mkdir()
    shutil.copy(sample, db)
    shutil.copytree(files_dir_for(sample), files_dir_for(db))
    return db


def dump(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.mark.asyncio
async def test_backup_while_serving_and_writing_then_restore(sample, tmp_path):
    db = live_copy(sample, tmp_path)
    ds = make_datasette(db)
    assert (await ds.client.get("/-/status")).status_code == 200  # served throughout
    stop = threading.Event()

    def write() -> None:  # a crawl writing meanwhile (WAL)
        conn = sqlite3.connect(db, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        n = 0
        while not stop.is_set():
            conn.execute("INSERT INTO crawl_runs (started) VALUES (?)", [f"2026-01-01T{n}"])
            conn.commit()
            n += 1
        conn.close()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        done = backup(db, tmp_path / "bk")
        assert (await ds.client.get("/archive/reports.json")).status_code == 200
    finally:
        stop.set()
        writer.join()
    documents = len(list(sqlite3.connect(db).execute("SELECT sha256 FROM documents")))
    assert done.documents == documents > 0
    assert not list((tmp_path / "bk").glob("*.partial"))
    copy = dump(done.db)
    assert copy[: len(copy) // 2] == dump(db)[: len(copy) // 2]  # the archive as of then
    restored = tmp_path / "restored" / "archive.db"
    cli = subprocess.run(
        [sys.executable, "-m", "crawler", "restore", "--from", str(tmp_path / "bk"),
         "--db", str(restored)], cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert cli.returncode == 0, cli.stderr
    assert dump(restored) == copy
    assert verify(restored).documents == documents
    with pytest.raises(BackupError, match="exists"):
        restore(tmp_path / "bk", restored)  # never over an archive


def test_a_damaged_document_or_database_is_found(sample, tmp_path):
    db = live_copy(sample, tmp_path)
    done = backup(db, tmp_path / "bk")
    victim = next(p for p in files_dir_for(done.db).rglob("*") if p.is_file())
    victim.write_bytes(victim.read_bytes()[:-1] + b"!")
    with pytest.raises(BackupError, match="damaged"):
        verify(done.db)
    again = backup(db, tmp_path / "bk")  # the next backup repairs it
    assert verify(again.db).documents == done.documents
    victim.unlink()
    with pytest.raises(BackupError, match="missing"):
        verify(done.db)
    raw = bytearray(done.db.read_bytes())
    raw[len(raw) // 2 : len(raw) // 2 + 4096] = b"\xff" * 4096
    done.db.write_bytes(bytes(raw))
    with pytest.raises(BackupError):
        verify(done.db)


def test_backup_command_exit_status(sample, tmp_path):
    db = live_copy(sample, tmp_path)
    cmd = [sys.executable, "-m", "crawler", "backup", "--db", str(db), "--to"]
    ok = subprocess.run([*cmd, str(tmp_path / "bk")], cwd=ROOT, capture_output=True, text=True)
    assert ok.returncode == 0 and "verified" in ok.stdout, ok.stderr
    (tmp_path / "file").write_text("x")
    inside_a_file = str(tmp_path / "file" / "bk")  # cannot be made
    bad = subprocess.run([*cmd, inside_a_file], cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode == 2 and "backup failed" in bad.stderr
