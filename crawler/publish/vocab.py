"""Words for people: the Chinese labels of every key, and what each check rule means.

Labels come from ``parsers/schema.py`` (written down once there); this module only joins them
into the strings the published pages and the metadata show, e.g.
``new_received_total`` → ``一、本年新收政府信息公开申请数量 · 总计``.
"""

from __future__ import annotations

from parsers import schema

RESULTS = "三、本年度办理结果"

AGENCY_TYPES = {
    "government": "县级人民政府 the county-level government (deadline 31 March)",
    "office": "政府办公室 its general office (deadline 31 January)",
    "department": "政府部门 a government department (deadline 31 January)",
    "township": "乡镇、街道 a township or sub-district (deadline 31 March, our reading)",
    "zone": "开发区、园区 a development zone or park committee (deadline 31 March, our reading)",
    "other": "other or unknown",
}

SEMANTICS = {
    "ZERO": "the cell prints 0",
    "NUMERIC": "the cell prints a number other than 0",
    "EMPTY": "the cell is blank (never read as 0)",
    "NA": "the cell prints /, —, 无 or similar: not applicable",
    "TEXT": "the cell prints something that is not a number",
}

STATUSES = {
    "FAIL": "the printed numbers contradict the rule",
    "UNCERTAIN": "cannot be decided (a blank total, or a cell that is not a number)",
    "PASS": "the rule holds (mode strict: every cell printed; lenient: blanks read as 0)",
    "NOT_ASSESSABLE": "the table or sentence the rule needs is absent",
}

RULES = {
    "T3_BALANCE": "表三 一 + 二 = （七）总计 + 四: new + carried over = processed + carried on",
    "T3_RESULT_SUM": "表三 （七）总计 = the sum of every 办理结果 row",
    "T3_ROW_TOTAL": "表三 总计 column = the sum of the six applicant columns",
    "T3_SUBTOTAL": "表三 a printed group row （三）…（六） = the sum of its sub-rows",
    "T3_NONNEG_INT": "表三 every cell is a whole number ≥ 0",
    "T3_CARRY_BOUND": "表三 processed / carried forward ≤ new + carried over (warning)",
    "T3_ALL_BLANK": "表三 every value cell is blank (information)",
    "T4_BLOCK_SUM": "表四 结果维持 + 结果纠正 + 其他结果 + 尚未审结 = 总计",
    "T4_NONNEG_INT": "表四 every cell is a whole number ≥ 0",
    "T2_NONNEG": "表二 no negative numbers",
    "T2_INT": "表二 counts are whole numbers",
    "T2_FEE_UNIT_SANITY": "表二 a fee over 100,000 万元 was probably printed in 元 (warning)",
    "T2_V2019_PUBLISHED_LE_TOTAL": "表二 (2019 format) newly published ≤ published in total",
    "T2_V2019_ITEMS_NONNEG": "表二 (2019 format) last year's items + change ≥ 0",
    "TXT_NEW_RECEIVED": "the text's 收到申请 N 件 = 表三 一、本年新收 总计",
    "TXT_CARRIED_OVER": "the text's 上年结转 N 件 = 表三 二、上年结转 总计",
    "TXT_PROCESSED": "the text's 答复/办结 N 件 = 表三 （七）总计",
    "TXT_CARRIED_FORWARD": "the text's N 件结转下年度 = 表三 四、结转下年度",
    "TXT_REVIEW": "the text's 行政复议 N 件 = 表四 行政复议 总计",
    "TXT_LITIGATION": "the text's 行政诉讼 N 件 = 表四 行政诉讼 总计 (both kinds)",
    "TXT_ZERO_CLAIMS": "the text says none (未收到 / 无行政复议 …): the table's total is 0",
    "TXT_FEE_COLLECTED": "section 六 says whether 信息处理费 was charged",
    "S_SECTIONS_PRESENT": "all six sections 一 … 六 are there",
    "S_HEADING_NUMBERING": "the section headings are numbered 一 … 六 in order",
    "S_TABLE_PRESENT": "the table of a section is there",
    "S_LAYOUT_DETECTED": "the table's template (2019 or 2021 format) was recognised",
    "S_ROWS_COMPLETE": "表三 has every row with all seven values",
    "S_T4_CELLS": "表四 has its 15 values",
    "S_SEC5_NONEMPTY": "section 五 (problems) says more than 无",
    "S_YEAR_CONSISTENT": "title, data, text and signing date agree on the year",
    "X_T3_CARRY": "this year's 上年结转 = last year's 结转下年度 (same agency; warning)",
    "X_T2_STOCK": "last year's 现行有效 + 本年制发 − 本年废止 = this year's 现行有效 (warning)",
}


def t3_row_label(row: str) -> str:
    """The printed label of a 表三 row, with the heading it sits under."""
    labels = dict(schema.T3_V2021.rows) | dict(schema.T3_V2019.rows)
    label = labels[row]
    for heading, members in schema.T3_GROUPS.values():
        if row in members:
            return f"{RESULTS} {heading} {label}"
    if row in ("granted", "partially_granted", "total_processed", "other_handling"):
        return f"{RESULTS} {label}"
    return label


def t3_column_label(row: str, col: str) -> str:
    return f"{t3_row_label(row)} · {dict(schema.T3_COLS)[col]}"


def t4_column_label(row: str, col: str) -> str:
    return f"{dict(schema.T4_ROWS)[row]} · {dict(schema.T4_COLS)[col]}"


def t2_column_label(table: str, row: str, col: str) -> str:
    """Section-二 cells exist in two templates with different columns; say which."""
    for version, specs in (("2021 format", schema.T2_V2021), ("2019 format", schema.T2_V2019)):
        for spec in specs:
            if spec.key == table and row in spec.row_keys and col in spec.col_keys:
                unit = spec.unit_of(col)
                unit_text = f", {unit}" if unit and unit != "unknown" else ""
                return (
                    f"{spec.caption} {dict(spec.rows)[row]} · {dict(spec.cols)[col]}"
                    f" ({version}{unit_text})"
                )
    raise KeyError((table, row, col))


def wide_column_labels() -> dict[str, dict[str, str]]:
    """{wide table: {column: Chinese label}} for applications, review_litigation, …"""
    from crawler.archive.columns import T2_COLUMNS, T3_COLS, T3_ROWS

    return {
        "applications": {f"{r}_{c}": t3_column_label(r, c) for r in T3_ROWS for c in T3_COLS},
        "review_litigation": {
            f"{r}_{c}": t4_column_label(r, c)
            for r in schema.T4.row_keys
            for c in schema.T4.col_keys
        },
        "proactive_disclosure": {f"{r}_{c}": t2_column_label(t, r, c) for t, r, c in T2_COLUMNS},
    }


def cell_label(table: str, row: str, col: str) -> str:
    """The label of one cell of the long ``cells`` table."""
    if table == "t3_applications":
        return t3_column_label(row, col)
    if table == "t4_review_litigation":
        return t4_column_label(row, col)
    return t2_column_label(table, row, col)
