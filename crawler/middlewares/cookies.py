"""Scrapy's cookie jar, with the Public Suffix List that ships with tldextract.

Scrapy's CookiesMiddleware asks tldextract whether a cookie's domain is public, and tldextract's
default first fetches the Public Suffix List from publicsuffix.org and GitHub: a crawl must
contact only the portals it was given. The snapshot bundled with tldextract is enough for
telling gov.cn from a portal's own host, and needs no cache directory. This replaces the stock
middleware (DOWNLOADER_MIDDLEWARES) instead of patching its module.
"""

from __future__ import annotations

from collections.abc import Iterable
from http.cookiejar import Cookie

from scrapy import Request
from scrapy.downloadermiddlewares.cookies import CookiesMiddleware
from scrapy.http.cookies import CookieJar
from scrapy.utils.httpobj import urlparse_cached
from tldextract import TLDExtract

_split_domain = TLDExtract(cache_dir=None, suffix_list_urls=(), include_psl_private_domains=True)


def is_public_domain(domain: str) -> bool:
    return not _split_domain(domain).domain


class OfflineCookiesMiddleware(CookiesMiddleware):
    def _process_cookies(
        self, cookies: Iterable[Cookie], *, jar: CookieJar, request: Request
    ) -> None:
        # As Scrapy's, with the bundled suffix list: a cookie for a public suffix (gov.cn) is
        # kept only for the exact host that set it.
        for cookie in cookies:
            cookie_domain = cookie.domain.removeprefix(".")
            hostname = urlparse_cached(request).hostname
            if hostname is None:
                continue
            request_domain = hostname.lower()
            if cookie_domain and is_public_domain(cookie_domain):
                if cookie_domain != request_domain:
                    continue
                cookie.domain = request_domain
            jar.set_cookie_if_ok(cookie, request)
