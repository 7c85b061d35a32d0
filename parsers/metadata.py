"""Title, agency, year and report date, with the precedence rules of spec §8 item 14.

Year: the title → the 统计期限 sentence → the first "YYYY年，" in section 一 → the signing date's
year − 1 → the portal's publication date year − 1. Never the URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .document import Document, Paragraph
from .labels import normalize
from .values import chinese_numeral

_TITLE_WORDS = re.compile(r"(年度报告|年报|工作报告|工作情况报告)$")
_TITLE_TOPIC = ("政府信息公开", "政务公开", "信息公开")
_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})年(?:度)?")
_PERIOD = re.compile(
    r"统计期限(?:为|是|:)?((?:19|20)\d{2})年1月1日(?:起)?至((?:19|20)\d{2})年12月31日"
)
_YEAR_COMMA = re.compile(r"^((?:19|20)\d{2})年(?:度)?[,，]")
_YEAR_ANY = re.compile(r"((?:19|20)\d{2})年(?:度)?")
_DATE = re.compile(r"((?:19|20)\d{2})[年./-](\d{1,2})[月./-](\d{1,2})日?")
_CN_DATE = re.compile(
    r"^([二〇零一三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日$"
)
_AGENCY_END = (
    "人民政府",
    "政府办公室",
    "政府办公厅",
    "办公室",
    "办公厅",
    "委员会",
    "局",
    "委",
    "办",
    "厅",
    "中心",
    "院",
    "所",
    "队",
    "站",
    "室",
    "会",
    "处",
    "部",
    "馆",
    "署",
    "街道办事处",
    "办事处",
    "街道",
    "乡",
    "镇",
    "分局",
    "支队",
    "大队",
    "公司",
    "集团",
    "管委会",
    "管理委员会",
)
_CN_YEAR_DIGITS = {"〇": "0", "零": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5"}
_CN_YEAR_DIGITS |= {"六": "6", "七": "7", "八": "8", "九": "9"}


@dataclass
class Metadata:
    title: str | None
    agency: str | None
    year: int | None
    report_date: str | None
    year_source: str | None
    published: str | None = None


def clean_title(text: str) -> str:
    """Collapse whitespace; drop spaces next to CJK (``2023 年`` → ``2023年``)."""
    text = re.sub(r"[\s\u3000\u00a0]+", " ", text).strip()
    text = re.sub(r"^附件\s*\d*\s*[:：]?\s*", "", text)  # "附件1：" before the title line
    text = re.sub(r"(?<=[^\x00-\x7f]) (?=\S)|(?<=\S) (?=[^\x00-\x7f])", "", text)
    return re.sub(r"\s*\d{1,3}$", "", text) if re.search(r"报告\s*\d{1,3}$", text) else text


def looks_like_agency(text: str) -> bool:
    norm = normalize(text)
    return 2 <= len(norm) <= 30 and norm.endswith(_AGENCY_END) and not re.search(r"\d", norm)


def _is_title(text: str) -> bool:
    norm = normalize(clean_title(text))
    return (
        len(norm) <= 80 and bool(_TITLE_WORDS.search(norm)) and any(t in norm for t in _TITLE_TOPIC)
    )


def find_title(doc: Document, limit: int | None) -> str | None:
    """The title line(s) before the first section heading; a preceding agency line is joined."""
    paras = [(i, b.text) for i, b in enumerate(doc.blocks) if isinstance(b, Paragraph)]
    if limit is not None:
        paras = [(i, t) for i, t in paras if i < limit]
    paras = paras[:12]
    for k, (_, text) in enumerate(paras):
        title = clean_title(text)
        nxt = clean_title(paras[k + 1][1]) if k + 1 < len(paras) else ""
        if not _is_title(title):
            # A title wrapped over two lines: "XX县2023年政府信息公开" / "工作年度报告".
            if not (nxt and _is_title(title + nxt)) or _TITLE_WORDS.search(normalize(title)):
                continue
            title += nxt
        # The agency printed on the line above: "西交口乡人民政府" / "2023 年政府信息公开…".
        prev = clean_title(paras[k - 1][1]) if k else ""
        bare = normalize(title)
        if (
            prev
            and looks_like_agency(prev)
            and (re.match(r"(19|20)\d{2}", bare) or bare.startswith(_TITLE_TOPIC))
        ):
            title = prev + title
        return title
    return None


def agency_from_title(title: str) -> str | None:
    """The agency a title names: before its year (``XX局2023年…``), or between a leading year
    and the topic (``2019年上海市人民政府办公厅政府信息公开工作年度报告``)."""
    norm = clean_title(title)
    m = _YEAR_IN_TITLE.search(norm)
    head = norm[: m.start()] if m else None
    if m and not head.strip(" 《"):
        rest = norm[m.end() :]
        idx = min((rest.find(t) for t in _TITLE_TOPIC if t in rest), default=-1)
        if idx <= 0:
            return None
        head = rest[:idx]
    if head is None:
        idx = min((norm.find(t) for t in _TITLE_TOPIC if t in norm), default=-1)
        head = norm[:idx] if idx > 0 else None
    if not head:
        return None
    head = re.sub(r"(关于|的)$", "", head.strip(" ：:，,、"))
    return head if looks_like_agency(head) or len(head) >= 3 else None


def parse_date(text: str) -> str | None:
    norm = normalize(text)
    m = _DATE.search(norm)
    if m:
        y, mo, d = (int(x) for x in m.groups())
    else:
        m = _CN_DATE.match(norm)
        if not m:
            return None
        y = (
            int("".join(_CN_YEAR_DIGITS.get(ch, "?") for ch in m.group(1)) or 0)
            if all(ch in _CN_YEAR_DIGITS for ch in m.group(1))
            else 0
        )
        mo, d = chinese_numeral(m.group(2)) or 0, chinese_numeral(m.group(3)) or 0
    if not (1 <= mo <= 12 and 1 <= d <= 31 and 1990 < y < 2100):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def signature(doc: Document) -> tuple[str | None, str | None]:
    """(agency, date) from the last lines: the signing body and the date under it."""
    paras = [b.text.strip() for b in doc.blocks if isinstance(b, Paragraph) and b.text.strip()]
    tail = paras[-6:]
    date = agency = None
    for k in range(len(tail) - 1, -1, -1):
        norm = normalize(tail[k])
        if date is None and len(norm) <= 24:
            parsed = parse_date(norm)
            if parsed and (_DATE.fullmatch(norm) or _CN_DATE.match(norm) or len(norm) <= 14):
                date = parsed
                # The agency usually stands on the line above, sometimes on the same line.
                before = normalize(tail[k][: tail[k].find(norm[:4])]) if norm[:4] in tail[k] else ""
                if looks_like_agency(before):
                    agency = before
                elif k > 0 and looks_like_agency(tail[k - 1]):
                    agency = normalize(tail[k - 1])
                break
    if agency is None and date is None and tail and looks_like_agency(tail[-1]):
        agency = normalize(tail[-1])
    return agency, date


def report_year(
    title: str | None, doc_text: str, overview: str, date: str | None, published: str | None
) -> tuple[int | None, str | None]:
    if title and (m := _YEAR_IN_TITLE.search(normalize(title))):
        return int(m.group(1)), "title"
    norm = normalize(doc_text)
    if m := _PERIOD.search(norm):
        return int(m.group(1)), "statistics_period"
    for line in (overview or "").split("\n"):
        if m := _YEAR_COMMA.match(normalize(line)):
            return int(m.group(1)), "overview"
    if m := _YEAR_ANY.search(normalize(overview or "")):
        return int(m.group(1)), "overview"
    if date:
        return int(date[:4]) - 1, "report_date"
    if published and (m := re.match(r"((?:19|20)\d{2})", published)):
        return int(m.group(1)) - 1, "published"
    return None, None


def _full_agency(named: str | None, others: tuple[str | None, ...]) -> str | None:
    """The agency's full name: the title's, unless it is only a place (平潭综合实验区) or a
    short form that the signature, the heading line or the page's 发布机构 spell out in full
    (平潭综合实验区管理委员会); without a title, the first of those that names an agency."""
    full = [o for o in others if o and looks_like_agency(o)]
    if named is None:
        return full[0] if full else None
    if not looks_like_agency(named):
        longer = next((o for o in full if o.startswith(named) and o != named), None)
        if longer:
            return longer
    return named


def extract_metadata(doc: Document, first_heading: int | None, overview: str) -> Metadata:
    title = doc.meta.get("title")
    if title and not _is_title(title):
        title = None
    if title:
        title = clean_title(title)
    body_title = find_title(doc, first_heading)
    title = title or body_title
    sig_agency, date = signature(doc)
    paras = [b.text for b in doc.blocks[: first_heading or 5] if isinstance(b, Paragraph)]
    heading = next((normalize(p) for p in paras[:3] if looks_like_agency(p)), None)
    publisher = normalize(doc.meta.get("publisher", "")) or None
    agency = agency_from_title(title) if title else None
    agency = _full_agency(agency, (sig_agency, heading, publisher))
    published = doc.meta.get("published")
    year, source = report_year(title, doc.text(), overview, date, published)
    this_year_plus = 2100
    if year is not None and not (2000 <= year < this_year_plus):
        year, source = None, None
    return Metadata(title, agency, year, date, source, published)
