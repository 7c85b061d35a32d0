"""Score an archive against the farm's ground truth: recall and precision per portal.

    python -m farm.evaluate archive.db

A manifest report counts as found when the archive holds exactly one report of that portal
with the same year and an agency that is one of the manifest's spellings of it. Anything else
the archive holds for a farm portal is a false positive (a decoy, a parent-level report, a
duplicate). Used by the end-to-end tests, the crawl benchmark and ``nianbao demo``.
"""

from __future__ import annotations

import sqlite3
import sys
from dataclasses import dataclass, field
from pathlib import Path

from . import manifest as load_manifest


def _norm(text: str | None) -> str:
    return "".join((text or "").split())


@dataclass
class PortalScore:
    code: str
    expected_outcome: str
    outcome: str | None
    must: int = 0
    found: int = 0
    missing: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)  # archived, matching nothing expected
    duplicates: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.must if self.must else 1.0

    @property
    def precision(self) -> float:
        total = self.found + len(self.wrong) + len(self.duplicates)
        return self.found / total if total else 1.0


def score(db_path: str | Path, manifest: dict | None = None) -> dict[str, PortalScore]:
    manifest = manifest or load_manifest()
    con = sqlite3.connect(db_path)
    con.row_factory = sqlite3.Row
    status = {r["code"]: r["status"] for r in con.execute("SELECT code, status FROM portals")}
    rows = list(con.execute("SELECT id, portal_code, agency, year, title FROM reports"))
    scores: dict[str, PortalScore] = {}
    for p in manifest["portals"]:
        scores[p["code"]] = PortalScore(p["code"], p["expected_outcome"], status.get(p["code"]))
    expected: dict[tuple[str, int], list[dict]] = {}
    for r in manifest["reports"]:
        expected.setdefault((r["portal_code"], r["year"]), []).append(r)
        if r["must_archive"]:
            scores[r["portal_code"]].must += 1
    matched: dict[str, int] = {}
    for row in rows:
        if row["portal_code"] not in scores:
            continue
        s = scores[row["portal_code"]]
        hit = next(
            (
                r
                for r in expected.get((row["portal_code"], row["year"]), [])
                if _norm(row["agency"]) in {_norm(a) for a in [r["agency"], *r["agency_aliases"]]}
            ),
            None,
        )
        label = f"#{row['id']} {row['agency']} {row['year']} ({row['title']})"
        if hit is None:
            s.wrong.append(label)
        elif hit["id"] in matched:
            s.duplicates.append(label)
        else:
            matched[hit["id"]] = row["id"]
            if hit["must_archive"]:
                s.found += 1
    for r in manifest["reports"]:
        if r["must_archive"] and r["id"] not in matched:
            scores[r["portal_code"]].missing.append(f"{r['id']}: {r['title']} [{r['carrier']}]")
    return scores


def report(scores: dict[str, PortalScore]) -> str:
    lines = [f"{'portal':7s} {'expected':16s} {'outcome':16s} {'recall':>11s} {'precision':>9s}"]
    for s in scores.values():
        flag = "" if s.outcome == s.expected_outcome else "  ← outcome differs"
        lines.append(
            f"{s.code:7s} {s.expected_outcome:16s} {s.outcome or '-':16s} "
            f"{s.found:3d}/{s.must:<3d} {s.recall:5.0%} {s.precision:9.0%}{flag}"
        )
        lines += [f"        missing: {m}" for m in s.missing[:8]]
        lines += [f"        wrong:   {w}" for w in s.wrong[:8]]
        lines += [f"        dup:     {d}" for d in s.duplicates[:8]]
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(score(sys.argv[1])))
