"""The bundled national county list (``crawler/data/counties.csv``) as the ``counties`` table.

Rankings list the counties they leave out, the map draws a dot for every county and
``nianbao import --portal CODE`` files a journalist's own documents under any county: all three
need every county-level unit, not only the portals a registry names. The list's licences are in
``crawler/data/`` (codes CC0, coordinates MIT).
"""

from __future__ import annotations

import csv
from pathlib import Path

import sqlite_utils

COUNTIES_CSV = Path(__file__).resolve().parent.parent / "data" / "counties.csv"


def read_counties(path: Path = COUNTIES_CSV) -> list[dict]:
    """Every row of the bundled list, coordinates as floats (empty: None)."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        for k in ("lon", "lat"):
            r[k] = float(r[k]) if r.get(k) else None
    return rows


def load_counties(db: sqlite_utils.Database, path: Path = COUNTIES_CSV) -> int:
    """Fill ``counties`` from the bundled list (replacing what was there); returns the count."""
    rows = read_counties(path)
    keep = ("code", "name", "type", "province", "prefecture", "lon", "lat")
    db.execute("DELETE FROM counties")
    db["counties"].insert_all(({k: r.get(k) for k in keep} for r in rows), batch_size=1000)
    return len(rows)


def county(db: sqlite_utils.Database, code: str) -> dict | None:
    """One county of the national list, or None."""
    rows = db.query("SELECT * FROM counties WHERE code = ?", [code])
    return next(iter(rows), None)
