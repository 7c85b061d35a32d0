"""Turning responses into items: a document (attachment or report page), or a 图片版 report.

The 图片版 report is an article page whose body is only pictures of the printed pages: they
are fetched in order, one at a time, and handed on together with the article page.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.http import Response, TextResponse

from crawler.items import DocumentItem, Fetched, FetchFailure, ImageReportItem
from crawler.provenance import Listing, utc_now
from crawler.registry import Portal

from . import links

PRIORITY_DOCUMENT = 30


def fetched(response: Response) -> Fetched:
    headers = response.headers
    return Fetched(
        url=links.canonical(response.url),
        body=response.body,
        status=304 if response.meta.get("not_modified") else response.status,
        etag=(headers.get(b"ETag") or b"").decode("latin-1") or None,
        last_modified=(headers.get(b"Last-Modified") or b"").decode("latin-1") or None,
        tls_verified=response.meta.get("tls_verified"),
    )


def listing(portal: Portal, hints: dict, page_url: str | None, document_url: str) -> Listing:
    return Listing(
        portal_code=portal.code,
        page_url=page_url,
        document_url=document_url,
        published=hints.get("published"),
        title=hints.get("listed_title"),
        agency=hints.get("agency"),
        year=hints.get("year"),
        fetched_at=utc_now(),
    )


def page_pictures(response: TextResponse) -> list[str]:
    """The content pictures of an article that holds nothing else (logos and icons out)."""
    urls = []
    for img in response.xpath("//body//img"):
        context = " ".join(img.xpath("./ancestor::*/@class|./ancestor::*/@id").getall())
        src = img.attrib.get("src") or ""
        if re.search(r"(^|[\s_-])(header|footer|logo|nav|banner|top|share|icon)", context, re.I):
            continue
        if re.search(r"\.(jpe?g|png|gif|bmp|tiff?)(\?|$)", src, re.I):
            urls.append(response.urljoin(src))
    return urls


class DocumentsMixin:
    """Document and picture requests, and their callbacks (for the portal spider)."""

    def _document(self, portal: Portal, url: str, name: str, page_url: str, hints: dict):
        yield Request(
            url,
            callback=self.parse_document,
            errback=self.document_failed,
            headers={"Referer": page_url},  # VSB downloads refuse requests without it
            meta=self._meta(
                portal,
                "document",
                document=True,
                hints=hints,
                page_url=page_url,
                link_name=name,
                handle_httpstatus_list=[404, 410, 403],
            ),
            priority=PRIORITY_DOCUMENT,
        )

    def parse_document(self, response: Response):
        portal = self._portal(response)
        failure = self._not_a_document(response, portal)
        if failure is not None:
            self.ledger[portal.code].lose(f"document {response.url}: {failure.error}")
            yield failure
            return
        yield self._item(
            response, portal, response.meta.get("hints", {}), page_url=response.meta.get("page_url")
        )

    def _not_a_document(self, response: Response, portal: Portal) -> FetchFailure | None:
        """An HTTP error, or an HTML error page where a file should be (a Referer or session
        gate)."""
        page_url = response.meta.get("page_url")
        if response.status >= 400:
            why = f"HTTP {response.status}"
            return FetchFailure(
                portal.code, response.url, utc_now(), response.status, why, page_url
            )
        if isinstance(response, TextResponse) and links.is_attachment(response.request.url):
            text = " ".join(response.xpath("//body//text()").getall())
            if len(response.body) < self.sniff_bytes and links.report_markers(text) == 0:
                why = "the server sent an HTML page instead of the file"
                return FetchFailure(
                    portal.code, response.url, utc_now(), response.status, why, page_url
                )
        return None

    def _item(self, response: Response, portal: Portal, hints: dict, page_url) -> DocumentItem:
        if isinstance(page_url, bytes):
            page_url = page_url.decode("latin-1")
        self.ledger[portal.code].documents += 1
        headers = response.headers
        name = links.filename_from_headers(headers) or response.meta.get("link_name") or None
        path = urlsplit(response.url).path
        if name and "." not in name[-6:] and "." in path[-6:]:
            name = f"{name}.{path.rsplit('.', 1)[-1]}"  # the link text plus the URL's extension
        f = fetched(response)
        return DocumentItem(
            listing=listing(portal, hints, page_url, f.url),
            fetched=f,
            content_type=(headers.get(b"Content-Type") or b"").decode("latin-1") or None,
            filename=name,
            referer=(response.request.headers.get(b"Referer") or b"").decode("latin-1") or None,
        )

    # --- 图片版 -------------------------------------------------------------------------------

    def _picture_request(
        self, portal: Portal, hints: dict, article_url: str, article: Fetched, todo, done
    ) -> Request:
        """The next picture of a 图片版 article; the last one's callback yields the report."""
        return Request(
            todo[0],
            callback=self.parse_picture,
            errback=self.document_failed,
            headers={"Referer": article_url},
            meta=self._meta(
                portal,
                "document",
                hints=hints,
                page_url=article_url,
                article_url=article_url,
                article_fetched=article,
                todo=todo[1:],
                done=done,
            ),
            priority=PRIORITY_DOCUMENT,
        )

    def parse_picture(self, response: Response):
        portal = self._portal(response)
        meta = response.meta
        hints = meta.get("hints", {})
        done = [*meta["done"], fetched(response)]
        if meta["todo"]:
            yield self._picture_request(
                portal, hints, meta["article_url"], meta["article_fetched"], meta["todo"], done
            )
            return
        self.ledger[portal.code].documents += 1
        article = meta["article_fetched"]
        yield ImageReportItem(
            listing=listing(portal, hints, article.url, article.url), page=article, images=done
        )
