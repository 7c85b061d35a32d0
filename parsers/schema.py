"""The canonical keys of the national report format, written down once.

Everything here comes from ``annual-report-format.md`` (§2, §3, §9 of the spec). Keys are
stable: never rename one, only add.
"""

from __future__ import annotations

from dataclasses import dataclass

FORMAT_VERSION = 1

TEMPLATE_VERSIONS = ("v2021", "v2019", "hybrid", "pre2019", "unknown")
SECTION_LAYOUTS = ("v2021", "v2019", "absent", "image_only", "unparsed")
SEC4_LAYOUTS = ("standard", "absent", "image_only", "unparsed")
SEMANTICS = ("ZERO", "NUMERIC", "EMPTY", "NA", "TEXT")
EXTRACTIONS = ("text", "ocr", "mixed", "none")

# Section keys in printed order (一 … 六).
SECTION_KEYS = (
    "overview",
    "proactive_disclosure",
    "applications",
    "review_litigation",
    "problems",
    "other_matters",
)
TEXT_SECTIONS = ("overview", "problems", "other_matters")


@dataclass(frozen=True)
class TableSpec:
    """One template table: its key, row keys/labels and column keys/labels, in printed order."""

    key: str
    caption: str  # e.g. 第二十条第(一)项 (normalised form) or '' for t3/t4
    rows: tuple[tuple[str, str], ...]
    cols: tuple[tuple[str, str], ...]
    unit: str | None = None  # unit of every cell, unless the column overrides it
    col_units: tuple[tuple[str, str], ...] = ()

    @property
    def row_keys(self) -> tuple[str, ...]:
        return tuple(k for k, _ in self.rows)

    @property
    def col_keys(self) -> tuple[str, ...]:
        return tuple(k for k, _ in self.cols)

    def unit_of(self, col: str) -> str | None:
        return dict(self.col_units).get(col, self.unit)


T2_V2021 = (
    TableSpec(
        "t2_art20_1",
        "第二十条第(一)项",
        (("regulations", "规章"), ("normative_documents", "行政规范性文件")),
        (("issued", "本年制发件数"), ("repealed", "本年废止件数"), ("in_force", "现行有效件数")),
        unit="件",
    ),
    TableSpec(
        "t2_art20_5",
        "第二十条第(五)项",
        (("administrative_license", "行政许可"),),
        (("decisions", "本年处理决定数量"),),
        unit="件",
    ),
    TableSpec(
        "t2_art20_6",
        "第二十条第(六)项",
        (("administrative_penalty", "行政处罚"), ("administrative_coercion", "行政强制")),
        (("decisions", "本年处理决定数量"),),
        unit="件",
    ),
    TableSpec(
        "t2_art20_8",
        "第二十条第(八)项",
        (("administrative_fees", "行政事业性收费"),),
        (("fee_amount", "本年收费金额（单位：万元）"),),
        unit="万元",
    ),
)

_V2019_COUNTS = (
    ("prev_year_items", "上一年项目数量"),
    ("change", "本年增/减"),
    ("decisions", "处理决定数量"),
)

T2_V2019 = (
    TableSpec(
        "t2_art20_1",
        "第二十条第(一)项",
        (("regulations", "规章"), ("normative_documents", "规范性文件")),
        (
            ("newly_made", "本年新制作数量"),
            ("newly_published", "本年新公开数量"),
            ("total_published", "对外公开总数量"),
        ),
        unit="件",
    ),
    TableSpec(
        "t2_art20_5",
        "第二十条第(五)项",
        (
            ("administrative_license", "行政许可"),
            ("other_external_services", "其他对外管理服务事项"),
        ),
        _V2019_COUNTS,
        unit="件",
    ),
    TableSpec(
        "t2_art20_6",
        "第二十条第(六)项",
        (("administrative_penalty", "行政处罚"), ("administrative_coercion", "行政强制")),
        _V2019_COUNTS,
        unit="件",
    ),
    TableSpec(
        "t2_art20_8",
        "第二十条第(八)项",
        (("administrative_fees", "行政事业性收费"),),
        _V2019_COUNTS[:2],
        unit="项",
    ),
    TableSpec(
        "t2_art20_9",
        "第二十条第(九)项",
        (("centralized_procurement", "政府集中采购"),),
        (("procurement_items", "采购项目数量"), ("procurement_amount", "采购总金额")),
        unit="项",
        # The template prints no unit for the amount; the cell's own unit wins, else unknown.
        col_units=(("procurement_amount", "unknown"),),
    ),
)

T3_COLS = (
    ("natural_person", "自然人"),
    ("commercial_enterprise", "商业企业"),
    ("research_institution", "科研机构"),
    ("public_welfare_org", "社会公益组织"),
    ("legal_service_org", "法律服务机构"),
    ("other_org", "其他"),
    ("total", "总计"),
)
T3_APPLICANT_COLS = tuple(k for k, _ in T3_COLS[:6])
T3_ORG_COLS = tuple(k for k, _ in T3_COLS[1:6])

_T3_HEAD = (
    ("new_received", "一、本年新收政府信息公开申请数量"),
    ("carried_over", "二、上年结转政府信息公开申请数量"),
    ("granted", "（一）予以公开"),
    ("partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("denied_state_secret", "1.属于国家秘密"),
    ("denied_other_law", "2.其他法律行政法规禁止公开"),
    ("denied_security_stability", "3.危及“三安全一稳定”"),
    ("denied_third_party_rights", "4.保护第三方合法权益"),
    ("denied_internal_affairs", "5.属于三类内部事务信息"),
    ("denied_process_info", "6.属于四类过程性信息"),
    ("denied_enforcement_file", "7.属于行政执法案卷"),
    ("denied_admin_query", "8.属于行政查询事项"),
    ("unable_not_held", "1.本机关不掌握相关政府信息"),
    ("unable_needs_creation", "2.没有现成信息需要另行制作"),
    ("unable_still_unclear", "3.补正后申请内容仍不明确"),
    ("not_processed_petition", "1.信访举报投诉类申请"),
    ("not_processed_duplicate", "2.重复申请"),
    ("not_processed_publication", "3.要求提供公开出版物"),
    ("not_processed_excessive", "4.无正当理由大量反复申请"),
    ("not_processed_confirmation", "5.要求行政机关确认或重新出具已获取信息"),
)
_T3_OTHER_V2021 = (
    (
        "other_no_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    ),
    (
        "other_fee_unpaid",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    ),
    ("other_other", "3.其他"),
)
_T3_TAIL = (
    ("total_processed", "（七）总计"),
    ("carried_forward", "四、结转下年度继续办理"),
)

T3_V2021 = TableSpec("t3_applications", "", _T3_HEAD + _T3_OTHER_V2021 + _T3_TAIL, T3_COLS, "件")
T3_V2019 = TableSpec(
    "t3_applications",
    "",
    (*_T3_HEAD, ("other_handling", "（六）其他处理"), *_T3_TAIL),
    T3_COLS,
    "件",
)

# Group rows: printed headings that carry no cells in the template. Values printed on them are
# checked by T3_SUBTOTAL but never stored as cells.
T3_GROUPS = {
    "denied": ("（三）不予公开", tuple(k for k, _ in _T3_HEAD if k.startswith("denied_"))),
    "unable": ("（四）无法提供", tuple(k for k, _ in _T3_HEAD if k.startswith("unable_"))),
    "not_processed": (
        "（五）不予处理",
        tuple(k for k, _ in _T3_HEAD if k.startswith("not_processed_")),
    ),
    "other_handling": ("（六）其他处理", tuple(k for k, _ in _T3_OTHER_V2021)),
}

T4_ROWS = (
    ("review", "行政复议"),
    ("litigation_direct", "行政诉讼（未经复议直接起诉）"),
    ("litigation_after_review", "行政诉讼（复议后起诉）"),
)
T4_COLS = (
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
)
T4 = TableSpec("t4_review_litigation", "", T4_ROWS, T4_COLS, "件")


def t2_specs(layout: str) -> tuple[TableSpec, ...]:
    return T2_V2021 if layout == "v2021" else T2_V2019


def t3_spec(layout: str) -> TableSpec:
    return T3_V2021 if layout == "v2021" else T3_V2019


def all_tables() -> dict[str, dict[str, TableSpec]]:
    """Every table spec by layout, for documentation and the archive's wide views."""
    return {
        "v2021": {t.key: t for t in (*T2_V2021, T3_V2021, T4)},
        "v2019": {t.key: t for t in (*T2_V2019, T3_V2019, T4)},
    }
