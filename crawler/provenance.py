"""Where a document was found and what the portal said about it: the crawl → archive contract.

One type instead of eight keyword arguments repeated at every call site: the spider fills it,
the pipeline hands it on, the archive stores it beside every report (``reports.page_url`` …),
and ``reparse`` rebuilds it from what was stored. Everything is optional: a journalist's
imported PDF has no portal context at all.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime


@dataclass(frozen=True)
class Listing:
    portal_code: str | None = None  # 行政区划代码 of the portal it was found on
    page_url: str | None = None  # the article or list page that announced it
    document_url: str | None = None  # where the bytes came from, after redirects
    published: str | None = None  # the portal's date for it
    title: str | None = None  # what the portal's list calls it
    agency: str | None = None  # the agency the listed title names
    year: int | None = None  # the report year the listed title names
    fetched_at: str | None = None  # when the bytes were fetched (ISO 8601 UTC)

    def but(self, **changes) -> Listing:
        """A copy with some fields changed."""
        return replace(self, **changes)


def utc_now() -> str:
    """A fetch or archive time stamp: ISO 8601, UTC, to the second."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
