"""Flags: what changed suspiciously from one year to the next (the ``flags`` table).

``spike``         新收申请 at least five times the year before, and at least 20
``sudden_zero``   新收申请 0 after two years with applications (together at least 10)
``similar_text``  the report's text ≥ 95 % the same as the agency's report of the year before
                  (雷同年报; ``text_similarity``, digits masked)
``revised``       the document changed on the portal after it was first archived, and its
                  numbers or text changed with it (``report_revisions``)
``stopped``       the agency's last report is for a year before the archive's latest year

Spikes and zeros are flagged for each agency and for each county (its agencies summed). A flag
keeps ``first_flagged`` — when the archive first raised it — while it still holds, which is
what the feed of new flags is ordered by; a flag that no longer holds (a missing report found
after all) is deleted. Everything is recomputed for the agency and county of a report when it is
saved (:func:`refresh`), or for the whole archive (:func:`rebuild`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from itertools import groupby

import sqlite_utils

from ..provenance import utc_now
from .metrics import SIMILAR

SPIKE_FACTOR = 5
SPIKE_MIN = 20
ZERO_BEFORE_MIN = 10  # the two years before a sudden zero: together at least this many
MATERIAL_SIMILARITY = 0.98  # a re-uploaded document whose text is less alike has been revised
SERIES_FLAGS = ("spike", "sudden_zero")
_PLACE = ("portal_code", "province", "prefecture", "county")
_FLAG_COLUMNS = (
    "flag_key", "flag", "level", "report_id", "previous_report_id", *_PLACE, "agency", "year",
    "indicator", "value", "previous", "detail",
)  # fmt: skip


def _key(flag: str, level: str, portal: str | None, agency: str | None, year, extra="") -> str:
    return f"{flag}|{level}|{portal or '-'}|{agency or '*'}|{year}|{extra}"


def sync(db: sqlite_utils.Database, where: str, params: list, desired: list[dict]) -> None:
    """Make the flags ``where`` selects exactly ``desired``, keeping ``first_flagged``."""
    existing = {
        r[0]: r[1]
        for r in db.execute(f"SELECT flag_key, first_flagged FROM flags WHERE {where}", params)
    }
    wanted = {d["flag_key"]: d for d in desired}
    gone = [k for k in existing if k not in wanted]
    db.conn.executemany("DELETE FROM flags WHERE flag_key = ?", [[k] for k in gone])
    stamp = utc_now()
    rows = [
        {**{c: d.get(c) for c in _FLAG_COLUMNS}, "first_flagged": existing.get(k, stamp)}
        for k, d in wanted.items()
    ]
    if rows:
        db["flags"].insert_all(rows, pk="flag_key", replace=True)


# --- spikes and sudden zeros ------------------------------------------------------------------


def series_flags(series: list[dict], level: str) -> list[dict]:
    """Spike and sudden-zero flags of one agency's (or county's) 新收申请, year by year."""
    out = []
    by_year = {r["year"]: r for r in series}
    for r in series:
        v, year = r["value"], r["year"]
        p1, p2 = by_year.get(year - 1), by_year.get(year - 2)
        if v is None or p1 is None or p1["value"] is None:
            continue
        base = {k: r[k] for k in ("report_id", *_PLACE, "agency", "year")}
        base |= {"level": level, "indicator": "new_received", "value": v, "previous": p1["value"]}
        base["previous_report_id"] = p1["report_id"]
        agency = r["agency"] if level == "agency" else None
        if v >= SPIKE_MIN and v >= SPIKE_FACTOR * p1["value"]:
            times = f"×{v / p1['value']:.1f}" if p1["value"] else "from 0"
            out.append(base | {
                "flag": "spike", "flag_key": _key("spike", level, r["portal_code"], agency, year),
                "detail": f"新收申请 {v:g} 件，上年 {p1['value']:g} 件 ({times})",
            })  # fmt: skip
        before = [p["value"] for p in (p1, p2) if p is not None and p["value"]]
        if v == 0 and len(before) == 2 and sum(before) >= ZERO_BEFORE_MIN:
            out.append(base | {
                "flag": "sudden_zero",
                "flag_key": _key("sudden_zero", level, r["portal_code"], agency, year),
                "detail": f"新收申请 0 件；前两年 {before[1]:g} 件、{before[0]:g} 件",
            })  # fmt: skip
    return out


_SERIES = """SELECT i.report_id, i.portal_code, i.province, i.prefecture, i.county, i.agency,
                    i.year, i.value FROM indicators i"""


def _series_desired(db: sqlite_utils.Database, level: str, where: str, params: list) -> list:
    lvl = "report" if level == "agency" else "county"
    rows = db.query(
        f"{_SERIES} WHERE i.level = '{lvl}' AND i.indicator = 'new_received' {where} "
        "ORDER BY i.portal_code, i.agency, i.year",
        params,
    )
    out = []
    for _, group in groupby(rows, key=lambda r: (r["portal_code"], r["agency"])):
        out += series_flags(list(group), level)
    return out


# --- similar text, revisions, stops -----------------------------------------------------------


def _similar_desired(db: sqlite_utils.Database, where: str, params: list) -> list[dict]:
    rows = db.query(
        "SELECT i.report_id, i.portal_code, i.province, i.prefecture, i.county, i.agency, "
        "i.year, i.value FROM indicators i WHERE i.level = 'report' "
        f"AND i.indicator = 'text_similarity' AND i.value >= {SIMILAR} {where}",
        params,
    )
    return [
        dict(r) | {
            "flag": "similar_text", "level": "agency", "indicator": "text_similarity",
            "flag_key": _key("similar_text", "agency", r["portal_code"], r["agency"], r["year"]),
            "detail": f"全文与 {r['year'] - 1} 年报告 {r['value']:.1%} 相同（数字不计）",
        }
        for r in rows
    ]  # fmt: skip


def _revised_desired(db: sqlite_utils.Database, where: str, params: list) -> list[dict]:
    rows = db.query(
        "SELECT v.report_id, v.old_sha256, v.new_sha256, v.seen, v.cells_changed, v.changes, "
        "v.text_similarity, r.portal_code, r.province, r.prefecture, r.county, r.agency, r.year "
        "FROM report_revisions v JOIN reports r ON r.id = v.report_id "
        f"WHERE (v.cells_changed > 0 OR v.text_similarity < {MATERIAL_SIMILARITY}) {where}",
        params,
    )
    out = []
    for r in rows:
        changes = json.loads(r["changes"] or "[]")
        what = "; ".join(f"{k}: {a} → {b}" for k, a, b in changes[:5])
        sim = f"文字相似度 {r['text_similarity']:.1%}" if r["text_similarity"] is not None else ""
        out.append({
            **{k: r[k] for k in ("report_id", *_PLACE, "agency", "year")},
            "flag": "revised", "level": "agency", "indicator": None,
            "flag_key": _key("revised", "agency", r["portal_code"], r["agency"], r["year"],
                             r["new_sha256"][:16]),
            "value": r["cells_changed"], "previous": None,
            "detail": f"{r['seen'][:10]} 发现原文被更换：{r['cells_changed']} 个单元格变了"
                      + (f"（{what}）" if what else "") + (f"，{sim}" if sim else ""),
        })  # fmt: skip
    return out


def _stopped_desired(db: sqlite_utils.Database, where: str, params: list) -> list[dict]:
    latest = db.execute("SELECT max(year) FROM reports").fetchone()[0]
    if latest is None:
        return []
    # The whole archive: one pass over the covering index; one agency: its portal's reports.
    hint = "" if where else "INDEXED BY reports_agency_year"
    rows = db.query(
        "SELECT portal_code, province, prefecture, county, agency, max(year) AS last "
        f"FROM reports {hint} WHERE +year IS NOT NULL AND agency IS NOT NULL {where} "
        "GROUP BY portal_code, agency HAVING max(year) < ?",
        [*params, latest],
    )
    out = []
    for r in rows:
        last_id = db.execute(
            "SELECT id FROM reports WHERE portal_code IS ? AND agency = ? AND year = ?",
            [r["portal_code"], r["agency"], r["last"]],
        ).fetchone()
        out.append({
            **{k: r[k] for k in (*_PLACE, "agency")},
            "report_id": last_id[0] if last_id else None, "year": r["last"] + 1,
            "flag": "stopped", "level": "agency", "indicator": None, "value": None,
            "previous": None,
            "flag_key": _key("stopped", "agency", r["portal_code"], r["agency"], r["last"] + 1),
            "detail": f"最后一份报告是 {r['last']} 年度的；{r['last'] + 1}–{latest} 年度未见",
        })  # fmt: skip
    return out


# --- keeping them current ---------------------------------------------------------------------


def refresh(db: sqlite_utils.Database, keys: Iterable[tuple]) -> None:
    """Recompute the flags of each (portal, agency, year) a saved report touched."""
    for portal, agency, year in set(keys):
        agency_where, ap = "AND i.portal_code IS ? AND i.agency IS ?", [portal, agency]
        sync(
            db,
            "level = 'agency' AND portal_code IS ? AND agency IS ? AND flag IN "
            "('spike', 'sudden_zero', 'similar_text')",
            ap,
            _series_desired(db, "agency", agency_where, ap)
            + _similar_desired(db, agency_where, ap),
        )
        sync(
            db,
            "level = 'county' AND portal_code IS ?",
            [portal],
            _series_desired(db, "county", "AND i.portal_code IS ?", [portal]),
        )
        sync(
            db,
            "flag = 'revised' AND portal_code IS ? AND agency IS ?",
            ap,
            _revised_desired(db, "AND r.portal_code IS ? AND r.agency IS ?", ap),
        )
        if agency is None:
            continue
        latest = db.execute("SELECT max(year) FROM reports").fetchone()[0]
        first_of_latest = (
            year == latest
            and db.execute("SELECT count(*) FROM reports WHERE year = ?", [year]).fetchone()[0] == 1
        )
        if first_of_latest:  # a new latest year: every agency without it has stopped (so far)
            sync(db, "flag = 'stopped'", [], _stopped_desired(db, "", []))
        else:
            sync(
                db,
                "flag = 'stopped' AND portal_code IS ? AND agency = ?",
                ap,
                _stopped_desired(db, "AND portal_code IS ? AND agency = ?", ap),
            )


def rebuild(db: sqlite_utils.Database) -> int:
    """Recompute every flag of the archive; returns how many there are."""
    sync(
        db,
        "flag IN ('spike', 'sudden_zero', 'similar_text', 'revised', 'stopped')",
        [],
        _series_desired(db, "agency", "", [])
        + _series_desired(db, "county", "", [])
        + _similar_desired(db, "", [])
        + _revised_desired(db, "", [])
        + _stopped_desired(db, "", []),
    )
    return db.execute("SELECT count(*) FROM flags").fetchone()[0]


# --- revisions --------------------------------------------------------------------------------


def record_revision(
    db: sqlite_utils.Database,
    existing: dict,
    old_cells: dict[tuple[str, str, str], tuple],
    parsed: dict,
    digest: str,
    same_slot: bool,
) -> None:
    """A report's document was replaced by another one found where it was (the same URL, or
    the same portal page and format): record what changed in its cells and text."""
    from .similarity import similarity

    if not same_slot or existing["document_sha256"] == digest:
        return
    new = {(c["table"], c["row"], c["col"]): c["value"] for c in parsed.get("cells", [])}
    changes = [
        [".".join(k), old_cells[k][0] if k in old_cells else None, new.get(k)]
        for k in sorted(set(new) | set(old_cells))
        if (old_cells[k][0] if k in old_cells else None) != new.get(k)
    ]
    db["report_revisions"].insert(
        {
            "report_id": existing["id"],
            "old_sha256": existing["document_sha256"],
            "new_sha256": digest,
            "seen": utc_now(),
            "cells_changed": len(changes),
            "changes": json.dumps(changes[:50], ensure_ascii=False),
            "text_similarity": similarity(existing["text"], parsed.get("text")),
        },
        replace=True,
    )
