"""Is this link an annual report? Whose, which year? (research: portals.md §2.3–2.4)

Decided from the link's title only; the pipeline confirms by content (the parser's section and
table markers) before anything becomes a report. Year and agency come from the title, never
from the URL folder (a ``2019/`` folder holding a 2025 report is real).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_CN_YEAR = "〇零一二三四五六七八九"
_TITLE = re.compile(
    rf"(?P<pre>.*?)(?P<year>(?:19|20)\d{{2}}|[{_CN_YEAR}]{{4}})\s*年度?(?P<mid>.*?)"
    r"(?:政府|政务)?信息公开(?:工作)?(?:年度)?(?:报告|年报)"
)
_NO_YEAR = re.compile(
    r"(?:政府|政务)信息公开(?:工作)?(?:年度报告|年报)|信息公开年报|信息公开工作报告"
)
# Same title shape, different document (portals.md §2.4).
DECOY_WORDS = (
    "通知",
    "编制发布",
    "制度",
    "办法",
    "法治政府",
    "公积金",
    "绩效",
    "预算",
    "决算",
    "工作总结",
    "工作计划",
    "政府工作报告",
    "工作要点",
    "指南",
    "目录",
    "统计公报",
    "企业年报",
    "会议",
    "培训",
    "督查",
    "通报",
    "考核",
    "评估",
    "解读",
    "征求意见",
    "政务公开工作情况",
    "社会信用",
)
_VARIANT = re.compile(r"[（(](图片版|超链版|修订版|文字版|简版|全文|更正版)[)）]")
_CN_DIGIT = dict(zip("〇零一二三四五六七八九", "00123456789", strict=True))


@dataclass(frozen=True)
class Candidate:
    is_report: bool
    year: int | None = None
    agency: str | None = None
    reason: str = ""


def normalize_title(title: str) -> str:
    title = unicodedata.normalize("NFKC", title or "")
    return re.sub(r"\s+", "", title).strip("《》\"'“”")


def _year(token: str) -> int | None:
    if token.isdigit():
        return int(token)
    digits = "".join(_CN_DIGIT.get(ch, "") for ch in token)
    return int(digits) if len(digits) == 4 else None


def classify_title(title: str) -> Candidate:
    """Decide from a link text; ``reason`` says why a near-miss was rejected."""
    t = normalize_title(title)
    if not t:
        return Candidate(False, reason="empty")
    decoy = next((w for w in DECOY_WORDS if w in t), None)
    m = _TITLE.search(t)
    if not m and not _NO_YEAR.search(t):
        return Candidate(False, reason="not a report title")
    if decoy:
        return Candidate(False, reason=f"decoy ({decoy})")
    if not m:
        return Candidate(True, None, None, "no year in title")
    year = _year(m.group("year"))
    agency = (m.group("pre") or "") + (m.group("mid") or "")
    agency = _VARIANT.sub("", agency)
    agency = re.sub(r"^(关于|公布|发布)", "", agency).strip("：:，,、-—_ ")
    agency = re.sub(r"(的)$", "", agency)
    return Candidate(True, year, agency or None, "")


_COUNTIES = Path(__file__).resolve().parent.parent / "crawler" / "data" / "counties.csv"


@cache
def _places() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Every county-level name, prefecture name and province name of China."""
    counties, prefectures, provinces = set(), set(), set()
    with open(_COUNTIES, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            counties.add(row["name"])
            if row["prefecture"] not in ("省直辖", row["province"]):
                prefectures.add(row["prefecture"])
            provinces.add(row["province"])
    return frozenset(counties), frozenset(prefectures), frozenset(provinces)


def place_of(agency: str | None, county: str, prefecture: str, province: str) -> str:
    """Does an agency belong to this county ("own"), a higher level ("parent"), another
    county ("other"), or can we not tell (then "own": departments and townships rarely name
    their county)?

    A county column also lists city and province reports (portals.md §2.2), and sometimes a
    neighbour's; those belong to other portals' archives, not this county's.
    """
    if not agency:
        return "own"
    a = agency
    if county and county in a:
        return "own"
    counties, prefectures, provinces = _places()
    if any(a.startswith(c) for c in counties if len(c) >= 2 and c != county):
        return "other"
    higher = {prefecture, province} | prefectures | provinces
    short = {
        re.sub(r"(省|市|地区|自治州|盟|自治区|壮族自治区|回族自治区|维吾尔自治区)$", "", h)
        for h in higher
        if h
    }
    if any(h and len(h) >= 2 and a.startswith(h) for h in higher | short):
        return "parent"
    if re.match(r"^.{2,6}(省|市|自治区|自治州|地区|盟)(人民政府)?(办公厅|办公室)?$", a):
        return "parent"
    if (m := _COUNTY_NAME.match(a)) and m.group(1) != county:
        return "other"  # another county named as such, listed or not in the national list
    return "own"


# A county-level unit named at the start of an agency: two or three characters and 县/区/旗
# (not a zone or a neighbourhood inside one: 开发区, 新区, 园区, 景区, 社区, 城区 …).
_COUNTY_NAME = re.compile(
    r"^([\u4e00-\u9fff]{2,3}?(?:自治县|县|旗|(?<!开发)(?<!新)(?<!园)(?<!景)(?<!社)(?<!城)(?<!工业)区))"
)
