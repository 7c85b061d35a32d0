"""Who published a report: normalised agency names and agency types.

The type decides the statutory deadline (条例 Art. 49): county-level-and-above government
*departments* publish by 31 January, the *governments* by 31 March of the next year.
"""

from __future__ import annotations

import re
import unicodedata

AGENCY_TYPES = ("government", "office", "department", "township", "zone", "other")
_SPACE = re.compile(r"[\s\u3000\u00a0]+")


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
