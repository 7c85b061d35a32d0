"""Ask for documents only if they changed since the bytes we hold.

Applies to requests with ``meta["document"]``. A 304 is turned back into a normal response
carrying the stored bytes, flagged ``not_modified``, so the spider reads an unchanged article
page as usual and the pipeline knows there is nothing to parse.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse, Response

from ..state import CrawlState

_CONDITIONS = (b"If-None-Match", b"If-Modified-Since")


class ConditionalRequestMiddleware:
    def __init__(self, crawler: Crawler):
        self.state = CrawlState.of(crawler)
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        return cls(crawler)

    def process_request(self, request: Request):
        if not request.meta.get("document") or request.meta.get("not_modified_checked"):
            return None
        archive = self.state.archive
        last = archive.last_fetch(request.url)
        request.meta["not_modified_checked"] = True
        if last is None or not archive.document(last["sha256"]):
            return None
        request.meta["previous_sha256"] = last["sha256"]
        if last["etag"]:
            request.headers[b"If-None-Match"] = last["etag"].encode("latin-1")
        if last["last_modified"]:
            request.headers[b"If-Modified-Since"] = last["last_modified"].encode("latin-1")
        return None

    def process_response(self, request: Request, response: Response):
        previous = request.meta.get("previous_sha256")
        if response.status != 304 or not previous:
            return response
        archive = self.state.archive
        doc = archive.document(previous)
        try:
            body = archive.store.get(doc["path"])
        except (OSError, TypeError):
            # The stored copy is gone: ask again without conditions.
            retry = request.replace(dont_filter=True)
            retry.meta["not_modified_checked"] = True
            retry.meta.pop("previous_sha256", None)
            for h in _CONDITIONS:
                retry.headers.pop(h, None)
            return retry
        self.stats.inc_value("nianbao/not_modified")
        request.meta["not_modified"] = True
        cls = HtmlResponse if doc["media_type"] == "text/html" else Response
        headers = dict(response.headers.items())
        headers[b"Content-Type"] = doc["media_type"].encode()
        return cls(
            url=response.url,
            status=200,
            headers=headers,
            body=body,
            request=request,
            flags=["not_modified"],
        )
