"""Re-decode pages whose declared encoding is wrong (GBK served as UTF-8 and the like)."""

from __future__ import annotations

from scrapy import Request
from scrapy.http import Response, TextResponse

from parsers.html import detect_encoding


def _same(a: str | None, b: str | None) -> bool:
    return (a or "").replace("-", "").lower() == (b or "").replace("-", "").lower()


class EncodingRepairMiddleware:
    def process_response(self, request: Request, response: Response):
        if not isinstance(response, TextResponse) or request.meta.get("browser_subrequest"):
            return response
        actual = detect_encoding(response.body, response.encoding)
        if actual and not _same(actual, response.encoding):
            return response.replace(encoding=actual)
        return response
