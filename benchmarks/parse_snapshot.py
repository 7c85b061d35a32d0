"""Parse every committed fixture and write the JSON, to prove a refactoring changed no output.

    .venv/bin/python benchmarks/parse_snapshot.py /tmp/before
    ... change the parser ...
    .venv/bin/python benchmarks/parse_snapshot.py /tmp/after
    diff -r /tmp/before /tmp/after        # empty: byte-identical output

Inputs: every file listed in tests/fixtures/reports/manifest.json and every seed text in
tests/fixtures/seeds. One ``<file>.json`` per input (sorted keys, indented, so a diff points at
the field). The reports carry no timing fields; should one appear, ``_VOLATILE`` drops it.
Parsing runs in this process (``isolate=False``): the OCR models load once, not per file.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REPORTS = ROOT / "tests" / "fixtures" / "reports"
SEEDS = ROOT / "tests" / "fixtures" / "seeds"

_VOLATILE = ("elapsed", "elapsed_s", "timing", "seconds")  # none today: defensive only


def inputs() -> list[Path]:
    data = json.loads((REPORTS / "manifest.json").read_text(encoding="utf-8"))
    entries = data["files"] if isinstance(data, dict) else data
    files = [REPORTS / e["file"] for e in entries]
    return files + sorted(p for p in SEEDS.iterdir() if p.is_file())


def snapshot(path: Path) -> str:
    from parsers import parse_file

    report = parse_file(path, isolate=False)
    for key in _VOLATILE:
        report.pop(key, None)
    return json.dumps(report, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", type=Path, help="directory for the JSON files (created)")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for path in inputs():
        started = time.perf_counter()
        name = path.relative_to(path.parent.parent).as_posix().replace("/", "__") + ".json"
        (args.out / name).write_text(snapshot(path), encoding="utf-8")
        print(f"{time.perf_counter() - started:6.2f}s  {name}", flush=True)


if __name__ == "__main__":
    main()
