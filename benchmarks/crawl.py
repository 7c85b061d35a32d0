"""Crawl throughput against the sample-portal farm (politeness off and on, first and re-crawl).

    .venv/bin/python benchmarks/crawl.py [--time-scale 0.05] [--polite-delay 1.0]

For each mode it runs a first crawl into a fresh archive and a second (incremental) crawl of
the same farm into the same archive, and prints requests (pages) per second, reports archived
per minute and the wall time. "Polite" is the shipped configuration (1 s between requests per
host, AutoThrottle, robots Crawl-delay); "impolite" drops every delay and allows 8 requests
per host at once — what the farm could take, not what a real portal should get.
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

import farm
from farm.evaluate import score

ROOT = Path(__file__).resolve().parent.parent

MODES = {
    "impolite": [
        "--delay",
        "0",
        "-s",
        "NIANBAO_THROTTLE=False",
        "-s",
        "CONCURRENT_REQUESTS_PER_DOMAIN=8",
        "-s",
        "CONCURRENT_REQUESTS=32",
    ],
    "polite": [],  # the shipped defaults (with --delay from the command line)
}


def run(f: farm.Farm, db: Path, extra: list[str]) -> tuple[float, int]:
    argv, env = f.crawl_command(db, *extra)
    before = len(f.requests())
    started = time.monotonic()
    subprocess.run(argv, env=env, cwd=ROOT, check=True, capture_output=True)
    pages = sum(1 for r in f.requests()[before:] if r["method"] != "CONNECT")
    return time.monotonic() - started, pages


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--time-scale",
        type=float,
        default=0.05,
        help="farm delays × this (1 = as slow as real portals)",
    )
    ap.add_argument("--polite-delay", type=float, default=1.0, help="DOWNLOAD_DELAY when polite")
    args = ap.parse_args()
    print(f"farm time scale {args.time_scale}; polite delay {args.polite_delay} s\n")
    print(
        f"{'mode':9s} {'crawl':8s} {'seconds':>8s} {'requests':>9s} {'req/s':>6s} "
        f"{'reports':>8s} {'reports/min':>12s}"
    )
    for mode, extra in MODES.items():
        if mode == "polite":
            extra = [
                "--delay",
                str(args.polite_delay),
                "-s",
                f"NIANBAO_BACKOFF_BASE={max(args.time_scale, 0.05)}",
            ]
        with tempfile.TemporaryDirectory() as tmp, farm.start(time_scale=args.time_scale) as f:
            db = Path(tmp) / "archive.db"
            for crawl in ("first", "re-crawl"):
                if crawl == "re-crawl":
                    f.reset()
                seconds, pages = run(f, db, extra)
                reports = sqlite3.connect(db).execute("SELECT count(*) FROM reports").fetchone()[0]
                new = reports if crawl == "first" else 0
                print(
                    f"{mode:9s} {crawl:8s} {seconds:8.1f} {pages:9d} {pages / seconds:6.1f} "
                    f"{reports:8d} {(new or reports) / seconds * 60:12.0f}"
                )
            s = score(db, f.manifest)
            found = sum(x.found for x in s.values())
            print(f"{'':9s} ground truth: {found} of {sum(x.must for x in s.values())} reports")


if __name__ == "__main__":
    main()
