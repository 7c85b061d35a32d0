"""HTML article page → Document.

Portal pages wrap the report in navigation, breadcrumbs and footers, often in GBK, sometimes
declaring one encoding and sending another. We pick the element that holds the report (the one
with the report's section markers and tables, not the whole page), expand ``rowspan``/``colspan``
into grid positions and keep the page's own metadata (``ArticleTitle``, ``PubDate``, ``<h1>``).
"""

from __future__ import annotations

import re

from .document import Cell, Document, Paragraph, Table
from .labels import normalize

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_BLOCK_TAGS = {
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "tr",
    "section",
    "article",
    "blockquote",
    "pre",
    "center",
    "dd",
    "dt",
    "ul",
    "ol",
    "table",
    "br",
    "hr",
    "header",
    "footer",
}
_DROP_TAGS = ("script", "style", "noscript", "iframe", "object", "embed", "template", "svg")
_CHROME = re.compile(
    r"(^|[\s_-])(nav|menu|header|footer|breadcrumb|crumb|sidebar|share|toolbar|copyright|"
    r"banner|topbar|bottom|foot|dh|daohang|position|location)([\s_-]|$)",
    re.I,
)
# Words that occur in a report's body, not in portal chrome (normalised form).
_REPORT_MARKERS = (
    "总体情况",
    "主动公开政府信息情况",
    "收到和处理政府信息公开申请",
    "行政复议",
    "行政诉讼",
    "存在的主要问题",
    "其他需要报告",
    "本年新收",
    "第二十条第",
    "信息处理费",
    "结转下年度",
)
_META_KEYS = {
    "articletitle": "title",
    "title": "title",
    "dc.title": "title",
    "pubdate": "published",
    "firstpublishedtime": "published",
    "dc.date": "published",
    "publishdate": "published",
    "contentsource": "source",
    "contentsource_name": "source",
    "sitename": "site",
    "columnname": "column",
}


def sniff_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii").lower() if m else None


def _gb(name: str) -> str:
    return "gb18030" if name.lower() in ("gbk", "gb2312", "gb_2312-80", "x-gbk", "cp936") else name


def detect_encoding(data: bytes, declared: str | None = None) -> str | None:
    """The encoding that really decodes ``data``: BOM, then the declared or ``<meta>`` charset,
    then UTF-8, then GB18030 (a superset of GBK/GB2312) — the first that decodes cleanly."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8"
    candidates = [_gb(c) for c in (declared, sniff_charset(data)) if c]
    for enc in [*candidates, "utf-8", "gb18030"]:
        try:
            data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        return enc
    return None


def decode_html(data: bytes, declared: str | None = None) -> tuple[str, list[str]]:
    """Decode with BOM / declared / meta charset, falling back to GB18030 when the declaration
    lies (a GBK page declared UTF-8 is common on county portals)."""
    enc = detect_encoding(data, declared)
    if enc is None:
        warning = "page encoding could not be determined; decoded as UTF-8 with replacements"
        return data.decode("utf-8", errors="replace"), [warning]
    said = next((_gb(c) for c in (declared, sniff_charset(data)) if c), None)
    warnings = [f"page declared {said} but is {enc}"] if said and said != enc else []
    return data.decode(enc).lstrip("\ufeff"), warnings


def _text_of(el) -> str:
    """Text of an element with <br> and block boundaries as newlines."""
    parts: list[str] = []

    def walk(node) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _DROP_TAGS:
            return
        if tag == "br":
            parts.append("\n")
        elif node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
            ctag = child.tag if isinstance(child.tag, str) else ""
            if ctag in _BLOCK_TAGS:
                parts.append("\n")
            if child.tail:
                parts.append(child.tail)

    walk(el)
    return "".join(parts).replace("\xa0", " ")


def _table_from(el) -> Table:
    """Expand rowspan/colspan: each cell once, in its first row, spanning [col, col+colspan)."""
    occupied: dict[tuple[int, int], bool] = {}
    rows: list[list[Cell]] = []
    for r, tr in enumerate(el.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")):
        row: list[Cell] = []
        c = 0
        for td in tr.xpath("./td|./th"):
            while occupied.get((r, c)):
                c += 1
            try:
                colspan = max(1, min(int(td.get("colspan", "1") or 1), 50))
                rowspan = max(1, min(int(td.get("rowspan", "1") or 1), 200))
            except ValueError:
                colspan = rowspan = 1
            text = "\n".join(ln.strip() for ln in _text_of(td).split("\n") if ln.strip())
            row.append(Cell(text, c, c + colspan))
            for dr in range(rowspan):
                for dc in range(colspan):
                    occupied[(r + dr, c + dc)] = True
            c += colspan
        rows.append(row)
    width = max((cell.x1 for row in rows for cell in row), default=0)
    return Table(rows, kind="grid", coords=f"html:{width:g}")


def _embedded_article(scripts: list[str]):
    """The article a single-page app keeps in its config (Guangdong gkmlpt puts the whole
    report as escaped HTML in ``window._CONFIG.DETAIL.content``); None if there is none."""
    from lxml import html

    from .jsobject import find_object, parse_object

    for script in scripts:
        if "DETAIL" not in script or "content" not in script:
            continue
        literal = find_object(script, "DETAIL")
        detail = parse_object(literal) if literal else None
        content = (detail or {}).get("content")
        if isinstance(content, str) and _marker_count(content) >= 2:
            return html.document_fromstring(f"<html><body>{content}</body></html>")
    return None


def _is_chrome(el) -> bool:
    attrs = " ".join(filter(None, (el.get("class"), el.get("id"))))
    return el.tag in ("nav", "header", "footer", "aside") or bool(attrs and _CHROME.search(attrs))


def _marker_count(text: str) -> int:
    norm = normalize(text)
    return sum(1 for m in _REPORT_MARKERS if m in norm)


def _content_root(body):
    """The smallest element that still holds (almost) all of the page's report markers."""
    best_markers = _marker_count(body.text_content())
    if best_markers == 0:
        return body
    node = body
    while True:
        children = [c for c in node if isinstance(c.tag, str) and c.tag not in _DROP_TAGS]
        scored = [(c, _marker_count(c.text_content())) for c in children]
        scored = [(c, n) for c, n in scored if n >= max(1, best_markers - 1)]
        if len(scored) != 1:
            return node
        node = scored[0][0]


def extract_html(data: bytes, *, declared_encoding: str | None = None) -> Document:
    from lxml import etree, html

    text, warnings = decode_html(data, declared_encoding)
    doc = Document(media_type="text/html", warnings=warnings)
    try:
        root = html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        doc.extraction = "none"
        doc.warnings.append(f"HTML could not be parsed: {exc}")
        return doc

    _page_meta(root, doc)
    scripts = root.xpath("//script[not(@src)]/text()")
    for bad in root.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    if _marker_count(root.text_content()) < 2:
        embedded = _embedded_article(scripts)
        if embedded is not None:
            root = embedded
    body = root.find("body") if root.find("body") is not None else root
    content = _content_root(body)
    if content is not body or _marker_count(body.text_content()) == 0:
        _heading_title(body, doc)
    _drop_chrome(content)

    _walk_blocks(content, doc)
    doc.image_pages = (
        {1}
        if content.xpath(".//img") and not any(isinstance(b, Table) for b in doc.blocks)
        else set()
    )
    if not any(isinstance(b, Table) or b.text.strip() for b in doc.blocks):
        doc.extraction = "none"
        doc.warnings.append("the HTML page has no text")
    return doc


def _page_meta(root, doc: Document) -> None:
    """The page's own metadata: ``<meta>`` names of ``_META_KEYS`` (first wins), ``<title>``."""
    for meta in root.iter("meta"):
        key = (meta.get("name") or meta.get("property") or "").lower()
        if key in _META_KEYS and meta.get("content") and _META_KEYS[key] not in doc.meta:
            doc.meta[_META_KEYS[key]] = meta.get("content").strip()
    title = root.find(".//title")
    if title is not None and title.text:
        doc.meta.setdefault("page_title", title.text.strip())


def _heading_title(body, doc: Document) -> None:
    """The page's first non-empty ``<h1>``/``<h2>`` as the title, unless a meta gave one (asked
    when the report is only part of the page, whose heading then names it)."""
    h1 = [h for h in body.iter("h1", "h2") if h.text_content().strip()]
    if h1 and "title" not in doc.meta:
        doc.meta["title"] = re.sub(r"\s+", "", h1[0].text_content())


def _drop_chrome(content) -> None:
    """Remove navigation, headers, footers and the like inside the report's container."""
    for el in list(content.iter()):
        if el is not content and isinstance(el.tag, str) and _is_chrome(el):
            el.drop_tree()


def _walk_blocks(content, doc: Document) -> None:
    """Paragraphs and tables in document order; nested tables are flattened to their cells."""
    buffer: list[str] = []

    def flush() -> None:
        for line in "".join(buffer).split("\n"):
            if line.strip():
                doc.blocks.append(Paragraph(re.sub(r"[ \t]+", " ", line.strip())))
        buffer.clear()

    def walk(node) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _DROP_TAGS:
            return
        if tag == "table" and not node.xpath(".//table"):
            # A table holding other tables is page layout, not data: walk into it.
            flush()
            doc.blocks.append(_table_from(node))
            return
        if tag == "br":
            buffer.append("\n")
        elif node.text:
            buffer.append(node.text)
        for child in node:
            walk(child)
            ctag = child.tag if isinstance(child.tag, str) else ""
            if ctag in _BLOCK_TAGS:
                buffer.append("\n")
            if child.tail:
                buffer.append(child.tail)

    walk(content)
    flush()
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            block.text = block.text.replace("\xa0", " ").strip()
