"""Is this site the portal of that government? Judged from what every government site shows.

Every government site carries a 10-digit 网站标识码 (``<meta name="SiteIDCode">`` and the
footer) whose first six digits are the owning government's 行政区划代码, and a title that names
its owner. A candidate link is kept only when the site it leads to says it belongs to the unit:
the identification code's prefix is the unit's code (or a code it had), and the title names the
unit — a department's site (县教育局) and the prefecture's own portal are not the county's,
even where their identification code starts with the county's digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .units import Unit, clean, owner_of, short_names

# Words that make a title a department's or an office's, not the government's portal.
_DEPARTMENT = re.compile(
    r"(局|委员会|委|厅|办公室|办|中心|院|所|站|队|馆|公司|协会|学校|医院|法院|检察院|公安|"
    r"税务|海关|气象|电视台|党校|团委|妇联|工会|政协|人大)(?!.*人民政府)"
)


@dataclass(frozen=True)
class Verdict:
    ok: bool
    how: str  # what proved it (or what was seen)
    confidence: str  # high | medium | low | none
    reason: str = ""


def _named(unit: Unit, title: str) -> str | None:
    """The form of the unit's name the title uses, if any (longest first)."""
    names = set(short_names(unit.name))
    for _, old in unit.former:
        names |= short_names(old)
    for name in sorted(names, key=len, reverse=True):
        if len(name) >= 2 and name in title:
            return name
    return None


def verdict(unit: Unit, title: str | None, site_id: str | None) -> Verdict:
    title = clean(title)
    named = _named(unit, title)
    rest = title.split(named, 1)[1] if named else ""
    rest = re.split(r"[_\-|–—·]", rest, maxsplit=1)[0]  # "鼓楼区教育局_福州市…" → "教育局"
    if named and _DEPARTMENT.search(rest) and "人民政府" not in rest:
        return Verdict(False, f"title {title!r}", "none", "a department's site, not the portal")
    owner = owner_of(site_id)
    if site_id and site_id[:6] not in unit.codes:
        whose = f" ({owner.name})" if owner else ""
        return Verdict(
            False, f"网站标识码 {site_id}", "none", f"网站标识码 {site_id} is another unit's{whose}"
        )
    if not named:
        why = f"the title {title!r} does not name {unit.name}" if title else "no title"
        return Verdict(False, f"title {title!r}", "none", why)
    if site_id:
        return Verdict(True, f"网站标识码 {site_id} and title", "high")
    government = "人民政府" in title or "政府" in title
    return Verdict(True, "title", "medium" if government else "low")
