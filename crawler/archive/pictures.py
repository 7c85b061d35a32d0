"""A 图片版 report's pictures, in printed order: what ``reparse`` needs to read it again.

A report published as pictures of its pages has the article page as its document and the
pictures as its pages (``crawler.archive.ingest.ingest_pictures``). Since migration m005 each
picture's row in ``report_documents`` says which document it is a page of and which page it is.
Archives crawled before that recorded only that the pictures belong to the report; their order
is then recovered from the article page itself (stored too): the pictures in the order the page
shows them, which is the order the crawler fetched them in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from urllib.parse import unquote, urljoin, urlsplit

from .database import Archive

_IMG_SRC = re.compile(r"""<img\b[^>]*?\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)


@dataclass(frozen=True)
class Picture:
    url: str
    sha256: str
    path: str  # in the document store
    page_number: int | None  # as recorded (None: an archive from before m005)


def _stored_pictures(archive: Archive, report_id: int, page_sha: str) -> list[Picture]:
    rows = archive.db.execute(
        "SELECT rd.url, rd.sha256, d.path, rd.page_number, rd.page_of FROM report_documents rd "
        "JOIN documents d ON d.sha256 = rd.sha256 "
        "WHERE rd.report_id = ? AND d.media_type LIKE 'image/%'",
        [report_id],
    ).fetchall()
    # Pages of this version of the article; pictures of an older version (a revised 图片版
    # report) are pages of the older article's sha256 and stay out.
    mine = [r for r in rows if r[4] == page_sha]
    if mine:
        return [Picture(u, s, p, n) for u, s, p, n, _ in sorted(mine, key=lambda r: r[3] or 0)]
    return [Picture(u, s, p, None) for u, s, p, _, of in rows if of is None]


def _canonical(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.netloc.lower()}{unquote(parts.path)}?{parts.query}"


def order_from_page(page: bytes, page_url: str, pictures: list[Picture]) -> list[Picture]:
    """The pictures in the order the article page shows them. When the page names some of them,
    those it does not name are another version's pages (a revised report) and stay out; when
    it names none (every URL changed by a redirect), all are kept, by URL."""
    text = page.decode("utf-8", "replace")
    position: dict[str, int] = {}
    for n, m in enumerate(_IMG_SRC.finditer(text)):
        src = unescape(next(g for g in m.groups() if g is not None)).strip()
        position.setdefault(_canonical(urljoin(page_url, src)), n)
        position.setdefault(unquote(urlsplit(src).path).rsplit("/", 1)[-1], n)

    def key(p: Picture) -> tuple[int, str]:
        name = unquote(urlsplit(p.url).path).rsplit("/", 1)[-1]
        found = position.get(_canonical(p.url), position.get(name))
        return (found if found is not None else len(position) + 1, p.url)

    ordered = sorted(pictures, key=key)
    named = [p for p in ordered if key(p)[0] <= len(position)]
    return named or ordered


def pictures_of(archive: Archive, report: dict, page: bytes) -> list[Picture]:
    """The pictures of a 图片版 report whose article page (its document) is ``page``, in
    printed order; empty for any other report."""
    pictures = _stored_pictures(archive, report["id"], report["sha256"])
    if not pictures or all(p.page_number is not None for p in pictures):
        return pictures
    return order_from_page(page, report["page_url"] or report["document_url"] or "", pictures)
