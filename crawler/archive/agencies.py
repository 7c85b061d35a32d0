"""Who published a report: normalised agency names and agency types.

The type decides the statutory deadline (条例 Art. 49): county-level-and-above government
*departments* publish by 31 January, the *governments* by 31 March of the next year.
"""

from __future__ import annotations

import re
import unicodedata

AGENCY_TYPES = ("government", "office", "department", "township", "zone", "other")
_SPACE = re.compile(r"[\s\u3000\u00a0]+")


# Common abbreviations in report titles → the official name (a unit's name in its own reports
# and on its seal). Applied once, longest first.
ABBREVIATIONS = (
    ("人力社保局", "人力资源和社会保障局"),
    ("人社局", "人力资源和社会保障局"),
    ("发展改革委", "发展和改革委员会"),
    ("发改委", "发展和改革委员会"),
    ("发改局", "发展和改革局"),
    ("卫健委", "卫生健康委员会"),
    ("卫健局", "卫生健康局"),
    ("住建委", "住房和城乡建设委员会"),
    ("住建局", "住房和城乡建设局"),
    ("市场监管局", "市场监督管理局"),
    ("市监局", "市场监督管理局"),
    ("文旅局", "文化和旅游局"),
    ("应急局", "应急管理局"),
    ("医保局", "医疗保障局"),
    ("退役军人局", "退役军人事务局"),
    ("交通局", "交通运输局"),
    ("科技局", "科学技术局"),
    ("教委", "教育委员会"),
    ("府办", "人民政府办公室"),
    ("政府办", "人民政府办公室"),
)
_UNIT_START = re.compile(
    r"^(县|区|旗|市)(?=人民政府|政府|府办|委|教|卫|发|人社|人力|财政|公安|民政|司法|自然|生态|"
    r"住|交通|水|农|商务|文|应急|审计|统计|林|医|退役|市场|城|信访|档案|机关|数据|大数据|行政|"
    r"融媒|科|工|民族|宗教|国资|税务|粮|供销|气象|地震|残联|妇联|团|总工会|科协|侨|台|红十字)"
)


def canonical_agency(name: str | None, county: str | None = None) -> str | None:
    """One official name per agency, whatever its titles call it.

    ``县政府办`` → ``青溪县人民政府办公室``, ``横山镇`` → ``青溪县横山镇人民政府``,
    ``城东街道`` → ``青溪县城东街道办事处``, ``青溪县`` → ``青溪县人民政府``,
    ``区教委`` → ``渝川区教育委员会``. Titles print the same unit several ways across years; the
    archive keeps the printed forms (``listed_agency``, ``title``) and files the report under
    this one.
    """
    if not name:
        return name
    n = _SPACE.sub("", unicodedata.normalize("NFKC", name))
    n = re.sub(r"[（(](图片版|超链版|修订版)[)）]$", "", n)
    if county:
        if _UNIT_START.match(n) and not n.startswith(county):
            n = county + n[1:]
        elif n in ("本级", "县政府", "区政府", "市政府", "人民政府"):
            n = county
        elif not n.startswith(county) and re.search(r"(镇|乡|街道|苏木)$", n):
            n = county + n
    for short, full in sorted(ABBREVIATIONS, key=lambda a: -len(a[0])):
        if n.endswith(short) and not n.endswith(full):
            n = n[: -len(short)] + full
            break
    n = re.sub(r"(?<!人民)政府办公室$", "人民政府办公室", n)
    if re.search(r"(?<!乡)(镇|乡|苏木)$", n):
        n += "人民政府"
    elif n.endswith("街道"):
        n += "办事处"
    elif county and n in (county, f"{county}政府"):
        n = f"{county}人民政府"
    return n


def agency_key(name: str | None) -> str | None:
    """A stable key for matching one agency across years (NFKC, no spaces, no brackets)."""
    if not name:
        return None
    key = _SPACE.sub("", unicodedata.normalize("NFKC", name))
    return key.strip("()（）") or None


def agency_type(name: str | None, county: str | None = None) -> str:
    """government (the county-level people's government itself), office (its 办公室),
    department, township (乡/镇/街道), zone (开发区/园区/管委会) or other."""
    if not name:
        return "other"
    n = agency_key(name) or ""
    if re.search(r"(开发区|园区|管委会|管理委员会|示范区|新区管委)", n):
        return "zone"
    if re.search(r"政府办(公室)?$|政府办公厅$|政府办$", n):
        return "office"
    if re.search(r"(街道|乡|镇|苏木)(人民政府|办事处)?$", n) and not re.search(r"(局|委|办)$", n):
        return "township"
    if county and n in (county, f"{county}人民政府", f"{county}政府"):
        return "government"
    if re.fullmatch(r".{1,8}(县|区|市|旗)(人民政府)?", n):
        return "government"
    if re.search(r"(局|委员会|委|办公室|办|中心|院|所|队|站|厅|部|署|会|处|室|馆|社|公司)$", n):
        return "department"
    return "other"


def deadline(year: int, kind: str) -> str:
    """The last day a report for ``year`` may appear (ISO date).

    Departments and offices: 31 January; governments — and, by our decision, townships and
    zones, whose deadline the 条例 does not fix — 31 March of the next year.
    """
    if kind in ("department", "office"):
        return f"{year + 1}-01-31"
    return f"{year + 1}-03-31"
