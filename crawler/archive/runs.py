"""The crawl ledger: every crawl run, and every HTTP observation of a URL (``fetches``).

A run that never finished (killed, interrupted) is resumed by the next crawl of the same
registry; documents stored during it, or recently enough, are not asked for again.
"""

from __future__ import annotations

import json

from .reports import now


class RunsMixin:
    """The crawl-run half of :class:`~crawler.archive.Archive` (``self.db`` is its database)."""

    def start_run(self, registry: str, args: dict) -> int:
        with self.db.atomic():
            return (
                self.db["crawl_runs"]
                .insert(
                    {
                        "started": now(),
                        "registry": registry,
                        "args": json.dumps(args, ensure_ascii=False),
                    }
                )
                .last_pk
            )

    def finish_run(self, run_id: int, stats: dict) -> None:
        with self.db.atomic():
            self.db["crawl_runs"].update(
                run_id,
                {"finished": now(), "stats": json.dumps(stats, ensure_ascii=False, default=str)},
            )

    def update_run_stats(self, run_id: int, stats: dict) -> None:
        """Stats of a run that stopped early; it stays unfinished, so the next crawl resumes it."""
        with self.db.atomic():
            self.db["crawl_runs"].update(
                run_id, {"stats": json.dumps(stats, ensure_ascii=False, default=str)}
            )

    def unfinished_run(self, registry: str) -> int | None:
        """The newest crawl of this registry that never finished (killed, interrupted)."""
        row = self.db.execute(
            "SELECT id, finished FROM crawl_runs WHERE registry = ? ORDER BY id DESC LIMIT 1",
            [registry],
        ).fetchone()
        return row[0] if row and row[1] is None else None

    def record_fetch(self, **fetch) -> None:
        fetch.setdefault("fetched_at", now())
        with self.db.atomic():
            self.db["fetches"].insert(fetch)

    def last_fetch(self, url: str) -> dict | None:
        """The newest successful fetch of a URL (for conditional requests)."""
        rows = self.db.query(
            "SELECT * FROM fetches WHERE url = ? AND sha256 IS NOT NULL "
            "ORDER BY fetched_at DESC, id DESC LIMIT 1",
            [url],
        )
        return next(iter(rows), None)

    def fetched_since(self, url: str, since: str) -> bool:
        """Was this document stored by a fetch at or after ``since`` (ISO UTC)?"""
        return (
            self.db.execute(
                "SELECT 1 FROM fetches WHERE url = ? AND fetched_at >= ? AND sha256 IS NOT NULL "
                "LIMIT 1",
                [url, since],
            ).fetchone()
            is not None
        )

    def fetched_in_run(self, url: str, run_id: int) -> bool:
        """Was this document already fetched and stored during this (resumed) run?"""
        return (
            self.db.execute(
                "SELECT 1 FROM fetches WHERE url = ? AND crawl_run = ? AND sha256 IS NOT NULL "
                "LIMIT 1",
                [url, run_id],
            ).fetchone()
            is not None
        )
