"""Consistency rules (勾稽关系) of spec §7, evaluated on the parsed cells.

Every arithmetic rule is evaluated twice (§7.7): *strict* treats blank, NA and text operands as
unknown; *lenient* reads blank and NA as 0 (text stays unknown). The verdict:

* ``PASS`` mode ``strict`` — every operand printed, identity holds;
* ``PASS`` mode ``lenient`` — holds once blanks are read as 0;
* ``FAIL`` — fails although every target-side cell (the printed total) is a number;
* ``UNCERTAIN`` — cannot be decided (a text operand, or the printed total itself is blank: then
  ``derived`` holds the total the other cells imply);
* ``NOT_ASSESSABLE`` — the table is absent.

Cross-year rules (§7.4) need the archive and live there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import schema
from ..labels import normalize
from ..values import chinese_numeral

KNOWN = ("ZERO", "NUMERIC")


@dataclass(frozen=True)
class Operand:
    ref: str
    value: float | int | None
    semantic: str  # ZERO NUMERIC EMPTY NA TEXT MISSING

    def strict(self) -> float | None:
        return self.value if self.semantic in KNOWN else None

    def lenient(self) -> float | None:
        if self.semantic in KNOWN:
            return self.value
        return 0 if self.semantic in ("EMPTY", "NA") else None


class CellIndex:
    def __init__(self, cells: list[dict]):
        self._cells = {(c["table"], c["row"], c["col"]): c for c in cells}

    def get(self, table: str, row: str, col: str) -> Operand:
        c = self._cells.get((table, row, col))
        ref = f"{row}.{col}"
        if c is None:
            return Operand(ref, None, "MISSING")
        return Operand(ref, c["value"], c["semantic"])

    def table(self, table: str) -> list[dict]:
        return [c for k, c in self._cells.items() if k[0] == table]

    def has(self, table: str) -> bool:
        return any(k[0] == table for k in self._cells)


def _total(values: list[float | None]) -> float | None:
    return None if any(v is None for v in values) else sum(values)  # type: ignore[arg-type]


def _num(x: float | None) -> float | int | None:
    if x is None:
        return None
    return int(x) if float(x).is_integer() else round(x, 6)


def identity(
    rule: str,
    scope: str,
    left: list[Operand],
    right: list[Operand],
    *,
    severity: str = "error",
    compare: str = "eq",
) -> dict:
    """Evaluate ``Σleft (= | ≤) Σright``; ``right`` is the target side (the printed totals)."""

    def holds(a: float, b: float) -> bool:
        return abs(a - b) < 1e-9 if compare == "eq" else a <= b + 1e-9

    out = {"rule": rule, "scope": scope, "severity": severity}
    refs = [o.ref for o in left + right]
    sl, sr = _total([o.strict() for o in left]), _total([o.strict() for o in right])
    if sl is not None and sr is not None:
        status = "PASS" if holds(sl, sr) else "FAIL"
        return out | {
            "status": status,
            "mode": "strict",
            "left": _num(sl),
            "right": _num(sr),
            "delta": _num(sl - sr),
            "cells": refs,
        }
    ll, lr = _total([o.lenient() for o in left]), _total([o.lenient() for o in right])
    if ll is None or lr is None:
        unknown = [o.ref for o in left + right if o.lenient() is None]
        return out | {
            "status": "UNCERTAIN",
            "mode": "lenient",
            "left": _num(ll),
            "right": _num(lr),
            "cells": refs,
            "note": "unreadable or missing: " + ", ".join(unknown),
        }
    if holds(ll, lr):
        return out | {
            "status": "PASS",
            "mode": "lenient",
            "left": _num(ll),
            "right": _num(lr),
            "delta": 0,
            "cells": refs,
        }
    result = out | {"left": _num(ll), "right": _num(lr), "delta": _num(ll - lr), "cells": refs}
    if all(o.semantic in KNOWN for o in right):
        return result | {"status": "FAIL", "mode": "lenient"}
    # The printed total is blank: never a failure, but say what the other cells add up to.
    return result | {
        "status": "UNCERTAIN",
        "mode": "lenient",
        "derived": _num(ll),
        "note": "target cell blank; derived value given",
    }


def not_assessable(rule: str, why: str, severity: str = "error") -> dict:
    return {
        "rule": rule,
        "scope": "table",
        "status": "NOT_ASSESSABLE",
        "mode": "strict",
        "severity": severity,
        "note": why,
    }


def simple(rule: str, scope: str, ok: bool, *, severity: str, note: str = "", **extra) -> dict:
    out = {
        "rule": rule,
        "scope": scope,
        "status": "PASS" if ok else "FAIL",
        "mode": "strict",
        "severity": severity,
    }
    if note:
        out["note"] = note
    return out | extra


# --- section 三 --------------------------------------------------------------------------------


def t3_checks(ix: CellIndex, layout: str, groups: dict[str, list[str]]) -> list[dict]:
    t = "t3_applications"
    rules = ("T3_BALANCE", "T3_RESULT_SUM", "T3_ROW_TOTAL", "T3_NONNEG_INT")
    if layout not in ("v2021", "v2019") or not ix.has(t):
        why = "table 三 absent" if layout == "absent" else f"table 三 layout {layout}"
        return [not_assessable(r, why) for r in rules]
    spec = schema.t3_spec(layout)
    out: list[dict] = []
    cols = spec.col_keys
    leaves = [
        r
        for r in spec.row_keys
        if r not in ("new_received", "carried_over", "total_processed", "carried_forward")
    ]
    for c in cols:
        out.append(
            identity(
                "T3_BALANCE",
                c,
                [ix.get(t, "new_received", c), ix.get(t, "carried_over", c)],
                [ix.get(t, "total_processed", c), ix.get(t, "carried_forward", c)],
            )
        )
    for c in cols:
        out.append(
            identity(
                "T3_RESULT_SUM",
                c,
                [ix.get(t, r, c) for r in leaves],
                [ix.get(t, "total_processed", c)],
            )
        )
    for r in spec.row_keys:
        if ix.get(t, r, "total").semantic == "MISSING":
            continue
        out.append(
            identity(
                "T3_ROW_TOTAL",
                r,
                [ix.get(t, r, c) for c in schema.T3_APPLICANT_COLS],
                [ix.get(t, r, "total")],
            )
        )
    for c in cols:
        base = [ix.get(t, "new_received", c), ix.get(t, "carried_over", c)]
        for target in ("carried_forward", "total_processed"):
            out.append(
                identity(
                    "T3_CARRY_BOUND",
                    f"{target}.{c}",
                    [ix.get(t, target, c)],
                    base,
                    severity="warning",
                    compare="le",
                )
            )
    for group, printed in groups.items():
        members = schema.T3_GROUPS.get(group, ("", ()))[1]
        if layout == "v2019" and group == "other_handling":
            continue
        for c, raw in zip(cols, printed, strict=False):
            from ..values import parse_cell

            pv = parse_cell(raw)
            target = Operand(f"{group}.{c}", pv.value, pv.semantic)
            out.append(
                identity(
                    "T3_SUBTOTAL", f"{group}.{c}", [ix.get(t, m, c) for m in members], [target]
                )
            )
    cells = ix.table(t)
    out.append(_nonneg("T3_NONNEG_INT", cells, integers=True))
    if cells and all(c["semantic"] in ("EMPTY", "NA") for c in cells):
        out.append(
            {
                "rule": "T3_ALL_BLANK",
                "scope": "table",
                "status": "PASS",
                "mode": "lenient",
                "severity": "info",
                "note": "every value cell of table 三 is blank",
            }
        )
    return out


def _nonneg(rule: str, cells: list[dict], *, integers: bool, skip_cols=(), sev="error") -> dict:
    bad = []
    for c in cells:
        if c["col"] in skip_cols or c["semantic"] not in KNOWN:
            continue
        v = c["value"]
        if v < 0 or (integers and v != int(v)):
            bad.append(f"{c['row']}.{c['col']}={c['raw']}")
    return simple(rule, "all", not bad, severity=sev, note="; ".join(bad) if bad else "")


# --- section 四 --------------------------------------------------------------------------------


def t4_checks(ix: CellIndex, layout: str) -> list[dict]:
    t = "t4_review_litigation"
    if layout != "standard" or not ix.has(t):
        return [not_assessable(r, f"table 四 {layout}") for r in ("T4_BLOCK_SUM", "T4_NONNEG_INT")]
    out = [
        identity(
            "T4_BLOCK_SUM",
            r,
            [ix.get(t, r, c) for c in ("upheld", "corrected", "other", "pending")],
            [ix.get(t, r, "total")],
        )
        for r in schema.T4.row_keys
    ]
    out.append(_nonneg("T4_NONNEG_INT", ix.table(t), integers=True))
    return out


# --- section 二 --------------------------------------------------------------------------------


def t2_checks(ix: CellIndex, layout: str) -> list[dict]:
    cells = [c for c in ix._cells.values() if c["table"].startswith("t2_")]
    if layout not in ("v2021", "v2019") or not cells:
        return [not_assessable("T2_NONNEG", f"section 二 {layout}", "warning")]
    if layout == "v2021":
        out = [
            _nonneg("T2_NONNEG", cells, integers=False, sev="error"),
            _nonneg("T2_INT", cells, integers=True, skip_cols=("fee_amount",), sev="error"),
        ]
        fee = ix.get("t2_art20_8", "administrative_fees", "fee_amount")
        if fee.semantic in KNOWN:
            out.append(
                simple(
                    "T2_FEE_UNIT_SANITY",
                    "administrative_fees.fee_amount",
                    fee.value <= 100000,
                    severity="warning",
                    left=fee.value,
                    note="" if fee.value <= 100000 else "over 100000 万元: printed in 元?",
                )
            )
        return out
    out = [_nonneg("T2_NONNEG", cells, integers=False, skip_cols=("change",), sev="error")]
    for row in ("regulations", "normative_documents"):
        out.append(
            identity(
                "T2_V2019_PUBLISHED_LE_TOTAL",
                row,
                [ix.get("t2_art20_1", row, "newly_published")],
                [ix.get("t2_art20_1", row, "total_published")],
                severity="warning",
                compare="le",
            )
        )
    for table, rows in (
        ("t2_art20_5", ("administrative_license", "other_external_services")),
        ("t2_art20_6", ("administrative_penalty", "administrative_coercion")),
        ("t2_art20_8", ("administrative_fees",)),
    ):
        for row in rows:
            prev, change = ix.get(table, row, "prev_year_items"), ix.get(table, row, "change")
            if prev.semantic in KNOWN and change.semantic in KNOWN:
                ok = prev.value + change.value >= 0
                out.append(
                    simple(
                        "T2_V2019_ITEMS_NONNEG",
                        f"{table}.{row}",
                        ok,
                        severity="warning",
                        left=_num(prev.value + change.value),
                    )
                )
    return out


# --- text vs table (§7.5) ------------------------------------------------------------------------

_N = r"(\d+|[零一二两三四五六七八九十百千]+)"
_TXT_PATTERNS = {
    "TXT_NEW_RECEIVED": re.compile(
        r"(?:收到|受理|新收|接收)(?:了)?(?:各类|公民、法人或其他组织(?:提出的)?)?"
        r"(?:政府信息公开|依申请公开(?:政府信息)?|信息公开)?(?:的)?申请(?:共计?|总计|合计)?(?:数量)?(?:为)?"
        + _N
        + "件"
    ),
    "TXT_CARRIED_OVER": re.compile(r"上年(?:度)?结转(?:的)?(?:政府信息公开)?(?:申请)?" + _N + "件"),
    "TXT_PROCESSED": re.compile(
        r"(?:答复|办结|办理完毕|作出答复)(?:了)?(?:政府信息公开|依申请公开)?(?:申请)?(?:共计?)?"
        + _N
        + "件"
    ),
    "TXT_CARRIED_FORWARD": re.compile(
        _N + r"件(?:申请)?[^,，。;；]{0,6}?(?:结转|顺延)(?:到|至)?(?:下年度|下一年度|\d{4}年度?)"
    ),
    "TXT_REVIEW": re.compile(r"行政复议[^,，。;；\d]{0,12}?" + _N + "件"),
    "TXT_LITIGATION": re.compile(r"行政诉讼[^,，。;；\d]{0,12}?" + _N + "件"),
}
_ZERO_CLAIMS = (
    (
        re.compile(r"(?:未|没有)收到(?:任何)?(?:政府信息公开|依申请公开)?(?:的)?申请"),
        "new_received",
    ),
    (
        re.compile(
            r"(?:无|未发生|未被申请|没有)(?:因政府信息公开(?:工作)?(?:而)?引起的|涉及政府信息公开的)?行政复议"
        ),
        "review",
    ),
    (
        re.compile(
            r"(?:无|未发生|未被提起|没有)(?:因政府信息公开(?:工作)?(?:而)?引起的|涉及政府信息公开的)?行政诉讼"
        ),
        "litigation",
    ),
)
_FEE_NONE = re.compile(
    r"(?:未|无|没有|不)收取(?:任何)?(?:政府信息公开)?(?:信息处理费|费用)|信息处理费[^。]{0,6}?(?:为0|为零|0元)"
)
_FEE_SOME = re.compile(r"收取(?:政府信息公开)?信息处理费" + _N + "元")


def _to_int(tok: str) -> int | None:
    return int(tok) if tok.isdigit() else chinese_numeral(tok)


def _sentence(norm: str, start: int, end: int) -> str:
    a = max(norm.rfind(p, 0, start) for p in "。；;") + 1
    b = min([i for i in (norm.find(p, end) for p in "。；;") if i >= 0] or [len(norm)])
    return norm[a : b + 1]


def text_checks(
    ix: CellIndex, sections: dict[str, str], t3_layout: str, t4_layout: str
) -> list[dict]:
    norm = normalize(
        "\n".join(sections.get(k, "") for k in ("overview", "problems", "other_matters"))
    )
    t3, t4 = "t3_applications", "t4_review_litigation"
    have3 = t3_layout in ("v2021", "v2019") and ix.has(t3)
    have4 = t4_layout == "standard" and ix.has(t4)
    targets = {
        "TXT_NEW_RECEIVED": (have3, [ix.get(t3, "new_received", "total")]),
        "TXT_CARRIED_OVER": (have3, [ix.get(t3, "carried_over", "total")]),
        "TXT_PROCESSED": (have3, [ix.get(t3, "total_processed", "total")]),
        "TXT_CARRIED_FORWARD": (have3, [ix.get(t3, "carried_forward", "total")]),
        "TXT_REVIEW": (have4, [ix.get(t4, "review", "total")]),
        "TXT_LITIGATION": (
            have4,
            [
                ix.get(t4, "litigation_direct", "total"),
                ix.get(t4, "litigation_after_review", "total"),
            ],
        ),
    }
    out: list[dict] = []
    for rule, pattern in _TXT_PATTERNS.items():
        have, ops = targets[rule]
        m = pattern.search(norm)
        if not m:
            out.append(
                {
                    "rule": rule,
                    "scope": "text",
                    "status": "NOT_ASSESSABLE",
                    "mode": "strict",
                    "severity": "warning",
                    "note": "no such sentence in the text",
                }
            )
            continue
        said = _to_int(m.group(1))
        evidence = _sentence(norm, m.start(), m.end())
        if not have or said is None:
            out.append(
                {
                    "rule": rule,
                    "scope": "text",
                    "status": "NOT_ASSESSABLE",
                    "mode": "strict",
                    "severity": "warning",
                    "left": said,
                    "evidence": evidence,
                    "note": "the table is absent",
                }
            )
            continue
        check = identity(rule, "text", [Operand("text", said, "NUMERIC")], ops, severity="warning")
        if check["status"] == "FAIL" and rule == "TXT_NEW_RECEIVED":
            both = identity(
                rule,
                "text",
                [Operand("text", said, "NUMERIC")],
                [*ops, ix.get(t3, "carried_over", "total")],
                severity="warning",
            )
            if both["status"] == "PASS":
                check = both | {"note": "PASS(alt): the text counts 本年新收 + 上年结转"}
        if rule == "TXT_REVIEW" and (
            c := re.search(r"其中[^。]{0,8}?结果纠正" + _N + "件", evidence)
        ):
            corrected = identity(
                "TXT_REVIEW",
                "text.corrected",
                [Operand("text", _to_int(c.group(1)), "NUMERIC")],
                [ix.get(t4, "review", "corrected")],
                severity="warning",
            )
            out.append(corrected | {"evidence": evidence})
        out.append(check | {"evidence": evidence})
    for pattern, what in _ZERO_CLAIMS:
        m = pattern.search(norm)
        if not m:
            continue
        if what == "new_received":
            have, ops = have3, [ix.get(t3, "new_received", "total")]
        elif what == "review":
            have, ops = have4, [ix.get(t4, "review", "total")]
        else:
            have, ops = have4, targets["TXT_LITIGATION"][1]
        if not have:
            continue
        check = identity(
            "TXT_ZERO_CLAIMS", what, [Operand("text", 0, "ZERO")], ops, severity="warning"
        )
        out.append(check | {"evidence": _sentence(norm, m.start(), m.end())})
    other = normalize(sections.get("other_matters", ""))
    fee_unpaid = ix.get(t3, "other_fee_unpaid", "total")
    fee_text = _FEE_NONE.search(other) or _FEE_SOME.search(other)
    if fee_text:
        out.append(
            simple(
                "TXT_FEE_COLLECTED",
                "other_matters",
                True,
                severity="info",
                evidence=_sentence(other, fee_text.start(), fee_text.end()),
            )
        )
    elif fee_unpaid.semantic in KNOWN and fee_unpaid.value:
        out.append(
            simple(
                "TXT_FEE_COLLECTED",
                "other_matters",
                False,
                severity="warning",
                note="fee notices were issued (other_fee_unpaid > 0) but section 六 "
                "says nothing about 信息处理费",
            )
        )
    return out


# --- structure (§7.6) ----------------------------------------------------------------------------


def structure_checks(
    *,
    headings,
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
    missing = [k for k in schema.SECTION_KEYS if not sec_present.get(k)]
    out.append(
        simple(
            "S_SECTIONS_PRESENT",
            "report",
            not missing,
            severity="warning",
            note=("missing: " + ", ".join(missing)) if missing else "",
        )
    )
    order = {k: i + 1 for i, k in enumerate(schema.SECTION_KEYS)}
    wrong = [
        f"{h.key} printed as {h.ordinal}"
        for h in headings
        if h.ordinal is not None and h.ordinal != order[h.key]
    ]
    printed = [order[h.key] for h in headings]
    if printed != sorted(printed):
        wrong.append("sections out of order")
    out.append(
        simple(
            "S_HEADING_NUMBERING", "report", not wrong, severity="warning", note="; ".join(wrong)
        )
    )
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
    p = normalize(problems)
    ok5 = len(p) >= 10 and p not in ("无", "无。")
    out.append(
        simple(
            "S_SEC5_NONEMPTY",
            "problems",
            ok5,
            severity="warning",
            note="" if ok5 else "section 五 is empty or says only 无",
        )
    )
    known = {k: v for k, v in years.items() if v is not None}
    if len(known) >= 2:
        ok = len(set(known.values())) == 1
        out.append(
            simple(
                "S_YEAR_CONSISTENT",
                "report",
                ok,
                severity="warning",
                note=", ".join(f"{k}={v}" for k, v in known.items()),
            )
        )
    else:
        out.append(
            not_assessable("S_YEAR_CONSISTENT", "fewer than two year indications", "warning")
            | {"scope": "report"}
        )
    return out
