"""The archive's health for a nightly crawl nobody watches: last runs, each portal's outcome
history (``portal_runs``), the changes that need a person, and the crawl's exit status.

A change that needs a person is a difference between a portal's last two recorded runs:

* ``stopped`` — the portal yielded report links last run and none now;
* ``learned_broke`` — a column or endpoint learned earlier gave nothing (found again or not);
* ``blocked`` / ``unreachable`` / ``disallowed`` — newly so (it was not the run before);
* ``parse_failures`` — a jump in documents nothing could be read from (≥ 3 more, and at least
  twice as many, as the run before).

Plain SQL over a ``sqlite3`` connection, so that ``nianbao status`` (the archive's connection)
and the site's ``/-/status`` (Datasette's read-only one) say the same.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime

from ..provenance import utc_now

OK, CHANGES, FAILED = 0, 1, 2  # exit statuses for cron and systemd (docs/operations.md)
CUT_OFF = ("blocked", "unreachable", "disallowed")
CHANGE_TITLES = {
    "stopped": "no report links any more",
    "learned_broke": "a learned path broke",
    "blocked": "newly blocked",
    "unreachable": "newly unreachable",
    "disallowed": "newly disallowed by robots.txt",
    "parse_failures": "jump in failed parses",
}


def record_portal_run(conn: sqlite3.Connection, run_id: int, code: str, outcome: dict) -> None:
    """One portal's outcome in one run; the reports it brought are counted from the archive
    (first seen, or given a new document, since the run started)."""
    started = conn.execute("SELECT started FROM crawl_runs WHERE id = ?", [run_id]).fetchone()[0]
    new, revised = conn.execute(
        "SELECT coalesce(sum(first = 1), 0), coalesce(sum(first = 0), 0) FROM ("
        " SELECT min(rd.first_seen) >= :s AS first FROM reports r"
        " JOIN report_documents rd ON rd.report_id = r.id"
        " WHERE r.portal_code = :code GROUP BY r.id HAVING max(rd.first_seen) >= :s)",
        {"s": started, "code": code},
    ).fetchone()
    failed = conn.execute(
        "SELECT count(DISTINCT r.id) FROM fetches f JOIN reports r ON r.document_sha256 = f.sha256"
        " WHERE f.crawl_run = ? AND f.portal_code = ? AND r.extraction = 'none'",
        [run_id, code],
    ).fetchone()[0]
    row = {
        "crawl_run": run_id,
        "portal_code": code,
        "new_reports": new,
        "revised_reports": revised,
        "parse_failed": failed,
        "recorded_at": utc_now(),
        **outcome,
    }
    if isinstance(row.get("learned_broken"), list):
        row["learned_broken"] = json.dumps(row["learned_broken"], ensure_ascii=False) or None
    columns = ", ".join(row)
    marks = ", ".join(f":{k}" for k in row)
    conn.execute(f"INSERT OR REPLACE INTO portal_runs ({columns}) VALUES ({marks})", row)


def _rows(conn: sqlite3.Connection, sql: str, params=()) -> list[dict]:
    cur = conn.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def history(conn: sqlite3.Connection, code: str | None = None) -> list[dict]:
    """Every recorded portal outcome, oldest run first (one portal's with ``code``)."""
    where = "WHERE pr.portal_code = ? " if code else ""
    return _rows(
        conn,
        "SELECT pr.*, p.name, r.started FROM portal_runs pr JOIN portals p ON p.code = "
        f"pr.portal_code JOIN crawl_runs r ON r.id = pr.crawl_run {where}"
        "ORDER BY pr.portal_code, pr.crawl_run",
        [code] if code else [],
    )


def _compare(before: dict, now: dict) -> list[tuple[str, str]]:
    found = []
    if (before["report_links"] or 0) > 0 and not now["report_links"]:
        found.append(("stopped", f"{before['report_links']} report link(s) last run, none now"))
    broken = json.loads(now["learned_broken"] or "[]")
    if broken:
        found.append(("learned_broke", "; ".join(broken[:3])))
    if now["status"] in CUT_OFF and before["status"] != now["status"]:
        found.append((now["status"], now["reason"] or ""))
    was, failed = before["parse_failed"] or 0, now["parse_failed"] or 0
    if failed >= was + 3 and failed >= 2 * was:
        found.append(("parse_failures", f"{failed} documents read nothing (was {was})"))
    return found


def changes(conn: sqlite3.Connection, run_id: int | None = None) -> list[dict]:
    """Changes needing a person, newest first: each portal's run against its previous one
    (only those of ``run_id`` when given)."""
    out = []
    previous: dict[str, dict] = {}
    for row in history(conn):
        before = previous.get(row["portal_code"])
        previous[row["portal_code"]] = row
        if before is None or (run_id is not None and row["crawl_run"] != run_id):
            continue
        for kind, detail in _compare(before, row):
            out.append(
                {
                    "crawl_run": row["crawl_run"],
                    "portal_code": row["portal_code"],
                    "name": row["name"],
                    "kind": kind,
                    "title": CHANGE_TITLES[kind],
                    "detail": detail,
                    "at": row["recorded_at"],
                }
            )
    return sorted(out, key=lambda c: (c["crawl_run"], c["portal_code"]), reverse=True)


def _duration(started: str | None, finished: str | None) -> float | None:
    if not (started and finished):
        return None
    return (datetime.fromisoformat(finished) - datetime.fromisoformat(started)).total_seconds()


def runs(conn: sqlite3.Connection, limit: int = 10) -> list[dict]:
    """The last crawl runs, newest first: duration, pages, new and revised reports, errors."""
    out = []
    for r in _rows(conn, "SELECT * FROM crawl_runs ORDER BY id DESC LIMIT ?", [limit]):
        stats = json.loads(r["stats"] or "{}")
        totals = conn.execute(
            "SELECT count(*), sum(pages), sum(new_reports), sum(revised_reports), "
            "sum(parse_failed) FROM portal_runs WHERE crawl_run = ?",
            [r["id"]],
        ).fetchone()
        out.append(
            {
                "id": r["id"],
                "started": r["started"],
                "finished": r["finished"],
                "seconds": _duration(r["started"], r["finished"]),
                "portals": totals[0],
                "pages": totals[1] or 0,
                "new_reports": totals[2] or 0,
                "revised_reports": totals[3] or 0,
                "parse_failed": totals[4] or 0,
                "errors": stats.get("log_count/ERROR", 0),
                "finish_reason": stats.get("finish_reason"),
            }
        )
    return out


def exit_status(conn: sqlite3.Connection, run_id: int | None) -> int:
    """0: the run finished; 1: it finished with changes worth a look; 2: it failed (never
    recorded, or stopped before Scrapy finished)."""
    if run_id is None:
        return FAILED
    row = conn.execute("SELECT finished FROM crawl_runs WHERE id = ?", [run_id]).fetchone()
    if row is None or row[0] is None:
        return FAILED
    return CHANGES if changes(conn, run_id) else OK
