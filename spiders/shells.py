"""Does this page fill itself with scripts? The empty-shell rule, markup-independent.

A page that should list reports but shows none, and whose markup says its content comes later —
scripts that fetch data, template placeholders, empty list containers, a ``<noscript>`` — is
rendered in Chromium and read again (crawler/browser.py). No family's markup is assumed: the
signs are those of any page that builds itself in the browser.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from scrapy.http import TextResponse

from . import links as L

# Scripts that fetch or build content (not analytics, not a font loader).
_LOADER = re.compile(
    r"XMLHttpRequest|\bfetch\s*\(|\$\.(?:ajax|get|post|getJSON|load)\b|\.load\s*\(|axios|"
    r"\.json\b|/api/|\.do\b|\.action\b|\.ashx\b|jsonp|callback=|document\.write|innerHTML|"
    r"new\s+Vue|createApp|ReactDOM|angular|avalon|layui|template\(|art-template|laytpl|"
    r"createPageHTML|\bnext\s*\(|goPage|turnPage|pageNav|pagination",
    re.I,
)
_TEMPLATE = re.compile(r"\{\{\s*[\w.$\[\]]+|<\?=|\bv-for=|\bms-(?:for|repeat)|\bx-for=|\$\{\w+")
_LIBRARY = re.compile(
    r"jquery|bootstrap|swiper|layer\.|echarts|html5shiv|respond\.|polyfill|analytics|"
    r"hm\.js|tongji|cnzz|gtag|baidu",
    re.I,
)
_CONTAINER = re.compile(r"list|content|news|article|result|data|doc|info|item|main|con", re.I)


def own_scripts(response: TextResponse) -> list[str]:
    """Same-site external scripts that are not a well-known library or analytics."""
    host = urlsplit(response.url).hostname or ""
    out = []
    for src in response.xpath("//script/@src").getall():
        url = urljoin(response.url, src.strip())
        if urlsplit(url).hostname == host and not _LIBRARY.search(url):
            out.append(url)
    return out


def content_links(response: TextResponse) -> list[L.Link]:
    return [x for x in L.links(response) if not x.in_chrome and len(x.text) >= 6]


def empty_containers(response: TextResponse) -> int:
    """Elements named like a list or content area that hold nothing yet."""
    n = 0
    for el in response.xpath("//body//*[self::div or self::ul or self::ol or self::tbody]"):
        name = " ".join(el.xpath("@id|@class").getall())
        empty = not el.xpath("./*") and not (el.xpath("string()").get() or "").strip()
        if name and _CONTAINER.search(name) and empty:
            n += 1
    return n


def shell_signs(response: TextResponse) -> list[str]:
    """Why this page looks filled by scripts (empty: it does not)."""
    if not isinstance(response, TextResponse):
        return []
    inline = " ".join(response.xpath("//script[not(@src)]/text()").getall())
    signs = []
    if _LOADER.search(inline):
        signs.append("an inline script loads content")
    if own_scripts(response):
        signs.append("the site's own scripts")
    body_text = response.xpath("string(//body)").get() or ""
    if _TEMPLATE.search(body_text) or _TEMPLATE.search(response.text[:200_000]):
        signs.append("template placeholders")
    if response.xpath("//noscript[normalize-space()]"):
        signs.append("a <noscript> notice")
    if empty_containers(response):
        signs.append("empty list containers")
    return signs


WEAK = "the site's own scripts"  # most static pages have some: a sign only where links are few


def looks_like_shell(response: TextResponse) -> bool:
    """A sign that scripts bring the content (a weak sign only on a page with few links).

    Asked only of pages that were expected to list reports and listed none."""
    signs = shell_signs(response)
    if any(s != WEAK for s in signs):
        return True
    return bool(signs) and len(content_links(response)) < 5


_PAGER_CALL = re.compile(
    r"\b(?:createPageHTML|pageNav|setPage|goPage|turnPage|initPage|showPage|getPage|"
    r"pagination|pager|paging|fenye)\w*\s*\(",
    re.I,
)
_PAGER_NAME = re.compile(r"page|pager|paging|fenye|pagination", re.I)
_PAGER_TEXT = re.compile(r"^(下一页|下页|后一页|尾页|末页|>|»|›|\d{1,3})$")


def script_pager(response: TextResponse) -> bool:
    """Paging written or run by scripts: ``javascript:`` or ``onclick`` pager links, a pager
    function called in an inline script, an empty pager container."""
    for a in response.xpath("//a|//span[@onclick]|//li[@onclick]|//button"):
        href = (a.attrib.get("href") or "").strip().lower()
        text = L.clean(" ".join(a.xpath(".//text()").getall()))
        if _PAGER_TEXT.match(text) and (
            href.startswith(("javascript:", "#")) or (not href and a.attrib.get("onclick"))
        ):
            return True
    inline = " ".join(response.xpath("//script[not(@src)]/text()").getall())
    if _PAGER_CALL.search(inline):
        return True
    for el in response.xpath("//body//*[self::div or self::ul or self::span or self::p]"):
        name = " ".join(el.xpath("@id|@class").getall())
        empty = not el.xpath("./*") and not (el.xpath("string()").get() or "").strip()
        if name and _PAGER_NAME.search(name) and empty:
            return True
    return False
