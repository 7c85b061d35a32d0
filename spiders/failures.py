"""What a failed request means for its portal's outcome (``spiders/ledger.py``)."""

from __future__ import annotations

import re

from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.items import FetchFailure
from crawler.middlewares import AlreadyStored, Blocked, HostNotAllowed
from crawler.provenance import utc_now


def why(failure: Failure) -> str:
    """A one-line reason for a failure, for people reading the portal's outcome."""
    exc = failure.value
    if isinstance(exc, HttpError):
        return f"HTTP {exc.response.status}"
    text = str(exc)
    # Download errors wrap Twisted failures: "[<…Failure twisted.internet.error.X: msg>]".
    inner = re.findall(r"Failure [\w.]*?\.?(\w+): ([^>]*)>", text)
    if inner:
        return "; ".join(f"{name}: {msg.strip()}" for name, msg in inner)
    return f"{type(exc).__name__}: {text}".strip(": ")


def _robots(exc: BaseException) -> bool:
    return isinstance(exc, IgnoreRequest) and "robots.txt" in str(exc)


class FailuresMixin:
    """Errbacks of :class:`~spiders.portal.PortalSpider`."""

    def home_failed(self, failure: Failure):
        ledger = self.ledger[self._portal(failure).code]
        exc = failure.value
        if isinstance(exc, Blocked):
            ledger.home, ledger.home_error = "blocked", str(exc)
        elif _robots(exc):
            ledger.home, ledger.home_error = "disallowed", "robots.txt forbids the home page"
        elif isinstance(exc, HostNotAllowed):
            ledger.home, ledger.home_error = "failed", str(exc)
        else:
            ledger.home, ledger.home_error = "failed", why(failure)

    def page_failed(self, failure: Failure):
        ledger = self.ledger[self._portal(failure).code]
        kind = failure.request.meta.get("kind")
        exc = failure.value
        if isinstance(exc, AlreadyStored):
            # An article stored before (this run, or recently): found, and no page spent.
            ledger.documents += 1
            ledger.pages -= 1
        elif isinstance(exc, Blocked):
            ledger.blocked.append(str(exc))
        elif _robots(exc):
            ledger.lose(f"robots.txt forbids {failure.request.url}")
        elif kind in ("column", "list", "api", "article"):
            if isinstance(exc, HttpError) and exc.response.status == 404 and kind == "api":
                return  # past the last page of an API that answers 404 there
            ledger.lose(f"{kind} {failure.request.url}: {why(failure)}")
        if kind == "script":
            list_url = failure.request.meta.get("list_url", "")
            if (wait := self.script_wait.get(list_url)) is not None:
                wait["pending"] -= 1

    def document_failed(self, failure: Failure):
        portal = self._portal(failure)
        ledger = self.ledger[portal.code]
        if isinstance(failure.value, AlreadyStored):
            ledger.documents += 1  # stored before (this run, or recently)
            return
        reason = why(failure)
        if isinstance(failure.value, Blocked):
            ledger.blocked.append(str(failure.value))
        else:
            ledger.lose(f"document {failure.request.url}: {reason}")
        yield FetchFailure(
            portal.code,
            failure.request.url,
            utc_now(),
            None,
            reason,
            failure.request.meta.get("page_url"),
        )
