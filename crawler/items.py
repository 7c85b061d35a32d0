"""What the spider hands to the pipeline."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class DocumentItem:
    """A fetched document that may be a report: an attachment, or an article page whose HTML
    is the report itself. ``body`` is None when the server answered 304 Not Modified."""

    portal_code: str
    url: str  # where the bytes came from, after redirects
    page_url: str | None  # the article or list page that announced it
    body: bytes | None
    status: int
    fetched_at: str
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    filename: str | None = None  # from Content-Disposition or the link text
    listed_title: str | None = None  # what the portal's list calls it
    agency: str | None = None
    year: int | None = None
    published: str | None = None  # the portal's date for it
    referer: str | None = None
    previous_sha256: str | None = None  # the bytes a 304 refers to


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
class Fetched:
    """One response, with what a conditional request needs next time."""

    url: str
    body: bytes
    status: int  # 304 when the body came from the store
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class ImageReportItem:
    """A report published as pictures of its pages in an article (图片版): the article page
    and its images, in printed order."""

    portal_code: str
    page: Fetched  # the article page: the report's document
    images: list[Fetched]  # each page picture
    fetched_at: str
    listed_title: str | None = None
    agency: str | None = None
    year: int | None = None
    published: str | None = None

    @property
    def url(self) -> str:
        return self.page.url
