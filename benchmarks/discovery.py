"""Discovery on held-out portal variants: how much of a world nobody tuned for the crawler finds.

    .venv/bin/python benchmarks/discovery.py --families all --seeds 1000-1004 \\
        --time-scale 0.05 --delay 0.2 [--json]

Starts a farm serving only the generated variants (farm/variants), runs ``nianbao crawl`` on its
registry as a subprocess, scores the archive against the ground truth (farm.evaluate.score) and
prints per family and overall: portals, reports expected and found, recall, precision, pages
fetched (farm request log, requests to the variants' hosts), pages rendered in Chromium (the
crawl's Scrapy stats, ``nianbao/rendered/<code>``, when the crawler records them), seconds per
portal, and manners: (a) two requests to one host in flight at once, (b) gaps between requests
to one host below delay × 0.5 or below the host's robots.txt Crawl-delay × 0.9, (c) requests to
hosts that are none of the variants' (analytics, Chromium background traffic, link leaks).

Seeds: 0–99 are development seeds; 1000–1999 held out — run them here, never tune on them;
2000–2999 a fresh held-out range for later (docs/farm.md).
"""

from __future__ import annotations

import argparse
import itertools
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import farm  # noqa: E402
from farm.evaluate import score  # noqa: E402
from farm.variants import FAMILIES, parse_spec  # noqa: E402


def crawl_stats(db: Path) -> dict:
    try:
        con = sqlite3.connect(db)
        row = con.execute("SELECT stats FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
    except sqlite3.Error:
        return {}
    if not row or not row[0]:
        return {}
    try:
        return json.loads(row[0])
    except (TypeError, ValueError):
        return {}


def manners(log: list[dict], host_portal: dict[str, str], delay: float, robots: dict) -> dict:
    """Per portal: overlapping requests, short gaps; and the foreign hosts requested."""
    per_host: dict[str, list[dict]] = defaultdict(list)
    foreign: dict[str, int] = defaultdict(int)
    for e in log:
        if e["host"] not in host_portal:
            foreign[e["host"]] += 1
        elif e["method"] != "CONNECT":
            per_host[e["host"]].append(e)
    overlap: dict[str, int] = defaultdict(int)
    short: dict[str, int] = defaultdict(int)
    shortest: list[float] = []
    for host, reqs in per_host.items():
        code = host_portal[host]
        reqs.sort(key=lambda e: e["t"])
        min_gap = max(delay * 0.5, (robots.get(code) or 0) * 0.9)
        for a, b in itertools.pairwise(reqs):
            if b["t"] < (a["t_end"] or a["t"]):
                overlap[code] += 1
            if b["t"] - a["t"] < min_gap:
                short[code] += 1
                shortest.append(round(b["t"] - a["t"], 3))
    return {
        "overlap": overlap,
        "short_gap": short,
        "foreign": dict(foreign),
        "shortest_gaps": sorted(shortest)[:10],
    }


def run(args: argparse.Namespace) -> dict:
    fams = list(FAMILIES) if args.families == "all" else args.families.split(",")
    pairs = parse_spec(",".join(f"{f}:{args.seeds}" for f in fams))
    with tempfile.TemporaryDirectory(prefix="nianbao-discovery-") as tmp:
        db = Path(tmp) / "archive.db"
        with farm.start(
            time_scale=args.time_scale, variants=pairs, sample=False, workdir=Path(tmp) / "farm"
        ) as f:
            m = f.manifest
            extra = ["--delay", str(args.delay), *args.crawl_arg]
            argv, env = f.crawl_command(db, *extra)
            started = time.monotonic()
            try:
                proc = subprocess.run(
                    argv, env=env, cwd=ROOT, capture_output=True, text=True, timeout=args.timeout
                )
                rc, err = proc.returncode, proc.stderr[-2000:]
            except subprocess.TimeoutExpired:
                rc, err = "timeout", ""
            wall = time.monotonic() - started
            log = f.requests()
            host_portal = {h: code for code, hs in f.variant_hosts().items() for h in hs}
        scores = score(db, m) if db.exists() else {}
        stats = crawl_stats(db) if db.exists() else {}
    portals = {p["code"]: p for p in m["portals"]}
    robots = {
        c: (p["variant"]["knobs"].get("crawl_delay") or 0) * args.time_scale
        for c, p in portals.items()
    }
    mn = manners(log, host_portal, args.delay, robots)
    pages: dict[str, int] = defaultdict(int)
    span: dict[str, list[float]] = {}
    for e in log:
        code = host_portal.get(e["host"])
        if code and e["method"] != "CONNECT":
            pages[code] += 1
            s = span.setdefault(code, [e["t"], e["t"]])
            s[0], s[1] = min(s[0], e["t"]), max(s[1], e["t_end"] or e["t"])
    rows: dict[str, dict] = {}
    for code, p in portals.items():
        fam = p["variant"]["family"]
        s = scores.get(code)
        r = rows.setdefault(fam, defaultdict(float))
        r["portals"] += 1
        r["expected"] += p["must_archive"]
        r["found"] += s.found if s else 0
        r["archived"] += (s.found + len(s.wrong) + len(s.duplicates)) if s else 0
        r["pages"] += pages.get(code, 0)
        # The crawler records pages per portal; a portal with none rendered has no key.
        counted = any(k.startswith("nianbao/pages/") for k in stats)
        rendered = stats.get(f"nianbao/rendered/{code}", 0 if counted else None)
        r["rendered"] = (
            "n/a" if rendered is None or r.get("rendered") == "n/a" else r["rendered"] + rendered
        )
        r["seconds"] += (span[code][1] - span[code][0]) if code in span else 0
        r["overlap"] += mn["overlap"].get(code, 0)
        r["short_gap"] += mn["short_gap"].get(code, 0)
    total = defaultdict(float)
    for r in rows.values():
        for k, val in r.items():
            if k == "rendered":
                total[k] = "n/a" if val == "n/a" or total.get(k) == "n/a" else total[k] + val
            else:
                total[k] += val
    out = {
        "families": {},
        "overall": {},
        "crawl": {
            "returncode": rc,
            "wall_seconds": round(wall, 1),
            "stderr_tail": err if rc not in (0,) else "",
        },
        "foreign_hosts": mn["foreign"],
        "shortest_gaps": mn["shortest_gaps"],
        "seeds": args.seeds,
        "time_scale": args.time_scale,
        "delay": args.delay,
    }
    for name, r in [*rows.items(), ("overall", total)]:
        d = {
            "portals": int(r["portals"]),
            "expected": int(r["expected"]),
            "found": int(r["found"]),
            "recall": round(r["found"] / r["expected"], 3) if r["expected"] else None,
            "precision": round(r["found"] / r["archived"], 3) if r["archived"] else None,
            "pages": int(r["pages"]),
            "rendered": r["rendered"] if r["rendered"] == "n/a" else int(r["rendered"]),
            "seconds_per_portal": round(r["seconds"] / r["portals"], 2) if r["portals"] else None,
            "overlapping": int(r["overlap"]),
            "short_gaps": int(r["short_gap"]),
        }
        if name == "overall":
            d["foreign_requests"] = sum(mn["foreign"].values())
            out["overall"] = d
        else:
            out["families"][name] = d
    return out


def table(out: dict) -> str:
    head = (
        f"{'family':9s} {'portals':>7s} {'expected':>8s} {'found':>6s} {'recall':>7s} "
        f"{'precision':>9s} {'pages':>6s} {'rendered':>8s} {'s/portal':>8s} {'overlap':>7s} "
        f"{'short gap':>9s}"
    )
    lines = [head]

    def pct(x: float | None) -> str:
        return "-" if x is None else f"{x:.0%}"

    for name, d in [*out["families"].items(), ("overall", out["overall"])]:
        lines.append(
            f"{name:9s} {d['portals']:7d} {d['expected']:8d} {d['found']:6d} "
            f"{pct(d['recall']):>7s} "
            f"{pct(d['precision']):>9s} {d['pages']:6d} {d['rendered']!s:>8s} "
            f"{d['seconds_per_portal']!s:>8s} {d['overlapping']:7d} {d['short_gaps']:9d}"
        )
    if out.get("shortest_gaps"):
        lines.append(f"(b) the short gaps, in seconds: {out['shortest_gaps']}")
    lines.append(f"(c) requests to foreign hosts: {out['overall']['foreign_requests']}")
    lines += [f"      {h}: {n}" for h, n in sorted(out["foreign_hosts"].items())]
    c = out["crawl"]
    lines.append(f"crawl exit {c['returncode']}, {c['wall_seconds']} s wall")
    if c["stderr_tail"]:
        lines.append("crawl stderr (tail):\n" + c["stderr_tail"])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--families", default="all", help="all, or a comma list: " + ",".join(FAMILIES))
    ap.add_argument("--seeds", default="1000-1004", help="seed range, e.g. 1000-1004 or 0-2")
    ap.add_argument("--time-scale", type=float, default=0.05, help="farm delays × this")
    ap.add_argument("--delay", type=float, default=0.2, help="the crawl's --delay (s per host)")
    ap.add_argument("--timeout", type=float, default=3600, help="give up on the crawl after this")
    ap.add_argument("--crawl-arg", action="append", default=[], help="extra nianbao crawl argument")
    ap.add_argument("--json", action="store_true", help="print JSON instead of the table")
    args = ap.parse_args(argv)
    out = run(args)
    print(json.dumps(out, ensure_ascii=False, indent=1) if args.json else table(out))


if __name__ == "__main__":
    main()
