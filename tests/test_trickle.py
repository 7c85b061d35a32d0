"""A portal that trickles bytes forever (issue 11): the crawl still ends on time, the portal
recorded as unreachable — DOWNLOAD_TIMEOUT bounds every response, however slowly it comes."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parent.parent


def trickler(stop: threading.Event) -> int:
    """An HTTP server on loopback that answers every request one byte a second, forever."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)

    def serve(conn: socket.socket) -> None:
        with conn:
            conn.recv(4096)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html>")
            while not stop.is_set():
                try:
                    conn.sendall(b"x")
                except OSError:
                    return
                time.sleep(1)

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            threading.Thread(target=serve, args=(conn,), daemon=True).start()
        server.close()

    threading.Thread(target=accept, daemon=True).start()
    return server.getsockname()[1]


def test_a_trickling_portal_does_not_hold_the_crawl(tmp_path):
    stop = threading.Event()
    port = trickler(stop)
    registry = tmp_path / "registry.csv"
    registry.write_text(
        f"code,name,province,prefecture,url\n990101,青溪县,浙江省,丽水市,http://127.0.0.1:{port}/\n",
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    db = tmp_path / "archive.db"
    started = time.monotonic()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "crawler", "crawl", "--registry", str(registry), "--db",
             str(db), "--delay", "0", "--no-browser", "-s", "NIANBAO_ALLOWED_HOSTS=127.0.0.1",
             "-s", "DOWNLOAD_TIMEOUT=3", "-s", "NIANBAO_BACKOFF_BASE=0.05"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
    finally:
        stop.set()
    took = time.monotonic() - started
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    assert took < 120, took  # each response cut at 3 s, retries bounded
    status = sqlite3.connect(db).execute("SELECT status FROM portals").fetchone()[0]
    assert status == "unreachable"
