"""Generate the content of a sample report: paragraphs and table cells in the fixture "truth" shape.

A truth has the keys of ``tests/fixtures/truth/*.json`` (``title``, ``agency``, ``year``,
``report_date``, ``template_version``, ``layouts``, ``blocks``, ``tables``), so the renderers of
``farm/documents/`` turn it into DOCX/PDF/DOC/HTML exactly like the hand-transcribed seeds.

Numbers satisfy the arithmetic of spec §7.1–7.2 (T3_BALANCE, T3_RESULT_SUM, T3_ROW_TOTAL,
T4_BLOCK_SUM) and the text-vs-table sentences of §7.5, and chain across years (carried_over of
year Y = carried_forward of Y−1; 现行有效件数 stock), except where a report asks for a deliberate
error (``Report.errors``). Everything is seeded by portal, agency and year.
"""

from __future__ import annotations

import datetime as dt
import random
import re

from .documents import DENIED, NOT_PROCESSED, OTHER, UNABLE
from .model import Agency, Portal, Report

APPLICANT_COLS = 6  # + total
# how much of a column's handled applications fall in each result row (roughly as in real reports)
LEAF_WEIGHTS_COMMON = {
    "granted": 45,
    "partially_granted": 12,
    "denied_state_secret": 0.3,
    "denied_other_law": 0.5,
    "denied_security_stability": 0.3,
    "denied_third_party_rights": 3,
    "denied_internal_affairs": 1.5,
    "denied_process_info": 2.5,
    "denied_enforcement_file": 0.5,
    "denied_admin_query": 1,
    "unable_not_held": 16,
    "unable_needs_creation": 3,
    "unable_still_unclear": 1.5,
    "not_processed_petition": 3,
    "not_processed_duplicate": 2,
    "not_processed_publication": 0.5,
    "not_processed_excessive": 0.5,
    "not_processed_confirmation": 0.5,
}
LEAF_WEIGHTS_V2021 = {"other_no_correction": 2, "other_fee_unpaid": 0.3, "other_other": 2}
LEAF_WEIGHTS_V2019 = {"other_handling": 4}

T3_ROWS_V2021 = (
    ["new_received", "carried_over", "granted", "partially_granted"]
    + [k for k, _ in DENIED + UNABLE + NOT_PROCESSED + OTHER]
    + ["total_processed", "carried_forward"]
)
T3_ROWS_V2019 = (
    ["new_received", "carried_over", "granted", "partially_granted"]
    + [k for k, _ in DENIED + UNABLE + NOT_PROCESSED]
    + ["other_handling", "total_processed", "carried_forward"]
)
T4_ROWS = ("review", "litigation_direct", "litigation_after_review")
# per agency kind: (mean new applications per year, share of applications by organisations)
SCALE = {"government": (34, 0.25), "office": (9, 0.2), "department": (7, 0.2), "township": (1, 0.1)}

DELIBERATE = {
    # error id → (rules that must fail, human description)
    "t3_balance": (
        ("T3_BALANCE",),
        "四、结转下年度继续办理 is one higher than the balance allows in 自然人 and 总计",
    ),
    "t3_row_total": (
        ("T3_ROW_TOTAL",),
        "the 总计 column is off by one against the six applicant columns in （一）予以公开, "
        "（七）总计 and 四、结转 or 一、新收 (balance and result sums still hold)",
    ),
    "t4_block_sum": (
        ("T4_BLOCK_SUM",),
        "行政复议 总计 is one higher than 结果维持+结果纠正+其他结果+尚未审结",
    ),
    "text_new_received": (
        ("TXT_NEW_RECEIVED",),
        "section 一 says two more new applications than table 三 (一、本年新收…总计)",
    ),
}


def zh_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _multinomial(rng: random.Random, n: int, weights: dict[str, float]) -> dict[str, int]:
    keys = list(weights)
    out = dict.fromkeys(keys, 0)
    for k in rng.choices(keys, weights=[weights[k] for k in keys], k=n):
        out[k] += 1
    return out


def _split_applicants(rng: random.Random, n: int, org_share: float) -> list[int]:
    """n applications over 自然人 / 商业企业 / 科研机构 / 社会公益组织 / 法律服务机构 / 其他."""
    w = [1 - org_share, org_share * 0.6, org_share * 0.03, org_share * 0.05, org_share * 0.17]
    w.append(org_share * 0.15)
    cols = [0] * APPLICANT_COLS
    for i in rng.choices(range(APPLICANT_COLS), weights=w, k=n):
        cols[i] += 1
    return cols


class _AgencyHistory:
    """State that carries from one year to the next for one agency."""

    def __init__(self, rng: random.Random) -> None:
        self.carried = [0] * APPLICANT_COLS
        self.in_force = rng.randint(4, 30)


def t3_table(
    rng: random.Random, agency: Agency, version: str, hist: _AgencyHistory
) -> dict[str, list[int]]:
    mean, org_share = SCALE[agency.kind]
    n_new = max(0, round(rng.gauss(mean, mean / 2.5))) if mean > 1 else rng.choice([0, 0, 0, 1, 2])
    new = _split_applicants(rng, n_new, org_share)
    co = hist.carried
    weights = dict(LEAF_WEIGHTS_COMMON)
    weights.update(LEAF_WEIGHTS_V2021 if version == "v2021" else LEAF_WEIGHTS_V2019)
    rows_order = T3_ROWS_V2021 if version == "v2021" else T3_ROWS_V2019
    cols: dict[str, list[int]] = {k: [0] * APPLICANT_COLS for k in rows_order}
    for c in range(APPLICANT_COLS):
        pending = new[c] + co[c]
        cf = 0
        if pending > 1 and rng.random() < 0.35:
            cf = rng.randint(1, min(3, pending - 1))
        leaves = _multinomial(rng, pending - cf, weights)
        for k, v in leaves.items():
            cols[k][c] = v
        cols["new_received"][c] = new[c]
        cols["carried_over"][c] = co[c]
        cols["total_processed"][c] = pending - cf
        cols["carried_forward"][c] = cf
    hist.carried = cols["carried_forward"][:]
    return {k: [*v, sum(v)] for k, v in cols.items()}


def t4_table(rng: random.Random, agency: Agency) -> dict[str, list[int]]:
    big = agency.kind == "government"
    out = {}
    for row, p in zip(T4_ROWS, (0.55 if big else 0.15, 0.4 if big else 0.08, 0.1), strict=True):
        n = rng.randint(1, 4 if big else 1) if rng.random() < p else 0
        parts = [0, 0, 0, 0]
        for i in rng.choices(range(4), weights=[6, 2, 1, 1], k=n):
            parts[i] += 1
        out[row] = [*parts, n]
    return out


def t2_tables(rng: random.Random, agency: Agency, version: str, hist: _AgencyHistory) -> dict:
    big = agency.kind in ("government", "department")
    lic = rng.randint(20, 3000) if agency.kind == "department" else rng.randint(0, 60)
    pen = rng.randint(5, 400) if agency.kind == "department" else rng.randint(0, 12)
    coe = rng.randint(0, 25) if agency.kind == "department" else 0
    if version == "v2021":
        issued = rng.randint(0, 6 if big else 2)
        repealed = rng.randint(0, min(2, hist.in_force))
        hist.in_force += issued - repealed
        fee = f"{rng.randint(0, 90000) / 100:.2f}" if agency.kind == "department" else "0"
        return {
            "t2_art20_1": {
                "regulations": ["0", "0", "0"],
                "normative_documents": [str(issued), str(repealed), str(hist.in_force)],
            },
            "t2_art20_5": {"administrative_license": [str(lic)]},
            "t2_art20_6": {
                "administrative_penalty": [str(pen)],
                "administrative_coercion": [str(coe)],
            },
            "t2_art20_8": {"administrative_fees": [fee]},
        }
    made = rng.randint(0, 6 if big else 2)
    hist.in_force += made

    def change() -> str:
        d = rng.choice([0, 0, 1, 2, -1, 3])
        return f"+{d}" if d > 0 else str(d)

    items = rng.randint(2, 40) if agency.kind == "department" else rng.randint(0, 8)
    return {
        "t2_art20_1": {
            "regulations": ["0", "0", "0"],
            "normative_documents": [str(made), str(made), str(hist.in_force)],
        },
        "t2_art20_5": {
            "administrative_license": [str(items), change(), str(lic)],
            "other_external_services": [str(rng.randint(0, 9)), change(), str(rng.randint(0, 50))],
        },
        "t2_art20_6": {
            "administrative_penalty": [str(rng.randint(0, 12)), change(), str(pen)],
            "administrative_coercion": [str(rng.randint(0, 4)), change(), str(coe)],
        },
        "t2_art20_8": {"administrative_fees": [str(rng.randint(0, 6)), change()]},
        "t2_art20_9": {
            "centralized_procurement": [str(rng.randint(0, 12)), f"{rng.randint(0, 9000) / 10:.1f}"]
        },
    }


# --------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------

_PLATFORM = [
    "政府门户网站",
    "政务新媒体",
    "政府信息公开专栏",
    "新闻发布会",
    "政务服务中心公开查阅点",
]


def _we(agency: Agency) -> str:
    return {"government": "本级政府", "office": "本单位", "department": "我局", "township": "我镇"}[
        agency.kind
    ].replace("我镇", "我乡" if agency.name.endswith("乡人民政府") else "我镇")


def blocks_for(
    rng: random.Random, portal: Portal, rep: Report, tables: dict, errors: tuple[str, ...]
) -> list[dict]:
    a, y = rep.agency, rep.year
    t3 = tables["t3_applications"]
    t4 = tables["t4_review_litigation"]
    new, co = t3["new_received"][-1], t3["carried_over"][-1]
    tp, cf = t3["total_processed"][-1], t3["carried_forward"][-1]
    if "text_new_received" in errors:
        new += 2
    rv = t4["review"][-1]
    lit = t4["litigation_direct"][-1] + t4["litigation_after_review"][-1]
    county = portal.name
    notice = rng.choice(
        [
            f"《{county}人民政府办公室关于做好{y}年政府信息公开工作年度报告编制发布工作的通知》",
            f"《{portal.prefecture}人民政府办公室关于做好{y}年度政府信息公开工作年度报告编制和发布工作的通知》",
        ]
    )
    title = rep.body_title or re.sub(r"（图片版）$", "", rep.title)
    b: list[dict] = [{"type": "p", "role": "title", "text": title}]
    intro = (
        f"根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和{notice}要求，"
        f"{a.name}编制本报告。"
    )
    if a.kind == "government":
        intro += f"本报告由{county}各乡镇（街道）和县政府各部门年度报告综合而成。"
    intro += (
        f"本报告中所列数据的统计期限自{y}年1月1日起至{y}年12月31日止。"
        f"本报告电子版可在“{county}人民政府”门户网站查阅或下载。如对本报告有疑问，"
        f"请与{a.name}办公室联系（电话：0{rng.randint(100, 999)}-"
        f"{rng.randint(1000000, 9999999)}）。"
    )
    b.append({"type": "p", "text": intro})
    b.append({"type": "p", "role": "heading", "text": "一、总体情况"})
    n_pub = rng.randint(30, 900)
    n_policy = rng.randint(1, 40)
    proactive = (
        f"{y}年，{_we(a)}主动公开政府信息{n_pub}条，其中通过{rng.choice(_PLATFORM)}发布"
        f"{rng.randint(1, n_pub)}条，发布政策解读{n_policy}篇。"
    )
    if new == 0 and co == 0:
        applied = f"{y}年，{_we(a)}未收到政府信息公开申请，无上年结转申请。"
    else:
        applied = (
            f"{y}年，{_we(a)}共收到政府信息公开申请{new}件，上年结转{co}件；"
            f"全年办结{tp}件"
            + (f"，{cf}件结转下年度继续办理。" if cf else "，无结转下年度办理的申请。")
        )
    if rv == 0 and lit == 0:
        review = "全年未发生因政府信息公开工作引起的行政复议、行政诉讼。"
    else:
        review = f"全年因政府信息公开工作被申请行政复议{rv}件，被提起行政诉讼{lit}件。"
    if rep.sec2 == "v2021" or rep.sec3 == "v2021":
        b += [
            {"type": "p", "role": "subheading", "text": "（一）主动公开"},
            {"type": "p", "text": proactive},
            {"type": "p", "role": "subheading", "text": "（二）依申请公开"},
            {"type": "p", "text": applied + review},
            {"type": "p", "role": "subheading", "text": "（三）政府信息管理"},
            {
                "type": "p",
                "text": "严格落实政府信息公开保密审查制度，"
                "动态更新政府信息公开指南和主动公开基本目录，"
                f"全年清理行政规范性文件{rng.randint(0, 12)}件。",
            },
            {"type": "p", "role": "subheading", "text": "（四）政府信息公开平台建设"},
            {
                "type": "p",
                "text": f"持续加强政府网站和政务新媒体建设，{y}年政府信息公开专栏更新信息"
                f"{rng.randint(50, 700)}条，确保平台安全稳定运行。",
            },
            {"type": "p", "role": "subheading", "text": "（五）监督保障"},
            {
                "type": "p",
                "text": f"将政务公开工作纳入年度目标考核，组织业务培训{rng.randint(1, 6)}次，"
                "及时回应社会关切。",
            },
        ]
    else:
        b.append({"type": "p", "text": proactive + applied + review})
    b += [
        {"type": "p", "role": "heading", "text": "二、主动公开政府信息情况"},
        {"type": "table", "key": "t2"},
        {"type": "p", "role": "heading", "text": "三、收到和处理政府信息公开申请情况"},
        {"type": "table", "key": "t3"},
        {"type": "p", "role": "heading", "text": "四、政府信息公开行政复议、行政诉讼情况"},
        {"type": "table", "key": "t4"},
        {"type": "p", "role": "heading", "text": "五、存在的主要问题及改进情况"},
        {
            "type": "p",
            "text": rng.choice(
                [
                    f"{y}年，{_we(a)}政府信息公开工作取得一定成效，但仍存在政策解读形式较为单一、"
                    "部分信息更新不够及时等问题。下一步将加强业务培训，完善公开工作机制。",
                    "主要问题：主动公开的深度和广度仍需拓展，依申请公开答复的规范化水平有待提高。"
                    "改进措施：健全信息发布审核流程，加强与申请人的沟通，提升答复质量。",
                ]
            ),
        },
        {"type": "p", "role": "heading", "text": "六、其他需要报告的事项"},
    ]
    if rep.sec2 == "v2021" or rep.sec3 == "v2021":
        b.append(
            {
                "type": "p",
                "text": f"{y}年度，{_we(a)}未收取政府信息公开信息处理费。无其他需要报告的事项。",
            }
        )
    else:
        b.append({"type": "p", "text": "无其他需要报告的事项。"})
    b.append({"type": "p", "role": "signature", "text": a.name})
    b.append({"type": "p", "role": "date", "text": zh_date(report_date(rep))})
    return b


def report_date(rep: Report) -> dt.date:
    """Signed a few days before publication (never before 5 January of the next year)."""
    d = rep.published - dt.timedelta(days=1 + (rep.year * 7 + len(rep.agency.name)) % 5)
    return max(d, dt.date(rep.year + 1, 1, 5))


def _inject(errors: tuple[str, ...], tables: dict) -> None:
    t3 = tables["t3_applications"]
    if "t3_balance" in errors:
        for c in (0, APPLICANT_COLS):
            t3["carried_forward"][c] += 1
    if "t3_row_total" in errors:
        t3["granted"][APPLICANT_COLS] += 1
        # keep T3_RESULT_SUM and T3_BALANCE intact in the total column: only the row total is off
        t3["total_processed"][APPLICANT_COLS] += 1
        t3["carried_forward"][APPLICANT_COLS] -= 1
        if t3["carried_forward"][APPLICANT_COLS] < 0:  # nothing to move: take it from 新收 instead
            t3["carried_forward"][APPLICANT_COLS] += 1
            t3["new_received"][APPLICANT_COLS] += 1
    if "t4_block_sum" in errors:
        tables["t4_review_litigation"]["review"][4] += 1


def build_truths(portal: Portal) -> None:
    """Fill ``truth`` of every report of the portal (years in order, so stocks carry over)."""
    for agency in portal.agencies:
        reps = {r.year: r for r in portal.reports if r.agency.key == agency.key}
        if not reps:
            continue
        hist_rng = random.Random(f"farm:{portal.code}:{agency.key}:history")
        hist = _AgencyHistory(hist_rng)
        for year in range(2018, max(reps) + 1):
            rng = random.Random(f"farm:{portal.code}:{agency.key}:{year}")
            rep = reps.get(year)
            sec2 = rep.sec2 if rep else ("v2019" if year < 2021 else "v2021")
            sec3 = rep.sec3 if rep else sec2
            t3 = t3_table(rng, agency, sec3, hist)
            t4 = t4_table(rng, agency)
            t2 = t2_tables(rng, agency, sec2, hist)
            if rep is None:
                continue
            tables = {**t2, "t3_applications": t3, "t4_review_litigation": t4}
            _inject(rep.errors, tables)
            blocks = blocks_for(rng, portal, rep, tables, rep.errors)
            rep.truth = {
                "id": rep.id,
                "title": blocks[0]["text"],
                "agency": agency.name,
                "year": year,
                "report_date": report_date(rep).isoformat(),
                "template_version": rep.template_version,
                "layouts": {"sec2": rep.sec2, "sec3": rep.sec3, "sec4": "standard"},
                "blocks": blocks,
                "tables": _as_raw(tables),
            }


def _as_raw(tables: dict) -> dict:
    return {
        t: {row: [str(v) for v in vals] for row, vals in rows.items()} for t, rows in tables.items()
    }


# --------------------------------------------------------------------------------------
# An independent check of the generated arithmetic (so the manifest's error flags are true)
# --------------------------------------------------------------------------------------


def failing_rules(truth: dict) -> list[str]:
    """The spec §7.1/§7.2/§7.5 rules this truth violates (T3_*, T4_BLOCK_SUM, TXT_NEW_RECEIVED)."""
    t3 = {k: [int(v) for v in vals] for k, vals in truth["tables"]["t3_applications"].items()}
    t4 = {k: [int(v) for v in vals] for k, vals in truth["tables"]["t4_review_litigation"].items()}
    leaves = [
        k
        for k in t3
        if k not in ("new_received", "carried_over", "total_processed", "carried_forward")
    ]
    bad: set[str] = set()
    for c in range(APPLICANT_COLS + 1):
        if t3["new_received"][c] + t3["carried_over"][c] != (
            t3["total_processed"][c] + t3["carried_forward"][c]
        ):
            bad.add("T3_BALANCE")
        if t3["total_processed"][c] != sum(t3[k][c] for k in leaves):
            bad.add("T3_RESULT_SUM")
    for vals in t3.values():
        if vals[APPLICANT_COLS] != sum(vals[:APPLICANT_COLS]):
            bad.add("T3_ROW_TOTAL")
    for vals in t4.values():
        if vals[4] != sum(vals[:4]):
            bad.add("T4_BLOCK_SUM")
    text = "".join(b.get("text", "") for b in truth["blocks"])
    m = re.search(r"共收到政府信息公开申请(\d+)件", text)
    if m and int(m.group(1)) != t3["new_received"][APPLICANT_COLS]:
        bad.add("TXT_NEW_RECEIVED")
    return sorted(bad)
