"""Traits of real reports nobody here wrote (issue #13): misprinted row labels, table rows whose
cell separators were lost, metadata header lines, offices and 管委会 named in the title.

The documents come from tests/fixtures/make_traits.py; their true cells are in its manifest
(the generator's own tables), never taken from the parser.
"""

from __future__ import annotations

import json
from functools import cache

import pytest
from conftest import FIXTURES, expected_cell, norm, parsed
from test_formats import _columns

from parsers.labels import fuzzy_pick, normalize, t3_fuzzy_key
from parsers.tables.digits import T3_SHAPE, T4_SHAPE, solve_t3, splits

TRAITS = FIXTURES / "traits"


@cache
def traits() -> list[dict]:
    return json.loads((TRAITS / "manifest.json").read_text(encoding="utf-8"))


def entries(trait: str):
    return [pytest.param(e, id=e["file"]) for e in traits() if e["trait"] == trait]


def truth_cells(entry: dict) -> dict[tuple[str, str, str], str]:
    out = {}
    for table, rows in entry["tables"].items():
        cols = _columns(table, entry["layouts"]["sec2"])
        for row, raws in rows.items():
            for col, raw in zip(cols, raws, strict=True):
                out[(table, row, col)] = raw
    return out


def read(entry: dict) -> tuple[dict, dict[tuple[str, str, str], dict]]:
    report = parsed(str(TRAITS / entry["file"]))
    return report, {(c["table"], c["row"], c["col"]): c for c in report["cells"]}


def is_right(cell: dict | None, raw: str) -> bool:
    return cell is not None and (cell["value"], cell["semantic"]) == expected_cell(raw)


# --- 1. misprinted labels ------------------------------------------------------------------


@pytest.mark.parametrize("entry", entries("misprint"))
def test_misprinted_labels_every_cell(entry):
    report, got = read(entry)
    truth = truth_cells(entry)
    errors = [k for k, raw in truth.items() if not is_right(got.get(k), raw)]
    assert errors == []
    assert set(got) == set(truth)
    assert report["layouts"] == entry["layouts"]


@pytest.mark.parametrize("entry", entries("misprint"))
def test_misprinted_rows_are_marked_and_warned(entry):
    report, got = read(entry)
    fuzzy = {(c["table"], c["row"]): c["label"] for c in got.values() if c.get("label_match")}
    printed = {normalize(w) for t in ("t2", "t3") for w in entry["misprinted"][t]}
    # Every misprinted row label is kept as printed on its cells (its ordinal stays in front).
    assert {label for label in fuzzy.values() if any(p in label for p in printed)} == set(
        fuzzy.values()
    )
    assert all(any(p in label for label in fuzzy.values()) for p in printed)
    assert all("fuzzy_label" in got[k]["flags"] for k in got if got[k].get("label_match"))
    warned = " ".join(report["warnings"])
    assert all(p in warned for p in printed)
    # Exact labels are not marked.
    assert len(fuzzy) == len(printed)


def test_the_district_misprint_is_its_row():
    keys = ("denied_state_secret", "denied_other_law", "denied_security_stability")
    assert t3_fuzzy_key("2.其他法律行政止公开", keys, {"denied"}) == "denied_other_law"
    # Outside its group the same words are no row: the place is part of the match.
    assert t3_fuzzy_key("2.其他法律行政止公开", keys, {"unable"}) is None


def test_a_label_that_could_be_two_rows_is_never_guessed():
    candidates = {"internal": "属于三类内部事务信息", "process": "属于四类内部事务信息"}
    assert fuzzy_pick("属于五类内部事务信息", candidates) is None
    assert fuzzy_pick("属于三类内部事务信", {"internal": candidates["internal"]}) == "internal"
    # Short labels (规章, 其他, 总计) are matched exactly or not at all.
    assert fuzzy_pick("规草", {"regulations": "规章"}) is None


# --- 2. digit runs -------------------------------------------------------------------------


def test_the_issue_example_splits_one_way():
    assert splits("801000081", T3_SHAPE) == [("80", "1", "0", "0", "0", "0", "81")]


def test_an_ambiguous_run_is_left_unread_with_its_candidates():
    # 1|10|0|0|0|0|11 and 11|0|0|0|0|0|11 print the same digits; nothing else says which.
    both = [("1", "10", "0", "0", "0", "0", "11"), ("11", "0", "0", "0", "0", "0", "11")]
    assert sorted(splits("110000011", T3_SHAPE)) == both
    solved = solve_t3({"new_received": "110000011"}, {}, ())
    assert solved.chosen == {}
    assert sorted(solved.undecided["new_received"]) == both
    # A run no cut makes add up is no row: nothing is invented.
    assert splits("11000011", T3_SHAPE) == []
    # 四: 0|1|12|1|14 and 0|11|2|1|14 both add up (the 总计 of each block).
    assert len(splits("01121140000000000", T4_SHAPE)) == 2


def test_columns_decide_what_rows_cannot():
    # new_received 1|10|0|0|0|0|11 or 11|0|0|0|0|0|11 … "110000011" has two row-valid cuts;
    # the balance 一 + 二 = （七） + 四 with the other rows known picks one.
    known = {
        "carried_over": [0.0] * 7,
        "total_processed": [1.0, 10.0, 0.0, 0.0, 0.0, 0.0, 11.0],
        "carried_forward": [0.0] * 7,
    }
    assert len(splits("110000011", T3_SHAPE)) >= 2
    solved = solve_t3({"new_received": "110000011"}, known, ())
    assert solved.chosen == {"new_received": ("1", "10", "0", "0", "0", "0", "11")}


@pytest.mark.parametrize("entry", entries("runs"))
def test_lost_separators_never_give_a_wrong_cell(entry):
    report, got = read(entry)
    truth = truth_cells(entry)
    wrong = [
        k
        for k, raw in truth.items()
        if k in got and got[k]["semantic"] != "TEXT" and not is_right(got[k], raw)
    ]
    assert wrong == []
    assert set(got) <= set(truth)
    unread = {(t, r) for (t, r, _), c in got.items() if c["semantic"] == "TEXT"}
    unread |= {(t, r) for (t, r, _) in truth if (t, r, _) not in got}
    warned = " ".join(report["warnings"])
    for table, row in unread:  # every row left unread is warned about, with its candidates
        where = "t4" if table == "t4_review_litigation" else f"{table}/{row}"
        assert f"{where} (digit run" in warned or f"row {row} printed" in warned


@pytest.mark.parametrize("entry", entries("runs"))
def test_lost_separators_recover_every_row_with_one_cut(entry):
    report, got = read(entry)
    truth = truth_cells(entry)
    must = {
        (t, r)
        for t, rows in entry["unique_runs"].items()
        for r in rows
        if t != "t4_review_litigation"
    }
    if entry["unique_runs"]["t4_review_litigation"]:
        must |= {("t4_review_litigation", r) for r in entry["tables"]["t4_review_litigation"]}
    keys = [k for k in truth if (k[0], k[1]) in must]
    assert keys
    assert [k for k in keys if not is_right(got.get(k), truth[k])] == []
    # A run split into cells is marked; a one-cell row (行政许可 3) is its printed value.
    split = [k for k in keys if len(_columns(k[0], entry["layouts"]["sec2"])) > 1]
    assert split and all(got[k].get("inferred") == "digit-split" for k in split)
    # Table 三 is read entirely (the column rules decide the rows their own total cannot).
    t3 = [k for k in truth if k[0] == "t3_applications"]
    assert [k for k in t3 if not is_right(got.get(k), truth[k])] == []
    assert report["layouts"] == entry["layouts"]


@pytest.mark.parametrize("entry", entries("runs"))
def test_checks_say_which_operands_were_inferred(entry):
    report, _ = read(entry)
    balance = [c for c in report["checks"] if c["rule"] == "T3_BALANCE"]
    assert balance and all(c.get("inferred") for c in balance)
    assert all(c["status"] == "PASS" for c in balance)


# --- 3. header lines and agencies ----------------------------------------------------------


@pytest.mark.parametrize("entry", entries("runs"))
def test_header_lines_are_metadata(entry):
    report, _ = read(entry)
    want = entry["expected"]
    assert norm(report["title"]) == norm(want["title"])
    assert report["agency"] == want["agency"]
    assert report["year"] == want["year"]
    assert ":" not in (report["agency"] or "") and "标题" not in (report["agency"] or "")
    header = entry["header_lines"]
    assert report["header_lines"]["title"] == header["标题"]
    assert report["published"].startswith(header["发布时间"][:10])
    assert not any(line.startswith(("标题", "发布时间")) for line in report["text"].splitlines())


@pytest.mark.parametrize("entry", entries("office"))
def test_office_report_agency_from_its_title(entry):
    report, got = read(entry)
    want = entry["expected"]
    assert report["agency"] == want["agency"]
    assert report["year"] == want["year"]
    assert [k for k, raw in truth_cells(entry).items() if not is_right(got.get(k), raw)] == []
