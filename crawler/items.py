"""What the spider hands to the pipeline."""

from __future__ import annotations

from dataclasses import dataclass

from .provenance import Listing


@dataclass
class Fetched:
    """One response, with what a conditional request needs next time."""

    url: str  # where the bytes came from, after redirects
    body: bytes  # the stored bytes when the server answered 304 Not Modified
    status: int  # 304 when the body came from the store
    etag: str | None = None
    last_modified: str | None = None
    tls_verified: int | None = None  # 1 verified, 0 a broken certificate's fallback, None http


@dataclass
class DocumentItem:
    """A fetched document that may be a report: an attachment, or an article page whose HTML
    is the report itself."""

    listing: Listing  # where it was found and what the portal said about it
    fetched: Fetched
    content_type: str | None = None
    filename: str | None = None  # from Content-Disposition or the link text
    referer: str | None = None


@dataclass
class FetchFailure:
    """A document request that produced no document (error, 404, challenge, too big)."""

    portal_code: str
    url: str
    fetched_at: str
    status: int | None
    error: str
    page_url: str | None = None


@dataclass
class ImageReportItem:
    """A report published as pictures of its pages in an article (图片版): the article page
    and its images, in printed order."""

    listing: Listing  # page_url is the article
    page: Fetched  # the article page: the report's document
    images: list[Fetched]  # each page picture
