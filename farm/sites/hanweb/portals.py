"""The two Hanweb counties as data: their platform parameters and their catalogues.

青溪县 (every report reachable) and 梓桥县 (encrypted paging: only the first group of
:data:`PERPAGE` records is harvestable, so the rest are not ``must_archive``). Pure functions of
the applied mutations; :mod:`.site` serves them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ...model import Portal, Report
from ..common import decoy, finish, make_agencies, make_reports

PERPAGE = 15


@dataclass(frozen=True)
class HanwebConfig:
    host: str
    webid: int
    col_root: int  # 政务公开
    col_nb: int  # 政府信息公开年报
    unitid: int
    https: bool
    encrypted: bool
    site_code: str
    icp: str


CONFIGS = {
    "990101": HanwebConfig(
        host="www.qingxi.gov.cn.test",
        webid=7,
        col_root=1229000010,
        col_nb=1229000020,
        unitid=100020,
        https=True,
        encrypted=False,
        site_code="9911000001",
        icp="浙ICP备99000001号-1",
    ),
    "990102": HanwebConfig(
        host="www.ziqiao.gov.cn.test",
        webid=9,
        col_root=1229100010,
        col_nb=1229100020,
        unitid=200020,
        https=False,
        encrypted=True,
        site_code="9911000002",
        icp="浙ICP备99000002号-1",
    ),
}

# ---------------------------------------------------------------------------------------
# Catalogue
# ---------------------------------------------------------------------------------------


def _set(p: Portal, key: str, year: int, **kw) -> Report:
    rep = p.report(key, year)
    for k, v in kw.items():
        setattr(rep, k, v)
    return rep


def qingxi(mutations: frozenset[str] = frozenset()) -> Portal:
    cfg = CONFIGS["990101"]
    p = Portal(
        code="990101",
        name="青溪县",
        province="浙江省",
        prefecture="丽水市",
        url=f"https://{cfg.host}/",
        archetype="hanweb",
        outcome="ok",
        reason="Hanweb JCMS: every report reachable through the datastore + dataproxy paging",
        hosts=[cfg.host],
        section="portals.md §1.1, §1.2, §5.2 archetype 1",
    )
    p.agencies = make_agencies(
        p.code,
        [
            ("gov", "青溪县人民政府", "government", "青溪县"),
            ("office", "青溪县人民政府办公室", "office", "县政府办"),
            ("fgj", "青溪县发展和改革局", "department", "县发改局"),
            ("jyj", "青溪县教育局", "department", "县教育局"),
            ("czj", "青溪县财政局", "department", "县财政局"),
            ("zrj", "青溪县自然资源和规划局", "department", "县自然资源和规划局"),
            ("hsz", "青溪县横山镇人民政府", "township", "横山镇"),
            ("sxx", "青溪县双溪乡人民政府", "township", "双溪乡"),
            ("cdjd", "青溪县城东街道办事处", "township", "城东街道"),
        ],
    )
    years = range(2019, 2025)
    plan = {
        "gov": years,
        "office": years,
        "fgj": range(2021, 2025),
        "jyj": years,
        "czj": range(2022, 2025),
        "zrj": range(2020, 2025),
        "hsz": years,
        "sxx": range(2021, 2025),
        "cdjd": range(2022, 2024) if "add" not in mutations else range(2022, 2025),
    }
    make_reports(
        p,
        plan,
        shapes={"gov": "a", "office": "b", "hsz": "a", "cdjd": "c", "zrj": "d"},
        printed={"gov": "青溪县", "hsz": "青溪县横山镇", "sxx": "双溪乡", "cdjd": "城东街道"},
    )
    _set(p, "gov", 2023, fmt="pdf", carrier="attachment")
    _set(p, "gov", 2020, fmt="pdf", carrier="attachment")
    _set(p, "office", 2024, fmt="docx", carrier="attachment")
    _set(p, "office", 2021, errors=("t3_row_total",))
    _set(p, "jyj", 2020, fmt="doc", carrier="attachment")
    _set(p, "jyj", 2023, fmt="pdf", carrier="attachment")
    _set(p, "czj", 2024, fmt="pdf", carrier="attachment", errors=("t3_balance",))
    _set(p, "zrj", 2021, sec2="v2019", sec3="v2019", note="2021 report on the v2019 layout")
    _set(p, "fgj", 2022, sec2="v2019", sec3="v2021", note="hybrid: v2019 section 二")
    _set(p, "hsz", 2022, fmt="docx", carrier="attachment")
    if "add" in mutations:
        _set(
            p,
            "cdjd",
            2024,
            published=dt.date(2025, 4, 15),
            note="added by the 'add' mutation (a late report)",
        )
    if "revise" in mutations:
        _set(p, "gov", 2023, revised=True, note="'revise' mutation: new PDF bytes at the same URL")
    d = p.decoys
    d.append(decoy(p, "notice", 2023, dt.date(2023, 12, 20)))
    d.append(decoy(p, "news", 2024, dt.date(2024, 3, 12)))
    d.append(decoy(p, "rule_of_law", 2023, dt.date(2024, 3, 28)))
    d.append(decoy(p, "parent", 2023, dt.date(2024, 3, 30), note="parent-level (city) report"))
    d.append(decoy(p, "budget", 2023, dt.date(2024, 8, 30), note="in the 财政预决算 column"))
    return finish(p)


def ziqiao(mutations: frozenset[str] = frozenset()) -> Portal:
    cfg = CONFIGS["990102"]
    p = Portal(
        code="990102",
        name="梓桥县",
        province="浙江省",
        prefecture="丽水市",
        url=f"http://{cfg.host}/",
        archetype="hanweb",
        outcome="partial",
        reason="encrypted <nextgroup>: dataproxy.jsp answers a 54-byte empty body, only the 15 "
        "records embedded in the column page can be harvested",
        hosts=[cfg.host],
        platform="hanweb",
        section="portals.md §1.1 (encrypted columnid/unitid), §5.2 archetype 1 variant",
    )
    p.agencies = make_agencies(
        p.code,
        [
            ("gov", "梓桥县人民政府", "government", "梓桥县"),
            ("office", "梓桥县人民政府办公室", "office", "县政府办"),
            ("mzj", "梓桥县民政局", "department", "县民政局"),
            ("wjj", "梓桥县卫生健康局", "department", "县卫健局"),
            ("dyz", "梓桥县大洋镇人民政府", "township", "大洋镇"),
        ],
    )
    make_reports(
        p,
        {k: range(2020, 2025) for k in ("gov", "office", "mzj", "wjj", "dyz")},
        shapes={"office": "b", "dyz": "c"},
        printed={"gov": "梓桥县", "dyz": "大洋镇"},
    )
    p.decoys.append(decoy(p, "notice", 2024, dt.date(2024, 12, 18)))
    finish(p)
    items = sorted(
        [*p.reports, *p.decoys],
        key=lambda x: (x.published, getattr(x, "id", x.title)),
        reverse=True,
    )
    visible = {id(x) for x in items[:PERPAGE]}
    for r in p.reports:
        if id(r) not in visible:
            r.must_archive = False
            r.note = "listed only on pages 2+ of the column, behind the encrypted paging"
    return p
