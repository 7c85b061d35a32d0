"""Table geometry: the printed grids of sections 二, 三 and 四 (spec §2.1–§2.3, §3.1).

Every output format prints the same tables, so the grid — which cell spans which rows and
columns, what it says, and whether it is a label or a value — is computed once, here, and the
DOCX, HTML and OFD writers only lay it out. :class:`TableStyle` holds what varies between
documents without changing their content (label punctuation, the corner text, the header).
"""

from __future__ import annotations

from dataclasses import dataclass

FULL_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
HALF_CORNER = "(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)"


@dataclass
class TableStyle:
    """How the tables of one document are printed (presentation only, never content)."""

    # label style of table 三: "full" = （一）予以公开 / 1.属于国家秘密;
    # "half" = (一) 予以公开 / 1. 属于国家秘密
    labels: str
    corner: str = FULL_CORNER
    partially: str | None = None  # override of the （二）部分公开… label
    t3_header: bool = True


# --------------------------------------------------------------------------------------
# Table geometry (spec §2.1–§2.3, §3.1). A table is (n_rows, widths_cm, cells); a cell is
# (r0, c0, r1, c1, text, kind) with inclusive spans. kind: caption|header|corner|label|value
# --------------------------------------------------------------------------------------

Cell = tuple[int, int, int, int, str, str]
Grid = tuple[int, list[float], list[Cell]]

T3_COLS = 7
DENIED = [
    ("denied_state_secret", "属于国家秘密"),
    ("denied_other_law", "其他法律行政法规禁止公开"),
    ("denied_security_stability", "危及“三安全一稳定”"),
    ("denied_third_party_rights", "保护第三方合法权益"),
    ("denied_internal_affairs", "属于三类内部事务信息"),
    ("denied_process_info", "属于四类过程性信息"),
    ("denied_enforcement_file", "属于行政执法案卷"),
    ("denied_admin_query", "属于行政查询事项"),
]
UNABLE = [
    ("unable_not_held", "本机关不掌握相关政府信息"),
    ("unable_needs_creation", "没有现成信息需要另行制作"),
    ("unable_still_unclear", "补正后申请内容仍不明确"),
]
NOT_PROCESSED = [
    ("not_processed_petition", "信访举报投诉类申请"),
    ("not_processed_duplicate", "重复申请"),
    ("not_processed_publication", "要求提供公开出版物"),
    ("not_processed_excessive", "无正当理由大量反复申请"),
    ("not_processed_confirmation", "要求行政机关确认或重新出具已获取信息"),
]
OTHER = [
    ("other_no_correction", "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("other_fee_unpaid", "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other_other", "其他"),
]


def _ord(n: str, style: str) -> str:
    return f"({n}) " if style == "half" else f"（{n}）"


def _sub(i: int, text: str, style: str) -> str:
    return f"{i}. {text}" if style == "half" else f"{i}.{text}"


def t2_grid(tables: dict, version: str) -> Grid:
    """Section 二 as one 4-column grid with caption rows."""
    cells: list[Cell] = []
    r = 0

    def caption(text: str) -> None:
        nonlocal r
        cells.append((r, 0, r, 3, text, "caption"))
        r += 1

    def row(parts: list[tuple[str, int]], kinds: tuple[str, str]) -> None:
        """parts: (text, colspan) left to right; kinds: (first-cell kind, other-cells kind)."""
        nonlocal r
        c = 0
        for i, (text, span) in enumerate(parts):
            cells.append((r, c, r, c + span - 1, text, kinds[0] if i == 0 else kinds[1]))
            c += span
        assert c == 4
        r += 1

    hdr = ("header", "header")
    data = ("label", "value")
    if version == "v2021":
        t = tables["t2_art20_1"]
        caption("第二十条第（一）项")
        row([("信息内容", 1), ("本年制发件数", 1), ("本年废止件数", 1), ("现行有效件数", 1)], hdr)
        row([("规章", 1)] + [(v, 1) for v in t["regulations"]], data)
        row([("行政规范性文件", 1)] + [(v, 1) for v in t["normative_documents"]], data)
        caption("第二十条第（五）项")
        row([("信息内容", 1), ("本年处理决定数量", 3)], hdr)
        row([("行政许可", 1), (tables["t2_art20_5"]["administrative_license"][0], 3)], data)
        t = tables["t2_art20_6"]
        caption("第二十条第（六）项")
        row([("信息内容", 1), ("本年处理决定数量", 3)], hdr)
        row([("行政处罚", 1), (t["administrative_penalty"][0], 3)], data)
        row([("行政强制", 1), (t["administrative_coercion"][0], 3)], data)
        caption("第二十条第（八）项")
        row([("信息内容", 1), ("本年收费金额（单位：万元）", 3)], hdr)
        row([("行政事业性收费", 1), (tables["t2_art20_8"]["administrative_fees"][0], 3)], data)
    else:
        three = [("上一年项目数量", 1), ("本年增/减", 1), ("处理决定数量", 1)]
        t = tables["t2_art20_1"]
        caption("第二十条第（一）项")
        row(
            [
                ("信息内容", 1),
                ("本年新\n制作数量", 1),
                ("本年新\n公开数量", 1),
                ("对外公开总数量", 1),
            ],
            hdr,
        )
        row([("规章", 1)] + [(v, 1) for v in t["regulations"]], data)
        row([("规范性文件", 1)] + [(v, 1) for v in t["normative_documents"]], data)
        t = tables["t2_art20_5"]
        caption("第二十条第（五）项")
        row([("信息内容", 1), *three], hdr)
        row([("行政许可", 1)] + [(v, 1) for v in t["administrative_license"]], data)
        row([("其他对外管理服务事项", 1)] + [(v, 1) for v in t["other_external_services"]], data)
        t = tables["t2_art20_6"]
        caption("第二十条第（六）项")
        row([("信息内容", 1), *three], hdr)
        row([("行政处罚", 1)] + [(v, 1) for v in t["administrative_penalty"]], data)
        row([("行政强制", 1)] + [(v, 1) for v in t["administrative_coercion"]], data)
        v = tables["t2_art20_8"]["administrative_fees"]
        caption("第二十条第（八）项")
        row([("信息内容", 1), ("上一年项目数量", 1), ("本年增/减", 2)], hdr)
        row([("行政事业性收费", 1), (v[0], 1), (v[1], 2)], data)
        v = tables["t2_art20_9"]["centralized_procurement"]
        caption("第二十条第（九）项")
        row([("信息内容", 1), ("采购项目数量", 1), ("采购总金额", 2)], hdr)
        row([("政府集中采购", 1), (v[0], 1), (v[1], 2)], data)
    return r, [4.5, 3.7, 3.7, 3.7], cells


def t3_grid(values: dict, version: str, st: TableStyle) -> Grid:
    """Section 三 as the 10-column grid of spec §2.2 (3 label + 7 value columns)."""
    lab = st.labels
    cells: list[Cell] = []
    r = 0
    if st.t3_header:
        cells += [
            (0, 0, 2, 2, st.corner, "corner"),
            (0, 3, 0, 9, "申请人情况", "header"),
            (1, 3, 2, 3, "自然人", "header"),
            (1, 4, 1, 8, "法人或其他组织", "header"),
            (1, 9, 2, 9, "总计", "header"),
        ]
        for i, h in enumerate(["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]):
            cells.append((2, 4 + i, 2, 4 + i, h, "header"))
        r = 3

    def values_at(row: int, key: str) -> None:
        for i, v in enumerate(values[key]):
            cells.append((row, 3 + i, row, 3 + i, v, "value"))

    for key, text in [
        ("new_received", "一、本年新收政府信息公开申请数量"),
        ("carried_over", "二、上年结转政府信息公开申请数量"),
    ]:
        cells.append((r, 0, r, 2, text, "label"))
        values_at(r, key)
        r += 1

    results_start = r
    partially = st.partially or (
        _ord("二", lab) + "部分公开（区分处理的，只计这一情形，不计其他情形）"
    )
    for key, text in [("granted", _ord("一", lab) + "予以公开"), ("partially_granted", partially)]:
        cells.append((r, 1, r, 2, text, "label"))
        values_at(r, key)
        r += 1
    groups = [
        ("三", "不予公开", DENIED),
        ("四", "无法提供", UNABLE),
        ("五", "不予处理", NOT_PROCESSED),
    ]
    if version == "v2021":
        groups.append(("六", "其他处理", OTHER))
    for num, name, items in groups:
        cells.append((r, 1, r + len(items) - 1, 1, _ord(num, lab) + name, "label"))
        for i, (key, text) in enumerate(items, start=1):
            cells.append((r, 2, r, 2, _sub(i, text, lab), "label"))
            values_at(r, key)
            r += 1
    if version == "v2019":
        cells.append((r, 1, r, 2, _ord("六", lab) + "其他处理", "label"))
        values_at(r, "other_handling")
        r += 1
    cells.append((r, 1, r, 2, _ord("七", lab) + "总计", "label"))
    values_at(r, "total_processed")
    r += 1
    cells.append((results_start, 0, r - 1, 0, "三、本年度办理结果", "label"))
    cells.append((r, 0, r, 2, "四、结转下年度继续办理", "label"))
    values_at(r, "carried_forward")
    r += 1
    expected = (22 if version == "v2021" else 20) + 3 + (3 if st.t3_header else 0)
    assert r == expected, (r, expected)
    return r, [1.3, 2.0, 4.3] + [8.0 / T3_COLS] * T3_COLS, cells


def t4_grid(values: dict) -> Grid:
    """Section 四 as the 15-column grid of spec §2.3."""
    heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    cells: list[Cell] = [
        (0, 0, 0, 4, "行政复议", "header"),
        (0, 5, 0, 14, "行政诉讼", "header"),
        (1, 5, 1, 9, "未经复议直接起诉", "header"),
        (1, 10, 1, 14, "复议后起诉", "header"),
    ]
    for i, h in enumerate(heads):
        cells.append((1, i, 2, i, h, "header"))
        cells.append((2, 5 + i, 2, 5 + i, h, "header"))
        cells.append((2, 10 + i, 2, 10 + i, h, "header"))
    flat = values["review"] + values["litigation_direct"] + values["litigation_after_review"]
    assert len(flat) == 15
    for i, v in enumerate(flat):
        cells.append((3, i, 3, i, v, "value"))
    return 4, [15.6 / 15] * 15, cells


def grids_for(truth: dict, key: str, st: TableStyle) -> Grid:
    tables = truth["tables"]
    if key == "t2":
        return t2_grid(tables, truth["layouts"]["sec2"])
    if key == "t3":
        return t3_grid(tables["t3_applications"], truth["layouts"]["sec3"], st)
    if key == "t4":
        return t4_grid(tables["t4_review_litigation"])
    raise ValueError(key)
