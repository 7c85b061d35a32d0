"""One adapter per platform family (portals.md §1), chosen by fingerprinting each page.

An adapter reads a family's list pages, paging endpoints and attachment links; it returns
plain data (:class:`Entry`, :class:`Follow`) and the spider turns that into requests, so
adapters never touch Scrapy's engine and are tested on frozen pages. ``generic`` handles any
site by link text; the others add what their family needs on top of it.
"""

from __future__ import annotations

from .base import Adapter, Entry, Follow, ListResult
from .generic import Generic
from .gkmlpt import Gkmlpt
from .hanweb import Hanweb
from .jsonapi import JsonApi
from .trs import Trs
from .vsb import Vsb

ADAPTERS: dict[str, Adapter] = {
    a.name: a for a in (Hanweb(), Trs(), Gkmlpt(), Vsb(), JsonApi(), Generic())
}


def detect(response) -> Adapter:
    """The most specific adapter whose fingerprint the page carries, else ``generic``."""
    for adapter in ADAPTERS.values():
        if adapter.name != "generic" and adapter.detect(response):
            return adapter
    return ADAPTERS["generic"]


__all__ = ["ADAPTERS", "Adapter", "Entry", "Follow", "ListResult", "detect"]
