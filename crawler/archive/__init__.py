"""The archive: ``archive.db``, built and migrated with sqlite-utils, and its document store.

Tables (their names and meanings are a public interface, docs/data-dictionary.md):

``portals``          one row per registry entry, with the last crawl's outcome
``documents``        distinct document bytes (sha256), stored under ``<db>-files/``
``fetches``          every HTTP observation of a URL (status, ETag, Last-Modified, sha256)
``reports``          one row per report (portal, agency, year); its current document
``report_documents`` every document and URL a report was found as (history, mirrors)
``cells``            every table cell of every report (long form)
``checks``           every consistency check result, cross-year ones included
``crawl_runs``       one row per crawl
``applications``, ``review_litigation``, ``proactive_disclosure``
                     wide tables: one row per report, one column per cell (derived from cells)
``reports_fts``      bigram full-text index of title, agency and text (``search.py``)

Modules: ``schema`` (migrations), ``views``, ``columns`` (the SQL vocabulary of the wide
tables), ``reports`` (saving a report), ``runs`` (crawl runs and fetches), ``store`` (bytes by
sha256), ``search`` (the Chinese search rule), ``agencies`` (agency names and types),
``ingest`` (bytes → store → parser → archive, for every source).

Writes for one report happen in one transaction, in WAL mode: a crash or a kill -9 loses at most
the report being written, never one already archived.
"""

from .database import Archive
from .reports import check_row, now, quality, report_key

__all__ = ["Archive", "check_row", "now", "quality", "report_key"]
