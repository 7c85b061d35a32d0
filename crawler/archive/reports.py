"""Saving a parsed report: its row, its cells and checks, its wide rows and its search entry.

A report is keyed by portal, agency and year (``report_key``); a second document of the same
report (a mirror, a re-upload, a better format) is recorded beside it, and the better of the two
is shown (``quality``). Everything for one report is written in one transaction.
"""

from __future__ import annotations

import json

from parsers.checks import cross_year_checks

from ..provenance import Listing
from ..provenance import utc_now as now
from . import findings, indicators
from .agencies import agency_key, agency_type, canonical_agency
from .columns import T2_COLUMNS, WIDE
from .search import index_text

# What the portal said about a report, kept when a later document of it comes without that.
_KEPT_WHEN_UNKNOWN = (
    "published",
    "page_url",
    "document_url",
    "fetched_at",
    "listed_title",
    "listed_agency",
    "listed_year",
)
_EXTRACTION_RANK = {"text": 3, "mixed": 2, "ocr": 1, "none": 0}


def report_key(portal_code: str | None, agency: str | None, year: int | None, digest: str) -> str:
    key = agency_key(agency)
    if key and year:
        return f"{portal_code or '-'}|{key}|{year}"
    return f"{portal_code or '-'}|sha:{digest}"


def stored_quality(db, report: dict) -> tuple[int, int, int]:
    """``quality`` of a report already archived in ``db`` (any connection with ``execute``:
    an ``Archive``'s, or a merge source's)."""
    known = db.execute(
        "SELECT count(*) FROM cells WHERE report_id = ? AND semantic != 'TEXT'", [report["id"]]
    ).fetchone()[0]
    return (
        report["is_annual_report"] or 0,
        _EXTRACTION_RANK.get(report["extraction"], 0),
        known,
    )


def quality(parsed: dict) -> tuple[int, int, int]:
    """Which of two documents of one report to show: readable, text over OCR, more cells."""
    known = sum(1 for c in parsed.get("cells", []) if c["semantic"] != "TEXT")
    return (
        int(bool(parsed.get("is_annual_report"))),
        _EXTRACTION_RANK.get(parsed.get("extraction", "none"), 0),
        known,
    )


def check_row(report_id: int, c: dict) -> dict:
    return {
        "report_id": report_id,
        "rule": c["rule"],
        "scope": c.get("scope", ""),
        "status": c["status"],
        "mode": c.get("mode"),
        "severity": c.get("severity"),
        "left": c.get("left"),
        "right": c.get("right"),
        "delta": c.get("delta"),
        "derived": c.get("derived"),
        "note": c.get("note"),
        "evidence": c.get("evidence"),
    }


def _counts(parsed: dict) -> dict:
    checks = parsed["checks"]
    return {
        "checks_failed": sum(
            1 for c in checks if c["status"] == "FAIL" and c.get("severity") == "error"
        ),
        "checks_uncertain": sum(1 for c in checks if c["status"] == "UNCERTAIN"),
    }


class ReportsMixin:
    """The report half of :class:`~crawler.archive.Archive` (``self.db`` is its database)."""

    def add_report(
        self,
        parsed: dict,
        *,
        sha: str | None = None,
        listing: Listing = Listing(),  # noqa: B008 - frozen, so one shared default is safe
        replace_id: int | None = None,
    ) -> int:
        """Archive one parsed report; returns its id.

        ``listing.title/agency/year`` are what the portal says (the list entry), which wins over
        what the document says; the document fills what the portal leaves out. ``replace_id``
        (reparse) keeps that report's id even if its key changed; only when the new key is
        another report's already are the two merged into that one.
        """
        digest = sha or parsed["source"]["sha256"]
        row = self._report_row(parsed, digest, listing)
        with self.db.atomic():
            touched = [(row["portal_code"], row["agency"], row["year"])]
            if replace_id is not None:
                old = self.db.execute(
                    "SELECT portal_code, agency, year FROM reports WHERE id = ?", [replace_id]
                ).fetchone()
                touched += [tuple(old)] if old else []
            existing = self._report_by_key(row["report_key"])
            if replace_id is not None and (existing is None or existing["id"] != replace_id):
                existing = self._rekey(replace_id, row["report_key"], existing)
            report_id, replace = self._upsert_report(row, existing, parsed, digest, listing)
            self.db.execute(
                "INSERT INTO report_documents (report_id, sha256, url, page_url, first_seen, "
                "last_seen) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE "
                "SET last_seen = excluded.last_seen",
                [
                    report_id,
                    digest,
                    listing.document_url or listing.page_url or "",
                    listing.page_url,
                    row["last_seen"],
                    row["last_seen"],
                ],
            )
            if replace:
                self._write_cells_and_checks(report_id, parsed, row)
                self._index(report_id, row)
            self._cross_year(row["portal_code"], row["agency"], row["year"])
            if replace or len(touched) > 1:
                self.refresh_findings(report_id, touched)
        return report_id

    def refresh_findings(self, report_id: int | None, touched: list[tuple]) -> None:
        """Indicators and flags of a saved report, its county-year and its neighbour years."""
        indicators.refresh(self.db, report_id, touched)
        findings.refresh(self.db, touched)

    def rebuild_findings(self, progress=None) -> dict:
        """Recompute every indicator and flag (``nianbao findings``; archives loaded in bulk)."""
        with self.db.atomic():
            rows = indicators.rebuild(self.db, progress)
            flags = findings.rebuild(self.db)
        return {"indicators": rows, "flags": flags}

    def _report_row(self, parsed: dict, digest: str, listing: Listing) -> dict:
        portal = self.db["portals"].get(listing.portal_code) if listing.portal_code else None
        county = portal["name"] if portal else None
        agency = canonical_agency(listing.agency or parsed.get("agency"), county)
        year = listing.year or parsed.get("year")
        sections = parsed["sections"]
        stamp = now()
        return {
            "report_key": report_key(listing.portal_code, agency, year, digest),
            "portal_code": listing.portal_code,
            "province": portal["province"] if portal else None,
            "prefecture": portal["prefecture"] if portal else None,
            "county": county,
            "agency": agency,
            "agency_type": agency_type(agency, county),
            "year": year,
            "title": listing.title or parsed.get("title"),
            "document_title": parsed.get("title"),
            "page_url": listing.page_url,
            "document_url": listing.document_url,
            "document_sha256": digest,
            "media_type": parsed["source"].get("media_type"),
            "published": listing.published or parsed.get("published"),
            "report_date": parsed.get("report_date"),
            "template_version": parsed.get("template_version"),
            "layout_sec2": parsed["layouts"]["sec2"],
            "layout_sec3": parsed["layouts"]["sec3"],
            "layout_sec4": parsed["layouts"]["sec4"],
            "extraction": parsed.get("extraction"),
            "parser_version": parsed.get("parser_version"),
            "parsed_at": stamp,
            "is_annual_report": int(bool(parsed.get("is_annual_report"))),
            "year_source": "portal"
            if listing.year and listing.year != parsed.get("year")
            else parsed.get("year_source"),
            **_counts(parsed),
            "last_seen": stamp,
            "fetched_at": listing.fetched_at,
            "warnings": json.dumps(parsed.get("warnings", []), ensure_ascii=False),
            "overview": sections.get("overview"),
            "problems": sections.get("problems"),
            "other_matters": sections.get("other_matters"),
            "text": parsed.get("text"),
            "listed_title": listing.title,
            "listed_agency": listing.agency,
            "listed_year": listing.year,
        }

    def _report_by_key(self, key: str) -> dict | None:
        return next(iter(self.db.query("SELECT * FROM reports WHERE report_key = ?", [key])), None)

    def _rekey(self, report_id: int, key: str, existing: dict | None) -> dict | None:
        """A re-read report whose key changed: give it the new key, keeping its id, or fold it
        into the report that has that key already. Returns the row to update."""
        old = self.db["reports"].get(report_id)
        if existing is None:
            self.db["reports"].update(report_id, {"report_key": key})
            self._cross_year(old["portal_code"], old["agency"], old["year"])
            return {**old, "report_key": key}
        self._merge_into(old, existing["id"])
        self._cross_year(old["portal_code"], old["agency"], old["year"])
        return existing

    def _upsert_report(
        self, row: dict, existing: dict | None, parsed: dict, digest: str, listing: Listing
    ) -> tuple[int, bool]:
        """Insert the report, or update it if this document is the better one (or the same).
        Returns the id and whether its cells are to be rewritten."""
        if existing is None:
            row["first_seen"] = row["last_seen"]
            return self.db["reports"].insert(row).last_pk, True
        report_id = existing["id"]
        if existing["document_sha256"] != digest and quality(parsed) < self._quality_of(existing):
            self.db["reports"].update(report_id, {"last_seen": row["last_seen"]})
            return report_id, False
        # A later document without portal context (an import, a bare attachment) must not
        # erase what an earlier fetch learned about the report.
        for k in _KEPT_WHEN_UNKNOWN:
            if row[k] is None:
                row[k] = existing[k]
        if listing.title is None and existing["listed_title"]:
            row["title"] = existing["listed_title"]
        same_slot = bool(
            (listing.document_url and listing.document_url == existing["document_url"])
            or (
                listing.page_url
                and listing.page_url == existing["page_url"]
                and row["media_type"] == existing["media_type"]
            )
        )
        findings.record_revision(
            self.db, existing, self._cells(report_id), parsed, digest, same_slot
        )
        self._unindex(existing)
        self.db["reports"].update(report_id, row)
        return report_id, True

    def _merge_into(self, old: dict, target_id: int) -> None:
        """Fold a report into another one that turned out to be the same report."""
        self._unindex(old)
        self.db.execute(
            "INSERT OR IGNORE INTO report_documents (report_id, sha256, url, page_url, "
            "first_seen, last_seen, page_of, page_number) SELECT ?, sha256, url, page_url, "
            "first_seen, last_seen, page_of, page_number FROM report_documents "
            "WHERE report_id = ?",
            [target_id, old["id"]],
        )
        for table in ("report_documents", "cells", "checks", "indicators", "report_revisions",
                      *WIDE):  # fmt: skip
            self.db.execute(f"DELETE FROM [{table}] WHERE report_id = ?", [old["id"]])
        self.db.execute("DELETE FROM reports WHERE id = ?", [old["id"]])

    def _quality_of(self, report: dict) -> tuple[int, int, int]:
        return stored_quality(self.db, report)

    def _write_cells_and_checks(self, report_id: int, parsed: dict, row: dict) -> None:
        self.db.execute("DELETE FROM cells WHERE report_id = ?", [report_id])
        self.db.execute(
            "DELETE FROM checks WHERE report_id = ? AND rule NOT LIKE 'X\\_%' ESCAPE '\\'",
            [report_id],
        )
        self.db["cells"].insert_all(
            (
                {
                    "report_id": report_id,
                    "table_key": c["table"],
                    "row_key": c["row"],
                    "col_key": c["col"],
                    "value": c["value"],
                    "raw": c["raw"],
                    "semantic": c["semantic"],
                    "unit": c.get("unit"),
                    "page": c.get("page"),
                    "flags": ",".join(c["flags"]) if c.get("flags") else None,
                    "bbox": json.dumps(c["bbox"]) if c.get("bbox") else None,
                    "confidence": c.get("confidence"),
                }
                for c in parsed["cells"]
            ),
            batch_size=500,
        )
        self.db["checks"].insert_all(
            (check_row(report_id, c) for c in parsed["checks"]), batch_size=500, replace=True
        )
        self._write_wide(report_id, parsed, row)

    def _write_wide(self, report_id: int, parsed: dict, row: dict) -> None:
        by_key = {(c["table"], c["row"], c["col"]): c["value"] for c in parsed["cells"]}
        layout = {
            "applications": parsed["layouts"]["sec3"],
            "review_litigation": "standard",
            "proactive_disclosure": parsed["layouts"]["sec2"],
        }
        for name, (table, keys) in WIDE.items():
            self.db.execute(f"DELETE FROM [{name}] WHERE report_id = ?", [report_id])
            if table == "t2_*":
                values = {f"{r}_{c}": by_key.get((t, r, c)) for t, r, c in T2_COLUMNS}
                present = any(k[0].startswith("t2_") for k in by_key)
            else:
                values = {f"{r}_{c}": by_key.get((table, r, c)) for r, c in keys}
                present = any(k[0] == table for k in by_key)
            if present:
                self.db[name].insert(
                    {
                        "report_id": report_id,
                        "portal_code": row["portal_code"],
                        "agency": row["agency"],
                        "year": row["year"],
                        "layout": layout[name],
                        **values,
                    }
                )

    # --- search index --------------------------------------------------------------------

    def _index(self, report_id: int, row: dict) -> None:
        self.db.execute(
            "INSERT INTO reports_fts(rowid, title, agency, body) VALUES (?, ?, ?, ?)",
            [
                report_id,
                index_text(row["title"]),
                index_text(row["agency"]),
                index_text(row["text"]),
            ],
        )

    def _unindex(self, existing: dict) -> None:
        # A contentless FTS5 table forgets a row only when given the exact tokens it indexed.
        self.db.execute(
            "INSERT INTO reports_fts(reports_fts, rowid, title, agency, body) "
            "VALUES ('delete', ?, ?, ?, ?)",
            [
                existing["id"],
                index_text(existing["title"]),
                index_text(existing["agency"]),
                index_text(existing["text"]),
            ],
        )

    # --- cross-year checks (spec §7.4; the rules are parsers.checks.cross_year_checks) ------

    def _cross_year(self, portal_code: str | None, agency: str | None, year: int | None) -> None:
        if not agency or not year:
            return
        for y in (year, year + 1):
            self._cross_pair(portal_code, agency, y)

    def _cross_pair(self, portal_code: str | None, agency: str, year: int) -> None:
        prev = self._report_id(portal_code, agency, year - 1)
        cur = self._report_id(portal_code, agency, year)
        if cur is None:
            return
        self.db.execute(
            "DELETE FROM checks WHERE report_id = ? AND rule LIKE 'X\\_%' ESCAPE '\\'", [cur]
        )
        if prev is None:
            return
        layouts = dict(
            self.db.execute(
                "SELECT id, layout_sec2 FROM reports WHERE id IN (?, ?)", [prev, cur]
            ).fetchall()
        )
        checks = cross_year_checks(
            year, self._cells(prev), self._cells(cur), layouts.get(prev), layouts.get(cur)
        )
        self.db["checks"].insert_all((check_row(cur, c) for c in checks), replace=True)

    def _cells(self, report_id: int) -> dict[tuple[str, str, str], tuple]:
        return {
            (t, r, c): (value, semantic)
            for t, r, c, value, semantic in self.db.execute(
                "SELECT table_key, row_key, col_key, value, semantic FROM cells "
                "WHERE report_id = ?",
                [report_id],
            )
        }

    def _report_id(self, portal_code: str | None, agency: str, year: int) -> int | None:
        r = self.db.execute(
            "SELECT id FROM reports WHERE report_key = ?",
            [report_key(portal_code, agency, year, "")],
        ).fetchone()
        return r[0] if r else None
