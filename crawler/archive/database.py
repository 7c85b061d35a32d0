"""Opening an archive, and its portal and document records."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

import sqlite_utils

from . import views
from .counties import county
from .indicators import apply_dictionary
from .reports import ReportsMixin, now
from .runs import RunsMixin
from .schema import migrations
from .store import DocumentStore, files_dir_for, snapshots_dir_for


class Archive(ReportsMixin, RunsMixin):
    """Open (and create or migrate) an archive. Safe to open from several processes."""

    def __init__(self, path: str | os.PathLike, *, files_dir: str | os.PathLike | None = None):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite_utils.Database(self.path)
        self.db.execute("PRAGMA busy_timeout = 30000")
        self.db.enable_wal()
        self.db.execute("PRAGMA synchronous = NORMAL")
        self.db.execute("PRAGMA foreign_keys = ON")
        migrations.apply(self.db)
        views.apply(self.db)
        apply_dictionary(self.db)
        self.store = DocumentStore(files_dir or files_dir_for(self.path))

    def close(self) -> None:
        self.db.close()

    # --- registry ------------------------------------------------------------------------

    def upsert_portals(self, portals: Iterable[dict]) -> None:
        keep = ("code", "name", "province", "prefecture", "url", "platform", "js")
        rows = [{k: p.get(k) for k in keep} for p in portals]
        with self.db.atomic():
            self.db["portals"].upsert_all(rows, pk="code")

    def ensure_portal(self, code: str) -> bool:
        """A portal row for ``code``: registered already, or created from the national county
        list (for ``nianbao import --portal``). False when the code is neither."""
        if self.db["portals"].count_where("code = ?", [code]):
            return True
        row = county(self.db, code)
        if row is None:
            return False
        self.upsert_portals(
            [{"code": code, "name": row["name"], "province": row["province"],
              "prefecture": row["prefecture"], "url": ""}]
        )  # fmt: skip
        return True

    def snapshot(self, out_dir: str | os.PathLike | None = None) -> Path:
        """A consistent copy of the archive as of now (``VACUUM INTO``), named by today's date
        (UTC), in ``<archive>-snapshots/``: what ``/-/downloads`` serves. Replaces today's."""
        folder = Path(out_dir) if out_dir else snapshots_dir_for(self.path)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{self.path.stem}-{now()[:10]}.db"
        partial = target.with_suffix(".db.partial")
        partial.unlink(missing_ok=True)
        self.db.execute("VACUUM INTO ?", [str(partial)])
        partial.replace(target)
        return target

    def set_portal_status(
        self,
        code: str,
        status: str,
        reason: str,
        run_id: int | None,
        platform: str | None = None,
        **outcome,
    ) -> None:
        """The crawl's outcome for a portal; ``outcome`` may carry ``learned`` (dict),
        ``learned_broken`` (list), ``pages`` and ``rendered``."""
        update = {
            "status": status,
            "status_reason": reason,
            "last_crawled": now(),
            "last_crawl_run": run_id,
        }
        if platform:
            update["platform"] = platform
        for key in ("learned", "learned_broken"):
            if key in outcome:
                value = outcome.pop(key)
                update[key] = json.dumps(value, ensure_ascii=False) if value else None
        update.update(outcome)
        with self.db.atomic():
            self.db["portals"].update(code, update)

    def learned(self, codes: Iterable[str]) -> dict[str, dict]:
        """What the last crawl learned about each of these portals (empty: nothing)."""
        out = {}
        for code in codes:
            row = self.db.execute("SELECT learned FROM portals WHERE code = ?", [code]).fetchone()
            if row and row[0]:
                out[code] = json.loads(row[0])
        return out

    # --- documents -----------------------------------------------------------------------

    def add_document(
        self,
        data: bytes,
        media_type: str,
        filename: str | None = None,
        *,
        parsed: dict | None = None,
    ) -> str:
        digest, rel = self.store.put(data, media_type)
        row = {
            "sha256": digest,
            "media_type": media_type,
            "size": len(data),
            "path": rel,
            "filename": filename,
            "first_seen": now(),
        }
        with self.db.atomic():
            self.db["documents"].insert(row, ignore=True)
            if parsed is not None:
                self.db["documents"].update(
                    digest,
                    {
                        "parser_version": parsed.get("parser_version"),
                        "is_annual_report": int(bool(parsed.get("is_annual_report"))),
                    },
                )
        return digest

    def document(self, digest: str) -> dict | None:
        return next(iter(self.db.query("SELECT * FROM documents WHERE sha256 = ?", [digest])), None)

    def report_for_document(self, digest: str) -> dict | None:
        rows = self.db.query(
            "SELECT r.* FROM report_documents d JOIN reports r ON r.id = d.report_id "
            "WHERE d.sha256 = ? LIMIT 1",
            [digest],
        )
        return next(iter(rows), None)

    def touch_report(
        self,
        report_id: int,
        digest: str,
        url: str,
        page_url: str | None,
        *,
        page_of: str | None = None,
        page_number: int | None = None,
    ) -> None:
        """The report was seen again (unchanged, or under one more URL). ``page_of`` and
        ``page_number``: this document is that page of the report's document (a 图片版
        picture), so that the report can be read again in its printed order."""
        stamp = now()
        with self.db.atomic():
            self.db["reports"].update(report_id, {"last_seen": stamp})
            self.db.execute(
                "INSERT INTO report_documents (report_id, sha256, url, page_url, first_seen, "
                "last_seen, page_of, page_number) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT DO UPDATE SET last_seen = excluded.last_seen, "
                "page_of = coalesce(excluded.page_of, page_of), "
                "page_number = coalesce(excluded.page_number, page_number)",
                [report_id, digest, url, page_url, stamp, stamp, page_of, page_number],
            )
