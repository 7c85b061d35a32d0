"""Helpers shared by the portal catalogues: agencies, titles, publication dates, report bodies
and the look-alike documents (decoys) of portals.md §2.4."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Iterable

from ..documents import HALF_CORNER, TableStyle, report_body_html
from ..model import Agency, Decoy, Portal, Report, credit_code
from ..pages import esc
from ..reportgen import build_truths

# title shapes seen on real portals (portals.md §2.3); {a} agency as printed, {y} year
TITLE_SHAPES = {
    "a": "{a}{y}年政府信息公开工作年度报告",
    "b": "{y}年度{a}政府信息公开工作年度报告",
    "c": "{a}{y}年度政府信息公开工作年度报告",
    "d": "{a}{y}年政府信息公开年度报告",
    "e": "{a}{y}年度政务信息公开年度报告",
    "f": "{a}{y}年政府信息公开年报",
}


def title(agency_text: str, year: int, shape: str = "a") -> str:
    return TITLE_SHAPES[shape].format(a=agency_text, y=year)


def make_agencies(code: str, rows: Iterable[tuple[str, str, str, str]]) -> list[Agency]:
    """rows of (key, full name, kind, short name)."""
    return [
        Agency(key, name, kind, short, credit_code(code, i + 1))
        for i, (key, name, kind, short) in enumerate(rows)
    ]


def pub_date(code: str, agency: Agency, year: int) -> dt.date:
    """Departments publish in January, townships by February, governments by late March
    (条例 Art. 49 deadlines; portals.md §2.3)."""
    rng = random.Random(f"farm:pub:{code}:{agency.key}:{year}")
    base = dt.date(year + 1, 1, 1)
    lo, hi = {
        "department": (9, 30),
        "office": (10, 30),
        "township": (14, 58),
        "government": (50, 88),
    }[agency.kind]
    return base + dt.timedelta(days=rng.randint(lo, hi))


def layout_for(year: int) -> tuple[str, str]:
    return ("v2019", "v2019") if year < 2021 else ("v2021", "v2021")


def make_reports(
    portal: Portal,
    plan: dict[str, Iterable[int]],
    shapes: dict[str, str] | None = None,
    printed: dict[str, str] | None = None,
) -> None:
    """One HTML report per (agency key, year) in ``plan``; titles use ``shapes[key]`` (default
    "a") and ``printed[key]`` as the agency text (default: the agency's full name)."""
    shapes = shapes or {}
    printed = printed or {}
    for key, years in plan.items():
        ag = portal.agency(key)
        for y in years:
            sec2, sec3 = layout_for(y)
            portal.reports.append(
                Report(
                    id=f"{portal.code}-{key}-{y}",
                    portal=portal.code,
                    agency=ag,
                    year=y,
                    title=title(printed.get(key, ag.name), y, shapes.get(key, "a")),
                    published=pub_date(portal.code, ag, y),
                    sec2=sec2,
                    sec3=sec3,
                )
            )


def finish(portal: Portal) -> Portal:
    """Sort reports newest first and generate their content."""
    portal.reports.sort(key=lambda r: (r.published, r.id), reverse=True)
    build_truths(portal)
    return portal


def table_style(rep: Report) -> TableStyle:
    """Most reports print full-width labels; about one in four the half-width variant."""
    h = int(hashlib.md5(rep.id.encode()).hexdigest(), 16)
    if h % 4 == 0:
        return TableStyle(labels="half", corner=HALF_CORNER)
    return TableStyle(labels="full")


def report_html(rep: Report) -> str:
    assert rep.truth is not None, rep.id
    return report_body_html(rep.truth, table_style(rep))


def short_hex(text: str, n: int = 32) -> str:
    return hashlib.md5(text.encode()).hexdigest()[:n]


def number_id(text: str, lo: int, hi: int) -> int:
    return lo + int(hashlib.md5(text.encode()).hexdigest(), 16) % (hi - lo)


# --------------------------------------------------------------------------------------
# Decoys (portals.md §2.4): bodies that look like reports, notices or other yearly reports
# --------------------------------------------------------------------------------------


def decoy(portal: Portal, kind: str, year: int, published: dt.date, note: str = "") -> Decoy:
    county = portal.name
    p = portal.prefecture
    titles = {
        "notice": f"关于做好{year}年政府信息公开工作年度报告编制发布工作的通知",
        "rule_of_law": f"{county}{year}年法治政府建设年度报告",
        "housing_fund": f"{p}住房公积金{year}年年度报告",
        "budget": f"{county}财政局{year}年部门决算公开",
        "performance": f"{county}卫生健康局{year}年度整体支出绩效评价报告",
        "news": f"{county}召开{year}年度政务公开工作推进会",
        "parent": f"{p}{year}年政府信息公开工作年度报告",
        "work_report": f"{year}年{county}人民政府工作报告",
        "work_summary": f"{county}人民政府办公室{year}年工作总结及{year + 1}年工作计划",
        "rule": "政府信息公开工作年度报告制度",
    }
    return Decoy(portal.code, titles[kind], kind, published, note=note)


def decoy_body(d: Decoy, portal: Portal) -> str:
    """The article body of a decoy (HTML fragment)."""
    county = portal.name
    y = int(next((t for t in _years(d.title)), "2023"))
    paras: list[str]
    if d.kind == "parent":
        return report_html(parent_report(portal, y))
    if d.kind == "notice":
        paras = [
            "各乡镇人民政府、街道办事处，县政府各部门、各直属单位：",
            "根据《中华人民共和国政府信息公开条例》和上级有关要求，现就做好"
            f"{y}年政府信息公开工作年度报告编制发布工作通知如下：",
            "一、各单位要严格按照《中华人民共和国政府信息公开工作年度报告格式》编制本单位年度报告，"
            f"县政府各部门于{y + 1}年1月31日前、各乡镇（街道）于{y + 1}年2月20日前在县政府门户网站"
            "政府信息公开年报栏目发布。",
            "二、年度报告应包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、"
            "政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。",
            "三、各单位要认真核对报告数据，确保表格数据勾稽关系正确。",
            f"{county}人民政府办公室",
        ]
    elif d.kind == "rule_of_law":
        paras = [
            f"{y}年，{county}坚持以习近平新时代中国特色社会主义思想为指导，深入推进法治政府建设。"
            "现将有关情况报告如下：",
            f"一、{y}年推进法治政府建设的主要举措和成效",
            "（一）深化“放管服”改革，优化法治化营商环境。（二）严格规范公正文明执法。",
            "二、党政主要负责人履行推进法治建设第一责任人职责情况",
            f"三、{y}年推进法治政府建设存在的不足和原因",
            f"四、{y + 1}年推进法治政府建设的主要安排",
        ]
    elif d.kind == "housing_fund":
        paras = [
            "根据国务院《住房公积金管理条例》和住房城乡建设部、财政部、人民银行有关规定，"
            f"经住房公积金管理委员会审议通过，现将{y}年年度报告公布如下：",
            "一、机构概况",
            "二、业务运行情况：缴存、提取、贷款、资金存储、资金运用率",
            "三、主要财务数据",
            "四、资产风险状况",
        ]
    elif d.kind in ("budget", "performance"):
        paras = [
            f"{d.title}",
            "第一部分 部门概况；第二部分 部门决算表（收入支出决算总表、收入决算表、支出决算表、"
            "财政拨款收入支出决算总表）；第三部分 部门决算情况说明；第四部分 名词解释。",
            f"{y}年度收入总计1234.56万元，支出总计1198.20万元。",
        ]
    elif d.kind == "news":
        paras = [
            f"近日，{county}召开{y}年度政务公开工作推进会，总结上年度政务公开工作，部署"
            f"{y}年度政府信息公开工作年度报告编制发布等重点任务。",
            "会议要求，各单位要高度重视，压实责任，确保各项工作落到实处。",
        ]
    elif d.kind == "work_report":
        paras = [
            f"——{y}年1月10日在{county}第十八届人民代表大会第三次会议上",
            "各位代表：现在，我代表县人民政府，向大会报告政府工作，请予审议，"
            "并请县政协各位委员和其他列席人员提出意见。",
            f"一、{y - 1}年工作回顾",
            f"二、{y}年工作安排",
        ]
    elif d.kind == "work_summary":
        paras = [
            f"{y}年，县政府办公室在县委、县政府的坚强领导下，围绕中心、服务大局。",
            f"一、{y}年工作总结",
            f"二、{y + 1}年工作计划",
        ]
    else:  # rule
        paras = [
            "第一条 为规范政府信息公开工作年度报告的编制和发布，"
            "根据《中华人民共和国政府信息公开条例》，"
            "制定本制度。",
            "第二条 各单位应于每年1月31日前向县政府办公室报送"
            "本单位上一年度政府信息公开工作年度报告。",
        ]
    return "\n".join(f"<p>{esc(t)}</p>" for t in paras)


def _years(text: str) -> list[str]:
    import re

    return re.findall(r"(20\d\d)年", text)


def parent_report(portal: Portal, year: int) -> Report:
    """The prefecture's own report for ``year`` (a full, valid report that is not the county's)."""
    code = f"{portal.code[:4]}00"
    parent = Portal(
        code=code,
        name=portal.prefecture,
        province=portal.province,
        prefecture=portal.prefecture,
        url="",
        archetype="parent",
        outcome="",
        reason="",
    )
    parent.agencies = make_agencies(
        code, [("gov", f"{portal.prefecture}人民政府", "government", "")]
    )
    make_reports(parent, {"gov": [year]}, printed={"gov": portal.prefecture})
    return finish(parent).reports[0]
