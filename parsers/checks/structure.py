"""Structure (spec §7.6): sections, headings, tables, layouts and years of the report.

These say whether a report was read completely, independent of its arithmetic.
"""

from __future__ import annotations

from .. import schema
from ..labels import normalize
from ..sections import Heading
from .core import not_assessable, simple


def structure_checks(
    *,
    headings: list[Heading],
    sec_present: dict[str, bool],
    layouts: dict[str, str],
    t3_partial: list[str],
    t3_missing: list[str],
    t4_partial: list[str],
    t4_cells: int,
    problems: str,
    years: dict[str, int | None],
) -> list[dict]:
    out: list[dict] = []
    out.append(_sections_present(sec_present))
    out.append(_heading_numbering(headings))
    out += _tables_present(layouts)
    out += _layouts_detected(layouts)
    if layouts["sec3"] in ("v2021", "v2019"):
        bad = [f"partial: {p}" for p in t3_partial] + [f"missing: {m}" for m in t3_missing]
        out.append(
            simple(
                "S_ROWS_COMPLETE",
                "t3_applications",
                not bad,
                severity="warning",
                note="; ".join(bad),
            )
        )
    if layouts["sec4"] == "standard":
        ok = not t4_partial and t4_cells == 15
        out.append(
            simple(
                "S_T4_CELLS",
                "t4_review_litigation",
                ok,
                severity="warning",
                note="; ".join(t4_partial),
            )
        )
    out.append(_problems_nonempty(problems))
    out.append(_year_consistent(years))
    return out


def _sections_present(sec_present: dict[str, bool]) -> dict:
    missing = [k for k in schema.SECTION_KEYS if not sec_present.get(k)]
    return simple(
        "S_SECTIONS_PRESENT",
        "report",
        not missing,
        severity="warning",
        note=("missing: " + ", ".join(missing)) if missing else "",
    )


def _heading_numbering(headings: list[Heading]) -> dict:
    """Each heading's printed ordinal is its section's, and the sections come in order."""
    order = {k: i + 1 for i, k in enumerate(schema.SECTION_KEYS)}
    wrong = [
        f"{h.key} printed as {h.ordinal}"
        for h in headings
        if h.ordinal is not None and h.ordinal != order[h.key]
    ]
    printed = [order[h.key] for h in headings]
    if printed != sorted(printed):
        wrong.append("sections out of order")
    return simple(
        "S_HEADING_NUMBERING", "report", not wrong, severity="warning", note="; ".join(wrong)
    )


def _tables_present(layouts: dict[str, str]) -> list[dict]:
    out = []
    for table, key in (("t2", "sec2"), ("t3", "sec3"), ("t4", "sec4")):
        present = layouts[key] not in ("absent",)
        out.append(
            simple(
                "S_TABLE_PRESENT",
                table,
                present,
                severity="warning",
                note="" if present else f"no table for section {table}",
            )
        )
    return out


def _layouts_detected(layouts: dict[str, str]) -> list[dict]:
    out = []
    for key in ("sec2", "sec3"):
        lay = layouts[key]
        if lay == "absent":
            out.append(
                not_assessable("S_LAYOUT_DETECTED", f"{key} absent", "warning") | {"scope": key}
            )
        else:
            out.append(
                simple(
                    "S_LAYOUT_DETECTED",
                    key,
                    lay in ("v2021", "v2019"),
                    severity="warning",
                    note="" if lay in ("v2021", "v2019") else f"layout {lay}",
                )
            )
    return out


def _problems_nonempty(problems: str) -> dict:
    p = normalize(problems)
    ok5 = len(p) >= 10 and p not in ("无", "无。")
    return simple(
        "S_SEC5_NONEMPTY",
        "problems",
        ok5,
        severity="warning",
        note="" if ok5 else "section 五 is empty or says only 无",
    )


def _year_consistent(years: dict[str, int | None]) -> dict:
    """The year indications that are known (at least two) agree."""
    known = {k: v for k, v in years.items() if v is not None}
    if len(known) < 2:
        return not_assessable("S_YEAR_CONSISTENT", "fewer than two year indications", "warning") | {
            "scope": "report"
        }
    return simple(
        "S_YEAR_CONSISTENT",
        "report",
        len(set(known.values())) == 1,
        severity="warning",
        note=", ".join(f"{k}={v}" for k, v in known.items()),
    )
