"""Section headings (一 … 六) and the text under them.

Real reports number their headings freely (``5、`` for 五, ``二、行政机关主动公开…`` in Shandong,
``一、工作开展情况``), merge sections, or write 其他需要报告的事项 inline. A heading is recognised
by its keywords first and its ordinal second; the printed ordinal is kept for the numbering check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .document import Document, Paragraph
from .labels import normalize

_ORD = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7}
_HEADING = re.compile(r"^(?:([一二三四五六七])[、.,，]|([1-7])[、.，,](?!\d))")
_KEYWORDS = (
    ("overview", ("总体情况", "工作开展情况", "概述", "基本情况", "工作概况", "总体工作情况")),
    ("proactive_disclosure", ("主动公开政府信息", "主动公开情况", "主动公开")),
    ("applications", ("收到和处理政府信息公开申请", "依申请公开", "收到和处理", "申请情况")),
    ("review_litigation", ("行政复议", "行政诉讼")),
    ("problems", ("存在的主要问题", "存在的问题", "主要问题", "问题及改进", "改进情况", "下一步")),
    ("other_matters", ("其他需要报告", "其它需要报告", "其他事项")),
)
_INLINE_OTHER = re.compile(r"^(其他|其它)需要报告的事项[:：]")


@dataclass
class Heading:
    key: str
    text: str
    ordinal: int | None  # as printed
    index: int  # block index


@dataclass
class Sections:
    headings: list[Heading] = field(default_factory=list)
    text: dict[str, str] = field(default_factory=dict)
    first_heading_index: int | None = None


def match_heading(text: str) -> tuple[str, int | None] | None:
    """``('problems', 5)`` for ``5、 政府信息公开工作存在的主要问题及改进情况``."""
    norm = normalize(text)
    m = _HEADING.match(norm)
    if not m or len(norm) > 45 or norm.endswith("。"):
        return None
    ordinal = _ORD.get(m.group(1)) if m.group(1) else int(m.group(2))
    body = norm[m.end() :]
    for key, words in _KEYWORDS:
        if any(w in body for w in words):
            return key, ordinal
    return None


def split_sections(doc: Document) -> Sections:
    out = Sections()
    current: str | None = None
    texts: dict[str, list[str]] = {}
    seen: set[str] = set()
    for i, block in enumerate(doc.blocks):
        if not isinstance(block, Paragraph):
            continue
        hit = match_heading(block.text)
        if hit and hit[0] not in seen:
            key, ordinal = hit
            out.headings.append(Heading(key, block.text, ordinal, i))
            if out.first_heading_index is None:
                out.first_heading_index = i
            seen.add(key)
            current = key
            continue
        inline = _INLINE_OTHER.match(normalize(block.text))
        if inline and "other_matters" not in seen:
            out.headings.append(Heading("other_matters", block.text, None, i))
            seen.add("other_matters")
            current = "other_matters"
            rest = re.sub(r"^\s*(其他|其它)需要报告的事项\s*[:：]\s*", "", block.text)
            texts.setdefault(current, []).append(rest)
            continue
        if current:
            texts.setdefault(current, []).append(block.text)
    out.text = {k: "\n".join(t for t in v if t.strip()) for k, v in texts.items()}
    return out
