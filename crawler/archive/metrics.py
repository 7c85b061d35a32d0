"""The indicators, defined once: what ``metric_dictionary`` says and ``indicators`` computes.

Each indicator is a ratio (or a count) of sums of cells, named by the spec's keys
(``t3_applications.granted.total``), with its denominator said in words and the caveats a reader
needs next to the number (shared/research/indicators.md). The formulas are written here only:
the dictionary table, the computation (``indicators.py``) and the published pages all read
:data:`METRICS`.

Applications per 10,000 residents is not among them: no population figure is bundled with the
archive, and the issue says to leave the indicator out rather than guess one.
"""

from __future__ import annotations

from dataclasses import dataclass

from parsers import schema

T3 = "t3_applications"
T4 = "t4_review_litigation"
T2_FEES = "t2_art20_8"

# Where each cell exists: a blank cell of a row the report's layout has is a blank (counted in
# `blanks`); a cell of a row the layout lacks (v2019's single 其他处理 row in a v2021 table) is
# not there at all and counts for nothing.
_T3_ROWS = {
    "v2021": set(schema.T3_V2021.row_keys),
    "v2019": set(schema.T3_V2019.row_keys),
}


@dataclass(frozen=True)
class Cell:
    table: str
    row: str
    col: str

    @property
    def key(self) -> str:
        return f"{self.table}.{self.row}.{self.col}"

    @property
    def column(self) -> str:
        """Its column in the wide table."""
        return f"{self.row}_{self.col}"

    @property
    def wide(self) -> str:
        """The wide table it is in."""
        if self.table == T3:
            return "applications"
        if self.table == T4:
            return "review_litigation"
        return "proactive_disclosure"

    def in_layout(self, layout: str | None) -> bool:
        if self.table == T3:
            return self.row in _T3_ROWS.get(layout or "", set())
        if self.table == T4:
            return True
        return any(
            s.key == self.table and self.row in s.row_keys and self.col in s.col_keys
            for s in schema.t2_specs(layout or "")
        ) and layout in ("v2021", "v2019")


@dataclass(frozen=True)
class Metric:
    key: str
    name_zh: str
    name_en: str
    kind: str  # rate | share | count | similarity
    numerator: tuple[Cell, ...]
    denominator: tuple[Cell, ...] = ()
    denominator_text: str = ""
    caveat: str = ""
    since: str = "v2019"
    unit: str = ""

    @property
    def formula(self) -> str:
        num = " + ".join(c.key for c in self.numerator)
        if not self.denominator:
            return num
        den = " + ".join(c.key for c in self.denominator)
        if len(self.numerator) > 1:
            num = f"({num})"
        if len(self.denominator) > 1:
            den = f"({den})"
        return f"{num} / {den}"


def t3(*rows: str) -> tuple[Cell, ...]:
    return tuple(Cell(T3, r, "total") for r in rows)


def t4(*pairs: tuple[str, str]) -> tuple[Cell, ...]:
    return tuple(Cell(T4, r, c) for r, c in pairs)


DENIED = schema.T3_GROUPS["denied"][1]
UNABLE = schema.T3_GROUPS["unable"][1]
NOT_PROCESSED = schema.T3_GROUPS["not_processed"][1]
OTHER = ("other_handling", *schema.T3_GROUPS["other_handling"][1])
LITIGATION = ("litigation_direct", "litigation_after_review")
PROCESSED = t3("total_processed")
ACCEPTED = t3("new_received", "carried_over")

BLANK = (
    "空白不是 0：分母空白或为 0 时指标为空 (NULL)；分母已印出时，分子里的空白格按 0 计并记入 "
    "blanks。Blank is not 0: no value when the denominator is blank or 0; blanks in the "
    "numerator of a printed denominator count as 0 and are counted in `blanks`."
)
SMALL = "小样本：排名只比较分母至少 30 的县。Small numbers: rankings compare counties with N ≥ 30."
OF_PROCESSED = (
    "分母是（七）总计（本年办结数），不是受理数（一 + 二）；部分公开只计一次（区分处理的只计这一"
    "情形）。The denominator is （七）总计, applications concluded this year, not those received "
    "(一 + 二); 部分公开 is counted once."
)
FORMATS = (
    "2019 年格式的（六）其他处理是一行，2021 年格式分三项。The 2019 format prints 其他处理 as one "
    "row, the 2021 format as three."
)
LAWSUIT_KINDS = "行政诉讼含未经复议直接起诉和复议后起诉两种。Lawsuits: direct, and after a review."

_REASONS = {
    "denied_state_secret": ("国家秘密", "state secret"),
    "denied_other_law": ("其他法律行政法规禁止公开", "barred by other laws"),
    "denied_security_stability": ("危及“三安全一稳定”", "security and stability"),
    "denied_third_party_rights": ("保护第三方合法权益", "third-party rights"),
    "denied_internal_affairs": ("三类内部事务信息", "internal affairs"),
    "denied_process_info": ("四类过程性信息", "process information"),
    "denied_enforcement_file": ("行政执法案卷", "law-enforcement files"),
    "denied_admin_query": ("行政查询事项", "administrative query matters"),
}


def _reason_shares() -> list[Metric]:
    return [
        Metric(
            f"denial_share_{row.removeprefix('denied_')}",
            f"不予公开理由占比：{zh}",
            f"Share of denials: {en}",
            "share",
            t3(row),
            t3(*DENIED),
            "（三）不予公开 的八项之和",
            f"不予公开理由结构的一项。One reason's share of all denials. {BLANK}",
        )
        for row, (zh, en) in _REASONS.items()
    ]


METRICS: tuple[Metric, ...] = (
    Metric("new_received", "新收申请量", "Applications received", "count",
           t3("new_received"), caveat=f"件。{SMALL}"),
    Metric("accepted", "受理总量（新收 + 上年结转）", "Applications to handle (new + carried over)",
           "count", ACCEPTED, caveat="件。"),
    Metric("grant_rate", "予以公开率", "Granted rate", "rate", t3("granted"), PROCESSED,
           "（七）总计", f"{OF_PROCESSED} {BLANK}"),
    Metric("substantive_disclosure_rate", "实质公开率", "Substantive disclosure rate", "rate",
           t3("granted", "partially_granted"), PROCESSED, "（七）总计",
           f"予以公开 + 部分公开。{OF_PROCESSED} {BLANK} {SMALL}"),
    Metric("denial_rate", "不予公开率", "Denial rate", "rate", t3(*DENIED), PROCESSED,
           "（七）总计", f"（三）不予公开的八项之和。{OF_PROCESSED} {BLANK} {SMALL}"),
    *_reason_shares(),
    Metric("unable_rate", "无法提供率", "Unable-to-provide rate", "rate", t3(*UNABLE), PROCESSED,
           "（七）总计", f"（四）无法提供的三项之和。{OF_PROCESSED} {BLANK}"),
    Metric("not_held_share", "不掌握信息占比", "Share of 'information not held'", "share",
           t3("unable_not_held"), t3(*UNABLE), "（四）无法提供 的三项之和",
           f"（四）1.本机关不掌握 / （四）。{BLANK}"),
    Metric("not_processed_rate", "不予处理率", "Not-processed rate", "rate", t3(*NOT_PROCESSED),
           PROCESSED, "（七）总计", f"（五）不予处理的五项之和。{OF_PROCESSED} {BLANK}"),
    Metric("other_handling_rate", "其他处理率", "Other-handling rate", "rate", t3(*OTHER),
           PROCESSED, "（七）总计", f"{FORMATS} {OF_PROCESSED} {BLANK}"),
    Metric("fee_unpaid_rate", "逾期未缴费不再处理占比", "Dropped for unpaid fees", "rate",
           t3("other_fee_unpaid"), PROCESSED, "（七）总计",
           f"（六）2.申请人逾期未按收费通知缴费：信息处理费的表内痕迹；收费金额在第六部分文字里。"
           f"{OF_PROCESSED} {BLANK}", since="v2021"),
    Metric("carry_forward_rate", "结转率", "Carried-forward rate", "rate",
           t3("carried_forward"), ACCEPTED, "受理数：一、本年新收 + 二、上年结转",
           f"四、结转下年度 / 受理数（积压）。{BLANK}"),
    Metric("reviews", "行政复议量", "Administrative reviews", "count",
           t4(("review", "total")), caveat="件。"),
    Metric("lawsuits", "行政诉讼量", "Lawsuits", "count",
           t4(*((r, "total") for r in LITIGATION)), caveat=f"件。{LAWSUIT_KINDS}"),
    Metric("review_correction_rate", "复议纠错率", "Review correction rate", "rate",
           t4(("review", "corrected")), t4(("review", "total")), "行政复议 总计",
           f"结果纠正 / 总计（含尚未审结）。{BLANK} {SMALL}"),
    Metric("litigation_direct_correction_rate", "诉讼纠错率（直接起诉）",
           "Lawsuit correction rate (direct)", "rate", t4(("litigation_direct", "corrected")),
           t4(("litigation_direct", "total")), "行政诉讼（未经复议直接起诉）总计",
           f"结果纠正 / 总计（含尚未审结）。{BLANK}"),
    Metric("litigation_after_review_correction_rate", "诉讼纠错率（复议后起诉）",
           "Lawsuit correction rate (after review)", "rate",
           t4(("litigation_after_review", "corrected")),
           t4(("litigation_after_review", "total")), "行政诉讼（复议后起诉）总计",
           f"结果纠正 / 总计（含尚未审结）。{BLANK}"),
    Metric("litigation_correction_rate", "诉讼纠错率（合计）", "Lawsuit correction rate (both)",
           "rate", t4(*((r, "corrected") for r in LITIGATION)),
           t4(*((r, "total") for r in LITIGATION)), "行政诉讼两种的总计之和",
           f"{LAWSUIT_KINDS} {BLANK}"),
    Metric("overall_correction_rate", "整体纠错率", "Overall correction rate", "rate",
           t4(*((r, "corrected") for r in ("review", *LITIGATION))),
           t4(*((r, "total") for r in ("review", *LITIGATION))), "行政复议 + 行政诉讼 总计",
           f"(复议 + 诉讼) 纠正 / (复议 + 诉讼)。{BLANK}"),
    Metric("dispute_rate", "争议转化率", "Dispute rate", "rate",
           t4(*((r, "total") for r in ("review", *LITIGATION))), t3("new_received"),
           "一、本年新收 总计",
           "(复议 + 诉讼) / 新收申请：复议和诉讼可能涉及往年的申请，比值可以大于 1。Reviews and "
           f"lawsuits may concern earlier years' applications: the ratio can exceed 1. {BLANK}"),
    Metric("administrative_fees", "行政事业性收费金额", "Administrative fees collected", "count",
           (Cell(T2_FEES, "administrative_fees", "fee_amount"),),
           caveat="万元；超过 100,000 万元多半印的是元 (T2_FEE_UNIT_SANITY)。这是机关的行政事业性"
           "收费收入，不是向申请人收取的信息处理费（见第六部分）。In 万元; the agency's fee "
           "income, not the information-processing fee charged to applicants.",
           since="v2021", unit="万元"),
    Metric("text_similarity", "与上年报告的文本相似度", "Text similarity with last year's report",
           "similarity", (), (), "两年报告文字 5 字片段的并集",
           "同一机关相邻两年报告全文的 5 字片段 (shingle) Jaccard 相似度：数字一律视为相同，只换"
           "了年份和数字的报告为 1。≥ 0.95 标为雷同年报。Jaccard similarity of the 5-character "
           "shingles of the two texts, digits masked: ≥ 0.95 is flagged.", unit=""),
)  # fmt: skip

BY_KEY = {m.key: m for m in METRICS}
COUNTS = tuple(m.key for m in METRICS if m.kind == "count")
SIMILAR = 0.95  # text_similarity at or above this: 雷同年报


def dictionary_rows() -> list[dict]:
    """The rows of ``metric_dictionary``, in the order the pages list them."""
    return [
        {
            "key": m.key,
            "name_zh": m.name_zh,
            "name_en": m.name_en,
            "kind": m.kind,
            "formula": m.formula if m.numerator else "jaccard(shingles(text), shingles(text₋₁))",
            "numerator": " + ".join(c.key for c in m.numerator) or "shared shingles",
            "denominator": m.denominator_text or None,
            "caveat": m.caveat,
            "since": m.since,
            "unit": m.unit or ("件" if m.kind == "count" else ""),
            "position": i,
        }
        for i, m in enumerate(METRICS, 1)
    ]
