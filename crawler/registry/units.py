"""The national list of county-level units, and how portals and links name them.

``crawler/data/counties.csv`` holds the 2,845 current units (codes, names, parents, former codes
since 2010), ``prefectures.csv`` the prefecture-level units, ``county-changes-since-2018.csv``
the units abolished or renamed since. Link texts name units loosely (丽水 for 丽水市, 互助县 for
互助土族自治县, 鼓楼区人民政府, 鼓楼区政府门户网站), so a text is matched only against the units of
one parent: homonyms such as 鼓楼区, 城区, 郊区 or 普陀区 are never told apart by name alone.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
COUNTIES = DATA / "counties.csv"
PREFECTURES = DATA / "prefectures.csv"
PROVINCIAL_PORTALS = DATA / "provincial-portals.csv"
CHANGES = DATA / "county-changes-since-2018.csv"

_SUFFIXES = ("自治县", "自治旗", "县级市", "林区", "特区", "新区", "县", "区", "市", "旗")
_PREFECTURE_SUFFIXES = ("自治州", "地区", "盟", "市")
# The 55 ethnic groups as autonomous units name them (longest first, so 土家 before 土).
_GROUPS = sorted(
    (
        "蒙古",
        "回",
        "藏",
        "维吾尔",
        "苗",
        "彝",
        "壮",
        "布依",
        "朝鲜",
        "满",
        "侗",
        "瑶",
        "白",
        "土家",
        "哈尼",
        "哈萨克",
        "傣",
        "黎",
        "傈僳",
        "佤",
        "畲",
        "高山",
        "拉祜",
        "水",
        "东乡",
        "纳西",
        "景颇",
        "柯尔克孜",
        "土",
        "达斡尔",
        "仫佬",
        "羌",
        "布朗",
        "撒拉",
        "毛南",
        "仡佬",
        "锡伯",
        "阿昌",
        "普米",
        "塔吉克",
        "怒",
        "乌孜别克",
        "俄罗斯",
        "鄂温克",
        "德昂",
        "保安",
        "裕固",
        "京",
        "塔塔尔",
        "独龙",
        "鄂伦春",
        "赫哲",
        "门巴",
        "珞巴",
        "基诺",
        "各",
    ),
    key=len,
    reverse=True,
)
_ETHNIC = re.compile(f"(?:(?:{'|'.join(_GROUPS)})族)+(?=自治[县旗州])")
_DECORATION = re.compile(
    r"(人民政府|政府门户网站|政府网站|门户网站|政府网|官方网站|官网|网站|首页|政府|（[^）]*）|\([^)]*\))"
)


@dataclass(frozen=True)
class Unit:
    code: str  # 行政区划代码
    name: str
    level: str  # province | prefecture | county
    province: str
    prefecture: str = ""  # a county's prefecture (省直辖 for the units provinces run directly)
    prefecture_code: str = ""
    former: tuple[tuple[str, str], ...] = field(default=())  # (code, name) it had since 2010

    @property
    def codes(self) -> set[str]:
        """Its code and the codes it had: a 网站标识码 may still start with an old one."""
        return {self.code, *(c for c, _ in self.former)}


def clean(text: str | None) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def short_names(name: str, suffixes: tuple[str, ...] = _SUFFIXES) -> set[str]:
    """The ways a link names a unit: 互助土族自治县 → 互助县, 互助; 丽水市 → 丽水."""
    out = {name}
    m = _ETHNIC.search(name)
    if m:  # an autonomous unit: its place name and the kind (县, 旗, 州)
        stem = name[: m.start()]
        kind = name[m.end() :].removeprefix("自治")
        out |= {stem + kind, stem} if len(stem) >= 2 else {stem + kind}
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            out.add(name[: -len(suffix)])
            break
    return out


def link_name(text: str) -> str:
    """A link's text with what decorates a government's name taken off (人民政府, 门户网站 …)."""
    return _DECORATION.sub("", clean(text))


@cache
def units() -> dict[str, Unit]:
    """Every province, prefecture and county of the national list, by code."""
    out: dict[str, Unit] = {}
    with open(PREFECTURES, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out[row["code"]] = Unit(row["code"], row["name"], "prefecture", row["province"])
    with open(COUNTIES, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            province_code = row["code"][:2] + "0000"
            out.setdefault(province_code, Unit(province_code, row["province"], "province", ""))
            former = tuple(
                (code, name)
                for part in (row.get("former_codes") or "").split(";")
                if part.count(":") >= 1
                for code, name, *_ in [part.split(":")]
            )
            out[row["code"]] = Unit(
                row["code"],
                row["name"],
                "county",
                row["province"],
                row["prefecture"],
                row.get("prefecture_code") or "",
                former,
            )
    return out


def counties(province: str | None = None) -> list[Unit]:
    return [
        u
        for u in units().values()
        if u.level == "county" and (not province or u.province == province)
    ]


def children(parent: Unit) -> list[Unit]:
    """The units a parent's portal lists: a province its prefectures and the counties it
    runs directly (and, as portals do, any of its counties); a prefecture its counties."""
    if parent.level == "province":
        return [
            u
            for u in units().values()
            if u.province == parent.name and u.level in ("prefecture", "county")
        ]
    if parent.level == "prefecture":
        return [u for u in counties() if u.prefecture_code == parent.code]
    return []


def province_named(name: str) -> Unit | None:
    name = clean(name)
    for u in units().values():
        if u.level == "province" and (u.name == name or name in short_names(u.name, ("省",))):
            return u
    return None


def _names(u: Unit) -> set[str]:
    suffixes = _PREFECTURE_SUFFIXES if u.level == "prefecture" else _SUFFIXES
    out = short_names(u.name, suffixes)
    for _, old in u.former:
        out |= short_names(old, suffixes)
    return out


def match(text: str, candidates: list[Unit]) -> Unit | None:
    """The one unit among ``candidates`` (one parent's) that a link text names; None when it
    names none or could be two (a full name beats a short one)."""
    name = link_name(text)
    if not name or len(name) > 24:
        return None
    full = [u for u in candidates if name == u.name]
    if len(full) == 1:
        return full[0]
    loose = [u for u in candidates if name in _names(u)]
    return loose[0] if len(loose) == 1 else None


def owner_of(site_id: str | None) -> Unit | None:
    """The government a 10-digit 网站标识码 belongs to (its first six digits), if listed."""
    if not site_id or len(site_id) < 6:
        return None
    code = site_id[:6]
    found = units().get(code)
    if found:
        return found
    return next((u for u in units().values() if code in {c for c, _ in u.former}), None)


def provincial_portals() -> list[dict]:
    with open(PROVINCIAL_PORTALS, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))
