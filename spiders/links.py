"""Reading links off portal pages: navigation, list entries, attachments, pagination.

Platform-independent; the adapters in ``spiders/platforms`` add what their family needs. Link
text beats URL tokens (portals.md §3: ``zfgzbg`` means 政府工作报告 on one portal and 年报 on
another).
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from parsel import Selector

DISCLOSURE_WORDS = (
    "政府信息公开",
    "政务公开",
    "信息公开",
    "公开目录",
    "政务信息公开",
    "法定主动公开",
)
ANNUAL_WORDS = ("年报", "年度报告", "工作年度报告", "公开年报", "信息公开年报")
NOT_ANNUAL = ("法治政府", "公积金", "统计年报", "预算", "决算", "企业年报", "政府工作报告")
UNIT_WORDS = (
    "部门",
    "乡镇",
    "街道",
    "镇街",
    "区政府",
    "县政府",
    "市政府",
    "本级",
    "政府办",
    "县直",
    "区直",
    "单位",
    "委办局",
    "乡（镇）",
    "乡(镇)",
)
YEAR_LINK = re.compile(
    r"^(?:19|20)\d{2}\s*年?度?(?:发布|公布|年报|报告)?$|^(往年|历年)(年报|报告)$"
)
ATTACHMENT_EXT = re.compile(
    r"\.(pdf|docx?|wps|ofd|xlsx?|rtf|zip|rar|jpe?g|png|tiff?)(?:$|[?#&])", re.I
)
DOWNLOAD_URL = re.compile(
    r"(downfile\.jsp|download\.jsp|down\.aspx|download\.aspx|/attachment/|filedownload|"
    r"getfile|downloadfile|/fileserver/|attachment\.do|download\.do|"
    # any download or attachment handler, and the id parameters that name a stored file
    r"/down(?:load)?\w*\.(?:jspx?|do|aspx?|php|ashx|action)|attach\w*\.(?:jspx?|do|aspx?|action)|"
    r"[?&](?:attachguid|attachid|fileid|file_id|fileguid)=)",
    re.I,
)
NEXT_TEXT = re.compile(r"^(下一页|下页|后一页|下一頁|next|>|»|›)$", re.I)
DATE = re.compile(r"((?:19|20)\d{2})[-./年](\d{1,2})[-./月](\d{1,2})")
_CHROME = re.compile(
    r"(^|[\s_-])(nav|menu|header|footer|breadcrumb|crumb|sidebar|share|toolbar|copyright|"
    r"banner|topbar|foot|position|location|friendlink|links)([\s_-]|$)",
    re.I,
)
_SCRIPT_ANCHOR = re.compile(
    r"<a\s[^>]*href\s*=\s*\\?['\"]([^'\"\\]+)\\?['\"][^>]*>(.*?)</a>", re.I | re.S
)


@dataclass(frozen=True)
class Link:
    url: str
    text: str
    date: str | None = None
    in_chrome: bool = False


def clean(text: str | None) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def canonical(url: str) -> str:
    """One spelling per resource: no fragment, no mobile ``_wap`` twin, no tracking params."""
    parts = urlsplit(url)
    path = re.sub(r"_wap(\.s?html?)$", r"\1", parts.path)
    query = "&".join(
        q for q in parts.query.split("&") if q and not q.startswith(("utm_", "spm=", "from="))
    )
    return urlunsplit((parts.scheme, parts.netloc.lower(), path, query, ""))


def _date_near(sel) -> str | None:
    text = " ".join(
        sel.xpath("./ancestor::*[self::li or self::tr or self::dd or self::p][1]//text()").getall()
    )
    m = DATE.search(text)
    if not m:
        return None
    y, mo, d = (int(x) for x in m.groups())
    return f"{y:04d}-{mo:02d}-{d:02d}" if 1 <= mo <= 12 and 1 <= d <= 31 else None


def links(response_or_sel, base_url: str | None = None) -> list[Link]:
    """Every <a href> with its visible text (or title attribute) and a nearby date."""
    sel = response_or_sel if isinstance(response_or_sel, Selector) else response_or_sel.selector
    base = base_url or response_or_sel.url
    out: list[Link] = []
    for a in sel.xpath("//a[@href]"):
        href = (a.attrib.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#", "tel:")):
            continue
        text = clean(a.attrib.get("title")) or clean(" ".join(a.xpath(".//text()").getall()))
        classes = " ".join(filter(None, a.xpath("./ancestor::*/@class|./ancestor::*/@id").getall()))
        in_chrome = bool(_CHROME.search(classes)) or bool(
            a.xpath("./ancestor::nav|./ancestor::header|./ancestor::footer")
        )
        out.append(Link(urljoin(base, href), text, _date_near(a), in_chrome))
    return out


SITEMAP_WORDS = ("网站地图", "站点地图", "网站导航", "站群导航", "sitemap")


def is_sitemap(text: str) -> bool:
    """A link to the site map page: every column of the site on one page."""
    return len(text) <= 10 and any(w in text.lower() for w in SITEMAP_WORDS)


def menu_links(response) -> list[Link]:
    """Choices a person makes without an ``<a>``: ``<select>`` jump menus (option values that
    are URLs) and framed pages (``<iframe src>``: a list shown inside the page)."""
    out: list[Link] = []
    for opt in response.xpath("//select/option[@value]"):
        value = (opt.attrib.get("value") or "").strip()
        if value and not value.startswith(("javascript:", "#")) and ("/" in value or "." in value):
            out.append(Link(urljoin(response.url, value), clean(opt.xpath("string()").get())))
    for frame in response.xpath("//iframe[@src]"):
        src = (frame.attrib.get("src") or "").strip()
        if src and not src.startswith(("javascript:", "about:", "#")) and not is_attachment(src):
            name = clean(frame.attrib.get("title") or frame.attrib.get("name") or "")
            out.append(Link(urljoin(response.url, src), name))
    return [x for x in out if urlsplit(x.url).scheme in ("http", "https")]


def site_id(response) -> str | None:
    """The 10-digit 网站标识码 a government site shows (``SiteIDCode`` meta or footer text);
    its first six digits are the owning government's 行政区划代码."""
    meta = response.xpath(
        "//meta[translate(@name, 'SITEIDCODE', 'siteidcode')='siteidcode']/@content"
    ).get()
    if meta and re.fullmatch(r"\s*\d{10}\s*", meta):
        return meta.strip()
    m = re.search(r"网站标识码[：:\s]*(\d{10})", response.xpath("string(//body)").get() or "")
    return m.group(1) if m else None


def script_links(response) -> list[Link]:
    """Anchors written by JavaScript (TRS ``var att = '<a href=…>'`` attachments)."""
    out = []
    for script in response.xpath("//script[not(@src)]/text()").getall():
        for href, inner in _SCRIPT_ANCHOR.findall(script):
            # HTML in a script string: entities are decoded when it becomes the page's HTML
            text = clean(html.unescape(re.sub(r"<[^>]+>", "", inner)))
            href = html.unescape(href.replace("\\/", "/"))
            out.append(Link(urljoin(response.url, href), text))
    return out


_QUOTED = re.compile(r"""['"]([^'"\s<>]{4,400})['"]""")
_BARE_URL = re.compile(r"^[\w./:%?&=#~+@-]+$")
_VIEWER_PARAM = re.compile(r"[?&](?:file|src|url|path|pdf|filepath|fileurl)=([^#]+)", re.I)


def unviewer(url: str, page: str | None = None) -> str:
    """``/pdfjs/web/viewer.html?file=/upload/a.pdf`` → the file it shows. A relative file path
    is read as its author wrote it: relative to the page that embeds the viewer."""
    m = _VIEWER_PARAM.search(url)
    if m and not is_attachment(url.split("?", 1)[0]):
        # The file's own URL is often left unencoded, with a query of its own: the rest of
        # the query is its, unless the parameter ends where a file name does.
        rest = m.group(1)
        first = rest.split("&", 1)[0]
        inner = unquote(first if ATTACHMENT_EXT.search(unquote(first)) else rest)
        if is_attachment(inner):
            return urljoin(page or url, inner)
    return url


def embedded_links(response, scripts: bool = False) -> list[Link]:
    """Files a page shows or offers other than through ``<a href>``: ``onclick`` handlers and
    ``data-`` attributes that name a URL, iframes, ``<embed>``/``<object>`` and PDF viewers
    (``viewer.html?file=…``), and — with ``scripts``, for pages that offer no file otherwise —
    file paths quoted in its scripts."""
    out: list[Link] = []
    base = response.url
    for el in response.xpath("//*[@onclick or @*[starts-with(name(), 'data-')]]"):
        text = clean(el.attrib.get("title")) or clean(" ".join(el.xpath(".//text()").getall()))
        values = [v for k, v in el.attrib.items() if k == "onclick" or k.startswith("data-")]
        for value in values:
            bare = [value] if _BARE_URL.match(value.strip()) else []
            for candidate in [*bare, *_QUOTED.findall(value)]:
                candidate = candidate.strip()
                if "/" not in candidate:
                    continue  # a file's display name passed beside its URL
                if is_attachment(candidate) or _VIEWER_PARAM.search(candidate):
                    out.append(Link(unviewer(urljoin(base, candidate), base), text[:80]))
    for src in response.xpath("//iframe/@src|//embed/@src|//object/@data").getall():
        url = unviewer(urljoin(base, src.strip()), base)
        if is_attachment(url):
            out.append(Link(url, ""))
    for script in response.xpath("//script[not(@src)]/text()").getall() if scripts else ():
        for candidate in _QUOTED.findall(script):
            # JSON-escaped, or HTML inside a script string
            candidate = html.unescape(candidate.replace("\\/", "/").rstrip("\\"))
            # a path or URL, not a file's display name quoted beside it
            if is_attachment(candidate) and candidate.startswith(
                ("/", "http://", "https://", "./")
            ):
                out.append(Link(unviewer(urljoin(base, candidate), base), ""))
    return [link for link in out if urlsplit(link.url).scheme in ("http", "https")]


_JS_PAIR = re.compile(
    r"""\{[^{}]*?\b(?:chnlname|name|title|text|label)\s*:\s*['"]([^'"]{2,40})['"][^{}]*?"""
    r"""\b(?:url|href|link|path)\s*:\s*['"]([^'"]+)['"]"""
    r"""|\{[^{}]*?\b(?:url|href|link|path)\s*:\s*['"]([^'"]+)['"][^{}]*?"""
    r"""\b(?:chnlname|name|title|text|label)\s*:\s*['"]([^'"]{2,40})['"]""",
)


def script_nav_links(response) -> list[Link]:
    """Navigation kept in script data for a template to render (``var chnllist = [{chnlname:
    '部门信息公开', url: '/zfxxgk/bmzfxxgk/'}, …]``): the links a browser would show."""
    out = []
    for script in response.xpath("//script[not(@src)]/text()").getall():
        for name, url, url2, name2 in _JS_PAIR.findall(script):
            href, text = (url, name) if url else (url2, name2)
            if href and not href.startswith(("javascript:", "#")):
                out.append(Link(urljoin(response.url, href), clean(text)))
    return out


# Path tokens of 年报 columns (portals.md §3.2). ``zfgzbg`` is deliberately absent: it means
# 政府工作报告 on some portals and 年报 on others.
ANNUAL_PATH = re.compile(  # the column itself, not an article filed under it
    r"/(zfxxgknb|xxgknb|gknb|ndbg|zfxxgkndbg|xxgkndbg|nbgk)"
    r"(/(index(_\d+)?\.s?html?)?|\.s?html?)?$",
    re.I,
)


def is_annual_path(url: str) -> bool:
    return bool(ANNUAL_PATH.search(urlsplit(url).path))


def is_disclosure(text: str) -> bool:
    """A navigation link towards 信息公开 (not an article that mentions it)."""
    return (
        any(w in text for w in DISCLOSURE_WORDS)
        and len(text) <= 22
        and not re.search(r"(19|20)\d{2}|报告|通知|公告|意见|办法", text)
    )


def is_annual_column(text: str) -> bool:
    """A 年报 column's name (政府信息公开年报, 年度报告 …) — not one dated report's title."""
    if not text or len(text) > 20 or any(w in text for w in NOT_ANNUAL):
        return False
    if re.search(r"(19|20)\d{2}\s*年", text) and re.search(r"(报告|年报)$", text):
        return False  # "渝川区2024年政府信息公开工作年度报告" is an entry (lists are caught later)
    return any(w in text for w in ANNUAL_WORDS)


UNIT_NAME = re.compile(
    r"^[\u4e00-\u9fff（）()]{2,24}(局|委|委员会|办|办公室|政府|街道|街道办事处|镇|乡|中心|院|所|"
    r"队|站|馆|会|署|管委会|管理委员会|公司|部|厅|处)$"
)


def is_subcolumn(text: str) -> bool:
    """Sub-columns of a 年报 column: per year (2023年), per unit type (部门, 乡镇, 本级 …) or
    one per unit (县统计局, 横山镇: a unit's name and nothing else)."""
    return (
        bool(YEAR_LINK.match(text))
        or (len(text) <= 12 and any(w in text for w in UNIT_WORDS))
        or bool(UNIT_NAME.match(text))
    )


def names_a_file(text: str) -> bool:
    """Link text that is a file's name (某县2024年年报.docx): the link downloads that file,
    whatever its URL looks like."""
    return bool(re.search(r"\.(pdf|docx?|wps|ofd|xlsx?|rtf|zip|rar)$", text or "", re.I))


def is_attachment(url: str) -> bool:
    path = unquote(urlsplit(url).path + "?" + urlsplit(url).query)
    return bool(ATTACHMENT_EXT.search(path) or DOWNLOAD_URL.search(path))


def next_page(response) -> str | None:
    for link in links(response):
        if NEXT_TEXT.match(link.text) and link.url != response.url:
            return link.url
    return None


def numbered_pages(response) -> list[str]:
    """Pager links printed as page numbers ("1 2 3 … 12") in the same folder as this page."""
    here = urlsplit(response.url).path.rsplit("/", 1)[0]
    out = []
    for link in links(response):
        same_folder = urlsplit(link.url).path.rsplit("/", 1)[0] == here
        if re.fullmatch(r"\d{1,3}", link.text) and link.url != response.url and same_folder:
            out.append(link.url)
    return out


def same_site(url: str, site_hosts: set[str]) -> bool:
    """A page of the portal: its host, a subdomain of its registered domain, or a bare IP that
    the portal itself linked to (kept in ``site_hosts``)."""
    host = urlsplit(url).hostname or ""
    if host in site_hosts:
        return True
    return any(host.endswith("." + registered(h)) or host == registered(h) for h in site_hosts)


def registered(host: str) -> str:
    """www.qingxi.gov.cn → qingxi.gov.cn; xxgk.qingxi.gov.cn.test → qingxi.gov.cn.test."""
    parts = host.split(".")
    suffix = 1
    if parts[-1] == "test":
        suffix += 1
    if len(parts) > suffix + 1 and parts[-suffix - 1] in ("gov", "com", "org", "net", "edu"):
        suffix += 1
    return ".".join(parts[-(suffix + 1) :]) if len(parts) > suffix + 1 else host


def filename_from_headers(headers) -> str | None:
    """The file name in Content-Disposition: RFC 5987 ``filename*``, raw GBK, or UTF-8 bytes
    (portals.md §4.7)."""
    raw = headers.get(b"Content-Disposition") or b""
    if not raw:
        return None
    m = re.search(rb"filename\*\s*=\s*([\w-]+)'[^']*'([^;]+)", raw, re.I)
    if m:
        try:
            return unquote(
                m.group(2).decode("ascii").strip().strip('"'), encoding=m.group(1).decode()
            )
        except (LookupError, UnicodeDecodeError):
            pass
    m = re.search(rb'filename\s*=\s*"?([^";]+)"?', raw, re.I)
    if not m:
        return None
    value = m.group(1).strip()
    for enc in ("utf-8", "gb18030"):
        try:
            name = value.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        name = value.decode("latin-1")
    return unquote(name) if "%" in name else name


def report_markers(text: str) -> int:
    """How many of the national format's section headings and table anchors a text carries."""
    t = clean(text)
    marks = (
        "总体情况",
        "主动公开政府信息情况",
        "收到和处理政府信息公开申请情况",
        "行政复议、行政诉讼",
        "存在的主要问题",
        "其他需要报告的事项",
        "第二十条第(一)项",
        "本列数据的勾稽关系",
        "未经复议直接起诉",
        "本年新收政府信息公开申请数量",
    )
    return sum(1 for m in marks if m in t)
