"""Metadata header lines at the top of a document: ``标题：…``, ``发布时间：…``, ``索引号：…``.

Text copied from a portal's article page (and many crawlers' text dumps) starts with the page's
own fields before the report: ``标题: 平潭综合实验区2023年政府信息公开工作年度报告``,
``发布机构: 平潭综合实验区管委会``, ``发布时间: 2024-01-30``. They are metadata, never the report's
text: read as such they give the title, the publisher and the publication date; left in the
text, the title line's ``标题:`` ends up in the agency (``标题:平潭综合实验区``).
"""

from __future__ import annotations

import re

from .document import Document, Paragraph

# Printed field name → our key. Longer names first, so 发布机构 is not read as 发布 + …
FIELDS = {
    "标题": "title",
    "文章标题": "title",
    "发布机构": "publisher",
    "发文机关": "publisher",
    "发布单位": "publisher",
    "发布时间": "published",
    "发布日期": "published",
    "成文日期": "written",
    "文号": "doc_number",
    "发文字号": "doc_number",
    "来源": "source",
    "信息来源": "source",
    "索引号": "index_number",
}
_NAMES = "|".join(sorted(FIELDS, key=len, reverse=True))
_FIELD = re.compile(rf"(?:^|(?<=\s))({_NAMES})\s*[:：]\s*")
HEAD_LINES = 12  # header lines stand among the first lines, before the report's own text


def header_fields(text: str) -> dict[str, str] | None:
    """``发布时间：2024-01-18 来源：交城县`` → {published, source}; None unless the whole line is
    such fields (a sentence that merely mentions 来源 is text)."""
    line = text.strip()
    matches = list(_FIELD.finditer(line))
    if not matches or matches[0].start() != 0:
        return None
    out: dict[str, str] = {}
    for m, nxt in zip(matches, [*matches[1:], None], strict=True):
        value = line[m.end() : nxt.start() if nxt else len(line)].strip()
        out.setdefault(FIELDS[m.group(1)], value)
    return out


def read_header_lines(doc: Document) -> dict[str, str]:
    """Take the header lines out of the document's first lines; returns what they said.

    ``doc.meta`` gets ``title`` and ``published`` where the container (an HTML ``<meta>``,
    PDF info) did not say already; the lines themselves leave the text.
    """
    found: dict[str, str] = {}
    keep: list = []
    seen = 0
    for block in doc.blocks:
        if isinstance(block, Paragraph) and seen < HEAD_LINES:
            seen += 1
            fields = header_fields(block.text)
            if fields is not None:
                for key, value in fields.items():
                    if value:
                        found.setdefault(key, value)
                continue
        keep.append(block)
    if not found:
        return {}
    doc.blocks = keep
    if found.get("title"):
        doc.meta.setdefault("title", found["title"])
    if found.get("published"):
        doc.meta.setdefault("published", found["published"])
    if found.get("publisher"):
        doc.meta.setdefault("publisher", found["publisher"])
    return found
