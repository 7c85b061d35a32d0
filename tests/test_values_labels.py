"""Cell semantics (spec §6) and label matching (spec §5) on the spec's own examples."""

from __future__ import annotations

import pytest

from parsers import schema
from parsers.document import Document, Paragraph, grid_table
from parsers.labels import normalize, split_ordinal, t3_row_score
from parsers.metadata import clean_title, parse_date
from parsers.report import build_report
from parsers.values import join_wrapped_digits, parse_cell


@pytest.mark.parametrize(
    "raw,kind,value,semantic,unit",
    [
        ("0", "count", 0, "ZERO", None),
        ("0件", "count", 0, "ZERO", "件"),
        ("　　    0", "count", 0, "ZERO", None),  # seed 003 padding
        ("0\xa0", "count", 0, "ZERO", None),  # seed 002
        ("", "count", None, "EMPTY", None),
        ("\xa0", "count", None, "EMPTY", None),  # &nbsp;
        ("\u3000", "count", None, "EMPTY", None),
        ("/", "count", None, "NA", None),
        ("／", "count", None, "NA", None),
        ("—", "count", None, "NA", None),
        ("——", "count", None, "NA", None),
        ("无", "count", None, "NA", None),
        ("不涉及", "count", None, "NA", None),
        ("27", "count", 27, "NUMERIC", None),
        ("1,234", "count", 1234, "NUMERIC", None),
        ("1.0", "count", 1, "NUMERIC", None),
        ("1.5", "count", None, "TEXT", None),  # counts are integers
        ("详见附表", "count", None, "TEXT", None),
        ("3（其中2件…）", "count", None, "TEXT", None),
        ("两", "count", 2, "NUMERIC", None),
        ("+1036", "signed", 1036, "NUMERIC", None),
        ("-3", "signed", -3, "NUMERIC", None),
        ("减少3", "signed", -3, "NUMERIC", None),
        ("0.35", "amount", 0.35, "NUMERIC", None),
        ("0.00", "amount", 0.0, "ZERO", None),
        ("251000元", "amount", 251000, "NUMERIC", "元"),
        ("3.6万元", "amount", 3.6, "NUMERIC", "万元"),
    ],
)
def test_parse_cell(raw, kind, value, semantic, unit):
    cell = parse_cell(raw, kind=kind)
    assert (cell.value, cell.semantic, cell.unit) == (value, semantic, unit)


def test_wrapped_digits_join_never_split():
    assert join_wrapped_digits("1\n2") == "12"
    assert join_wrapped_digits("12") == "12"
    assert join_wrapped_digits("结果\n维持") == "结果\n维持"


def test_normalize_and_ordinals():
    assert normalize("[bookmark: _GoBack]第二十条第（一）项") == "第二十条第(一)项"
    assert normalize("本年新\n制作数量") == "本年新制作数量"
    assert normalize("3.危及“三安全一稳定”") == "3.危及三安全一稳定"
    assert split_ordinal(normalize("（三）不予公开")) == ("三", "不予公开")
    assert split_ordinal(normalize("3. 其他")) == ("3", "其他")
    assert split_ordinal(normalize("七、总计"))[0] == "七"


def test_row_fingerprints_need_order_for_other():
    assert t3_row_score("other_other", normalize("3.其他")) == 2
    assert t3_row_score("other_other", normalize("2.其他法律行政法规禁止公开")) == 0
    assert t3_row_score("denied_other_law", normalize("2.其他法律行政法规禁止公开")) == 2
    assert t3_row_score("total_processed", normalize("（七）总计")) == 2
    assert t3_row_score("granted", normalize("（二）部分公开")) == 0


def test_alignment_keeps_template_order_and_flags_foreign_rows():
    """A row that is not in the template (属于工作秘密, seen in local variants) between real
    rows goes to the warnings; every template row still lands on its key, 3.其他 included."""
    labels = [label for _, label in schema.T3_V2021.rows]
    rows = [
        ["", "", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    ]
    for i, label in enumerate(labels):
        rows.append(["", label, *[str(i)] * 6, str(6 * i)])
        if label.startswith("8.属于行政查询"):
            rows.append(["", "9.属于工作秘密", *["0"] * 7])
    doc = Document(blocks=[Paragraph("三、收到和处理政府信息公开申请情况"), grid_table(rows)])
    report = build_report(doc, {"file": "x"})
    cells = {(c["row"], c["col"]): c["value"] for c in report["cells"]}
    for i, key in enumerate(schema.T3_V2021.row_keys):
        assert cells[(key, "natural_person")] == i and cells[(key, "total")] == 6 * i, key
    assert report["layouts"]["sec3"] == "v2021"
    assert any("属于工作秘密" in w for w in report["warnings"])


def test_title_and_date_cleaning():
    assert clean_title("西交口乡人民政府2023 年政府信息公开工作年度报告") == (
        "西交口乡人民政府2023年政府信息公开工作年度报告"
    )
    assert clean_title("附件1：政府信息公开工作年度报告") == "政府信息公开工作年度报告"
    assert parse_date("2024年1月16日") == "2024-01-16"
    assert parse_date("二〇二四年一月十六日") == "2024-01-16"
    assert parse_date("2024年13月1日") is None
