"""parsers.checks.cross_year_checks (spec §7.4) on hand-made cells, expectations worked by hand."""

from __future__ import annotations

from parsers.checks import cross_year_checks

T3 = "t3_applications"
T2 = "t2_art20_1"
CARRY_NOTE = "2023 上年结转 vs 2022 结转下年度"
STOCK_NOTE = "2022 现行有效 + 2023 制发 − 废止 vs 2023 现行有效"


def num(v: int) -> tuple[int, str]:
    return v, "ZERO" if v == 0 else "NUMERIC"


def by_rule(checks: list[dict], rule: str) -> dict[str, dict]:
    return {c["scope"]: c for c in checks if c["rule"] == rule}


def test_carry_pass_and_fail():
    prev = {
        (T3, "carried_forward", "natural_person"): num(3),
        (T3, "carried_forward", "total"): num(4),
    }
    cur = {(T3, "carried_over", "natural_person"): num(3), (T3, "carried_over", "total"): num(6)}
    checks = cross_year_checks(2023, prev, cur, "v2021", "v2021")
    assert checks == [
        {
            "rule": "X_T3_CARRY",
            "scope": "natural_person",
            "severity": "warning",
            "status": "PASS",
            "mode": "strict",
            "left": 3,
            "right": 3,
            "delta": 0,
            "cells": ["carried_over.natural_person", "carried_forward.natural_person"],
            "note": CARRY_NOTE,
        },
        {
            "rule": "X_T3_CARRY",
            "scope": "total",
            "severity": "warning",
            "status": "FAIL",
            "mode": "strict",
            "left": 6,
            "right": 4,
            "delta": 2,  # 6 − 4: this year's 上年结转 exceeds last year's 结转下年度
            "cells": ["carried_over.total", "carried_forward.total"],
            "note": CARRY_NOTE,
        },
    ]


def test_carry_skips_a_missing_operand_and_reads_blank_leniently():
    prev = {
        (T3, "carried_forward", "natural_person"): num(2),  # this year's cell is missing
        (T3, "carried_forward", "commercial_enterprise"): num(0),
        (T3, "carried_forward", "research_institution"): num(1),
    }
    cur = {
        (T3, "carried_over", "commercial_enterprise"): (None, "EMPTY"),  # blank = 0 leniently
        (T3, "carried_over", "research_institution"): (None, "TEXT"),
        (T3, "carried_over", "total"): num(5),  # last year's cell is missing
    }
    checks = by_rule(cross_year_checks(2023, prev, cur, None, None), "X_T3_CARRY")
    assert set(checks) == {"commercial_enterprise", "research_institution"}
    blank = checks["commercial_enterprise"]
    assert (blank["status"], blank["mode"], blank["left"], blank["right"]) == (
        "PASS",
        "lenient",
        0,
        0,
    )
    text = checks["research_institution"]
    assert (text["status"], text["left"], text["right"]) == ("UNCERTAIN", None, 1)
    assert text["note"] == CARRY_NOTE  # the cross-year note replaces identity's own


def stock(prev_in_force: int, in_force: int, issued: int, repealed: tuple) -> tuple[dict, dict]:
    prev = {(T2, "regulations", "in_force"): num(prev_in_force)}
    cur = {
        (T2, "regulations", "in_force"): num(in_force),
        (T2, "regulations", "issued"): num(issued),
        (T2, "regulations", "repealed"): repealed,
    }
    return prev, cur


def test_stock_pass_and_fail():
    # 10 in force last year + 3 issued − 1 repealed = 12 in force this year.
    checks = cross_year_checks(2023, *stock(10, 12, 3, num(1)), "v2021", "v2021")
    assert checks == [
        {
            "rule": "X_T2_STOCK",
            "scope": "regulations",
            "severity": "warning",
            "status": "PASS",
            "mode": "strict",
            "left": 12,
            "right": 12,
            "delta": 0,
            "cells": [
                "regulations.in_force",
                "regulations.issued",
                "regulations.repealed",
                "regulations.in_force",
            ],
            "note": STOCK_NOTE,
        }
    ]
    # 10 + 3 − 1 = 12, but 15 printed.
    (fail,) = cross_year_checks(2023, *stock(10, 15, 3, num(1)), "v2021", "v2021")
    assert (fail["status"], fail["mode"], fail["left"], fail["right"], fail["delta"]) == (
        "FAIL",
        "strict",
        12,
        15,
        -3,
    )


def test_stock_blank_repealed_is_zero_leniently():
    # 10 + 3 − (blank) = 13.
    (check,) = cross_year_checks(2023, *stock(10, 13, 3, (None, "EMPTY")), "v2021", "v2021")
    assert (check["status"], check["mode"], check["left"], check["right"]) == (
        "PASS",
        "lenient",
        13,
        13,
    )


def test_stock_skips_a_missing_operand():
    prev, cur = stock(10, 12, 3, num(1))
    del cur[(T2, "regulations", "issued")]
    # normative_documents has no cells at all: skipped too
    assert cross_year_checks(2023, prev, cur, "v2021", "v2021") == []


def test_stock_needs_v2021_in_both_years():
    prev, cur = stock(10, 12, 3, num(1))
    prev[(T3, "carried_forward", "total")] = num(2)
    cur[(T3, "carried_over", "total")] = num(2)
    for layouts in (("v2019", "v2021"), ("v2021", "v2019"), (None, "v2021"), ("v2021", None)):
        checks = cross_year_checks(2023, prev, cur, *layouts)
        assert [c["rule"] for c in checks] == ["X_T3_CARRY"], layouts  # carry still checked


def test_nothing_to_compare():
    assert cross_year_checks(2023, {}, {}, "v2021", "v2021") == []
