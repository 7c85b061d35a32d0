"""TLS verified by default (crawler/tls.py): a crawl through the farm, whose proxy terminates TLS
with its own certificate, verifies every https fetch against the CA file it is given; a portal
whose certificate is broken is fetched unverified only as a recorded fallback, per fetch and per
portal; a proxy does not turn verification off; an unusable CA file is refused up front."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from OpenSSL import SSL
from twisted.internet.error import ConnectionRefusedError
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseNeverReceived

import farm
from crawler.tls import certificate_failed
from farm.evaluate import score

ROOT = Path(__file__).resolve().parent.parent
PORTAL = "990601"  # 弋溪县: its canonical host www.yxx.gov.cn.test is https
HOST = "www.yxx.gov.cn.test"


def ssl_failure(words: str) -> ResponseNeverReceived:
    return ResponseNeverReceived([Failure(SSL.Error([("SSL routines", "", words)]))])


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (ssl_failure("certificate verify failed"), "certificate verify failed"),
        (ssl_failure("sslv3 alert handshake failure"), None),  # the server broke off: no retry
        (ConnectionRefusedError("refused"), None),
    ],
)
def test_only_a_refused_certificate_counts_as_broken(exc, expected):
    assert certificate_failed(exc) == expected


def crawl(f: farm.Farm, db: Path, *extra: str, ca: bool = True) -> subprocess.CompletedProcess:
    argv, env = f.crawl_command(db, "--portal", PORTAL, "--delay", "0.1", *extra,
                                log_level="WARNING")  # fmt: skip
    if not ca:  # the proxy variables stay: only the CA file goes
        i = argv.index("--ca-file")
        del argv[i : i + 2]
        env.pop("NIANBAO_CA_FILE")
        assert env["https_proxy"] == f.proxy_url
    proc = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    return proc


def fetches(db: Path) -> dict[tuple[str, int | None], int]:
    """(scheme of a stored document's URL, tls_verified) → fetches."""
    con = sqlite3.connect(db)
    rows = con.execute(
        "SELECT substr(url, 1, instr(url, ':') - 1), tls_verified, count(*) FROM fetches "
        "WHERE sha256 IS NOT NULL GROUP BY 1, 2"
    ).fetchall()
    con.close()
    return {(scheme, verified): n for scheme, verified, n in rows}


def run_record(db: Path) -> tuple[int, dict]:
    con = sqlite3.connect(db)
    fallback = con.execute(
        "SELECT tls_fallback FROM portal_runs WHERE portal_code = ?", [PORTAL]
    ).fetchone()[0]
    stats = json.loads(con.execute("SELECT stats FROM crawl_runs").fetchone()[0])
    con.close()
    return fallback, stats


@pytest.mark.e2e
def test_verified_with_the_ca_file_and_a_broken_certificate_as_a_recorded_fallback(tmp_path):
    with farm.start(time_scale=0.05) as f:
        good = tmp_path / "good" / "archive.db"
        crawl(f, good)
        assert score(good, f.manifest)[PORTAL].recall == 1.0
        f.mutate("broken-certificate")
        broken = tmp_path / "broken" / "archive.db"
        proc = crawl(f, broken)
        assert score(broken, f.manifest)[PORTAL].recall == 1.0  # nothing lost to the fallback
    verified = fetches(good)
    assert verified.get(("https", 1), 0) >= 10 and ("https", 0) not in verified
    assert ("https", None) not in verified  # every https document says how it came
    unverified = fetches(broken)
    assert unverified.get(("https", 0), 0) == verified[("https", 1)]
    assert ("https", 1) not in unverified
    assert run_record(good)[0] == 0
    fallback, stats = run_record(broken)
    assert fallback >= unverified[("https", 0)]  # pages as well as documents
    # robots.txt is fetched for the host, not for a portal: counted in the run's stats only
    assert fallback <= stats["nianbao/tls_unverified"] <= fallback + 2
    assert stats["nianbao/tls_fallback_hosts"] == 1
    assert f"TLS: {fallback} fetches over unverified connections" in proc.stdout
    assert f"{PORTAL} 弋溪县 ({fallback})" in proc.stdout
    assert f"certificate of {HOST} failed verification (certificate verify failed)" in proc.stderr


@pytest.mark.e2e
def test_a_proxy_does_not_turn_verification_off(tmp_path):
    """Without the farm's CA file its certificate is as untrusted as any broken one: every https
    fetch through the proxy is recorded unverified, none passes for verified."""
    db = tmp_path / "archive.db"
    with farm.start(time_scale=0.05) as f:
        crawl(f, db, ca=False)
        assert score(db, f.manifest)[PORTAL].recall == 1.0
    seen = fetches(db)
    assert seen.get(("https", 0), 0) >= 10 and ("https", 1) not in seen


@pytest.mark.e2e
def test_without_the_fallback_a_broken_certificate_is_not_fetched(tmp_path):
    db = tmp_path / "archive.db"
    with farm.start(time_scale=0.05) as f:
        f.mutate("broken-certificate")
        proc = crawl(f, db, "-s", "NIANBAO_TLS_FALLBACK=false")
    assert ("https", 0) not in fetches(db) and ("https", 1) not in fetches(db)
    assert f"certificate of {HOST} failed verification" in proc.stderr
    assert "not fetched" in proc.stderr


@pytest.mark.e2e
def test_an_unusable_ca_file_is_refused_before_the_crawl(tmp_path):
    bad = tmp_path / "ca.pem"
    bad.write_text("not a certificate\n")
    db = tmp_path / "archive.db"
    proc = subprocess.run(
        [sys.executable, "-m", "crawler", "crawl", "--registry", str(farm.REGISTRY_PATH),
         "--db", str(db), "--ca-file", str(bad)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode != 0
    assert f"CA file {bad} holds no usable certificate" in proc.stderr
    assert not db.exists()  # refused before anything was written
