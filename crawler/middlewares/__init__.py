"""Downloader middlewares: what every request and response goes through, one per module.

In request order (see DOWNLOADER_MIDDLEWARES in crawler/settings.py):

``hosts``        fail closed outside the allowed hosts: tests and the demo never reach a real site
``stored``       documents stored earlier in this (resumed) run, or recently, are not asked again
``retry``        bounded retries with exponential backoff and Retry-After; 429 raises a host floor
``conditional``  If-None-Match / If-Modified-Since for documents we hold; a 304 from the store
``warmup``       a tiny 200 where a page should be: see the home page first, ask once more
``redirects``    tiny ``location.replace`` shells; a 302-to-self that sets a cookie
``challenge``    anti-bot challenges and WAF pages are detected and reported ``blocked``
``encoding``     a GBK page declared UTF-8 is re-decoded
``cookies``      Scrapy's cookie jar, with the Public Suffix List bundled (never downloaded)

The exceptions a spider's errback sees are exported here.
"""

from .challenge import Blocked
from .hosts import HostNotAllowed
from .stored import AlreadyStored

__all__ = ["AlreadyStored", "Blocked", "HostNotAllowed"]
