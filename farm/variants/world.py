"""The abstract plan of one variant portal, before any family gives it URLs and markup.

A :class:`Variant` holds the seeded random source, the county (name, code, hosts), the agencies,
reports and decoys (a :class:`farm.model.Portal`), the tree of 年报 columns, the cross-cutting
traits, and every knob value the seed chose (recorded in the manifest so a failing variant can
be read without re-running the generator). Every random choice goes through ``Variant.pick`` /
``Variant.rng`` in a fixed order, which is what makes a variant a pure function of
(family, seed).

What varies and why (portals.md): §2.1 the organisation patterns A–F (mixed column, per-year,
per-unit, per-unit mini-columns, separate host), §2.3 the title shapes with abbreviated
agencies, §2.4 the decoys, §3.2 the navigation by link text, §1.9 the carriers.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from ..model import Agency, Decoy, Portal, Report, credit_code
from ..sites.common import TITLE_SHAPES, layout_for, pub_date
from . import names

# (full-name suffix, key, short form without the county prefix)
DEPARTMENTS = (
    ("教育局", "jyj", "教育局"),
    ("财政局", "czj", "财政局"),
    ("卫生健康局", "wjj", "卫健局"),
    ("自然资源局", "zrzyj", "自然资源局"),
    ("住房和城乡建设局", "zjj", "住建局"),
    ("交通运输局", "jtj", "交通局"),
    ("农业农村局", "nyj", "农业农村局"),
    ("市场监督管理局", "scjgj", "市场监管局"),
    ("民政局", "mzj", "民政局"),
    ("司法局", "sfj", "司法局"),
    ("人力资源和社会保障局", "rsj", "人社局"),
    ("水利局", "slj", "水利局"),
    ("应急管理局", "yjj", "应急局"),
    ("统计局", "tjj", "统计局"),
    ("发展和改革局", "fgj", "发改局"),
    ("文化和旅游局", "wlj", "文旅局"),
    ("退役军人事务局", "tyjrj", "退役军人局"),
    ("医疗保障局", "ybj", "医保局"),
)
YEARS = tuple(range(2019, 2025))

# the link texts of the 年报 column on real portals (portals.md §3.2)
ROOT_TEXTS = (
    "政府信息公开年报",
    "信息公开年报",
    "政府信息公开工作年度报告",
    "年度报告",
    "公开年报",
    "政府信息公开年度报告",
    "年报",
)
XXGK_TEXTS = ("政府信息公开", "政务公开", "信息公开", "公开目录", "政府信息公开专栏")
UNIT_LABELS = {
    "gov": ("本级", "县政府", "政府本级", "县政府及办公室"),
    "dept": ("部门", "县直部门", "部门年报", "政府部门"),
    "town": ("乡镇", "乡镇（街道）", "街道乡镇", "镇街"),
}
DECOY_KINDS = (
    "budget",
    "rule_of_law",
    "parent",
    "neighbour",
    "housing_fund",
    "work_points",
    "news",
    "notice",
)


@dataclass
class Item:
    """One entry of a list: a report or a decoy, with the text the list shows."""

    obj: Report | Decoy
    text: str
    date: dt.date
    url: str = ""  # filled by the family: article or document URL

    @property
    def is_report(self) -> bool:
        return isinstance(self.obj, Report)


@dataclass
class Column:
    key: str
    title: str
    kind: str  # root | year | unit | agency | leaf-side (指南, 预决算 …)
    items: list[Item] = field(default_factory=list)
    children: list[Column] = field(default_factory=list)
    parent: Column | None = None
    slug: str = ""  # path segment
    cid: int = 0  # numeric id for families that number columns
    year: int | None = None
    unit: str | None = None
    pages: list[str] = field(default_factory=list)  # page URLs, page 1 first

    def leaves(self) -> list[Column]:
        if not self.children:
            return [self]
        return [leaf for c in self.children for leaf in c.leaves()]

    def ancestors(self) -> list[Column]:
        out, c = [], self
        while c is not None:
            out.append(c)
            c = c.parent
        return out[::-1]


@dataclass
class Variant:
    family: str
    seed: int
    rng: random.Random
    code: str
    name: str  # 某某县
    stem: str  # 某某
    pinyin: str
    province: str
    prefecture: str
    kind_char: str  # 县 | 区
    knobs: dict[str, Any] = field(default_factory=dict)
    portal: Portal | None = None
    root: Column | None = None
    hosts: list[str] = field(default_factory=list)
    host: str = ""
    subhost: str = ""
    scheme: str = "http"
    site_code: str = ""
    paths: dict[str, list[str]] = field(default_factory=dict)  # report id → click path
    endpoints: dict[str, list[str]] = field(default_factory=dict)  # report id → API URLs
    list_pages: dict[str, str] = field(default_factory=dict)  # report id → its list page
    decoy_paths: dict[str, list[str]] = field(default_factory=dict)
    placement: str = ""
    home_path: str = "/"
    tree_host: str = ""  # where the 年报 tree lives (the main host or the sub-host)
    next_cid: int = 0  # column ids are unique across the 年报 tree and the side columns
    doc_host: str = ""  # where its documents live (the tree host or a file host)
    xxgk_url: str = ""
    nav_path: list[str] = field(default_factory=list)
    home_news: list[Item] = field(default_factory=list)
    pinyin_prefecture: str = ""

    def pick(self, knob: str, options: list | tuple, weights: list[float] | None = None) -> Any:
        value = self.rng.choices(list(options), weights=weights)[0]
        self.knobs[knob] = value
        return value

    def chance(self, knob: str, p: float) -> bool:
        value = self.rng.random() < p
        self.knobs[knob] = value
        return value

    def number(self, knob: str, lo: int, hi: int) -> int:
        value = self.rng.randint(lo, hi)
        self.knobs[knob] = value
        return value

    def url(self, path: str, host: str | None = None) -> str:
        host = host or self.host
        scheme = "http" if host[0].isdigit() else self.scheme  # bare IPs serve plain http
        return f"{scheme}://{host}{path}"


@dataclass(frozen=True)
class VAgency(Agency):
    """An agency with every spelling a title of the variant may print (so a crawler that
    reports the printed form is not scored as wrong; the canonical name stays ``name``)."""

    extra: tuple[str, ...] = ()

    @property
    def aliases(self) -> list[str]:
        return sorted({self.name, self.short, *self.extra})


def _agency(code: str, seq: int, key: str, name: str, kind: str, short: str) -> Agency:
    county = code_county.get(code, "")
    extra: set[str] = set()
    if kind == "government":
        extra = {f"{short}政府"}
    elif kind == "office":
        c = name.removesuffix("人民政府办公室")
        extra = {f"{c}政府办", f"{c}政府办公室", f"{short}公室"}
    elif kind == "department":
        extra = {county + short[1:]} if county else set()
    else:
        c = name[: name.index(short)] if short in name else ""
        extra = {c + short, short + ("人民政府" if not short.endswith("街道") else "办事处")}
        extra.add(c + extra_town(short))
    return VAgency(key, name, kind, short, credit_code(code, seq), tuple(sorted(extra - {name})))


code_county: dict[str, str] = {}  # portal code → county name, for the alias spellings


def extra_town(short: str) -> str:
    return short + ("办事处" if short.endswith("街道") else "人民政府")


def plan_agencies(v: Variant) -> list[Agency]:
    c, k = v.name, v.kind_char
    code_county[v.code] = c
    out = [
        _agency(v.code, 1, "gov", f"{c}人民政府", "government", c),
        _agency(v.code, 2, "office", f"{c}人民政府办公室", "office", f"{k}政府办"),
    ]
    for i, (suffix, key, short) in enumerate(v.rng.sample(DEPARTMENTS, 6)):
        out.append(_agency(v.code, 10 + i, key, f"{c}{suffix}", "department", f"{k}{short}"))
    for i, stem in enumerate(names.town_names(v.rng, 4, v.stem)):
        kind = v.rng.choice(("镇", "镇", "乡", "街道"))
        full = f"{c}{stem}{'街道办事处' if kind == '街道' else kind + '人民政府'}"
        out.append(_agency(v.code, 30 + i, f"t{i}", full, "township", f"{stem}{kind}"))
    return out


def _printed_agency(v: Variant, ag: Agency) -> str:
    """The agency as a title prints it: full name, short form, or county-less abbreviation."""
    r = v.rng.random()
    if ag.kind == "government":
        return ag.short if r < 0.6 else ag.name
    if ag.kind == "office":
        return ag.name if r < 0.5 else (f"{v.name}政府办" if r < 0.75 else ag.short)
    if ag.kind == "department":
        return ag.name if r < 0.7 else ag.short  # 县教育局
    return ag.name if r < 0.5 else (v.name + ag.short if r < 0.8 else ag.short)


def plan_reports(v: Variant, formats: tuple[str, ...]) -> None:
    """5–20 reports of the county government, its office, departments and townships."""
    p = v.portal
    assert p is not None
    target = v.number("reports", 5, 20)
    gov, office = p.agencies[0], p.agencies[1]
    depts = [a for a in p.agencies if a.kind == "department"]
    towns = [a for a in p.agencies if a.kind == "township"]
    units = [gov, office, *v.rng.sample(depts, v.rng.randint(1, 5))]
    units += v.rng.sample(towns, v.rng.randint(0, 4))
    pairs = [(a, y) for a in units for y in YEARS]
    v.rng.shuffle(pairs)
    # the county's own report for the two newest years always, then whatever the seed picks
    chosen = [(gov, 2024), (gov, 2023)]
    chosen += [pr for pr in pairs if pr not in chosen][: target - 2]
    shapes = list(TITLE_SHAPES)
    fmt_weights = {"html": 6, "docx": 3, "file-docx": 1.5, "pdf": 1.5, "file-pdf": 0.5}
    fmts = [f for f in fmt_weights if f.removeprefix("file-") in formats]
    for ag, year in sorted(chosen, key=lambda x: (x[0].key, x[1])):
        shape = v.rng.choices(shapes, weights=[6, 3, 3, 2, 0.5, 1])[0]
        title = TITLE_SHAPES[shape].format(a=_printed_agency(v, ag), y=year)
        if v.rng.random() < 0.05:
            title += "（修订版）"
        fmt = v.rng.choices(fmts, weights=[fmt_weights[f] for f in fmts])[0]
        carrier = (
            "html" if fmt == "html" else ("file-link" if fmt.startswith("file-") else "attachment")
        )
        sec2, sec3 = layout_for(year)
        published = pub_date(v.code, ag, year)
        p.reports.append(
            Report(
                id=f"{p.code}-{ag.key}-{year}",
                portal=p.code,
                agency=ag,
                year=year,
                title=title,
                published=published,
                fmt=fmt.removeprefix("file-"),
                carrier=carrier,
                sec2=sec2,
                sec3=sec3,
            )
        )
    p.reports.sort(key=lambda r: (r.published, r.id), reverse=True)
    v.knobs["formats"] = sorted({f"{r.carrier}:{r.fmt}" for r in p.reports})


def decoy_title(v: Variant, kind: str, year: int, neighbour: str) -> str:
    c, pref = v.name, v.prefecture
    return {
        "budget": f"{c}{v.rng.choice(('财政局', '教育局', '卫生健康局'))}{year}年部门决算公开",
        "rule_of_law": f"{c}{year}年法治政府建设年度报告",
        "parent": f"{pref}{year}年政府信息公开工作年度报告",
        "neighbour": f"{neighbour}{year}年政府信息公开工作年度报告",
        "housing_fund": f"{pref}住房公积金{year}年年度报告",
        "work_points": f"{c}{year + 1}年政务公开工作要点",
        "news": f"{c}{year}年政府信息公开工作年度报告发布",
        "notice": f"关于做好{year}年政府信息公开工作年度报告编制发布工作的通知",
    }[kind]


def plan_decoys(v: Variant) -> None:
    p = v.portal
    assert p is not None
    n = v.number("decoys", 2, 5)
    kinds = v.rng.sample(DECOY_KINDS, n)
    a, b = names.town_names(v.rng, 1, v.stem)[0], v.kind_char
    neighbour = a + b
    while names.is_real_name(neighbour):
        neighbour = names.town_names(v.rng, 1, v.stem)[0] + b
    v.knobs["decoy_kinds"] = kinds
    v.knobs["neighbour"] = neighbour
    for kind in kinds:
        year = v.rng.choice(YEARS[2:])
        day = dt.date(year + 1, 1, 1) + dt.timedelta(days=v.rng.randint(5, 100))
        note = f"neighbour county {neighbour}" if kind == "neighbour" else ""
        p.decoys.append(Decoy(p.code, decoy_title(v, kind, year, neighbour), kind, day, note=note))


def unit_of(ag: Agency) -> str:
    return {"government": "gov", "office": "gov", "department": "dept", "township": "town"}[ag.kind]


def plan_tree(v: Variant, splits: tuple[str, ...], root_title: str) -> Column:
    """The 年报 column and its sub-columns (§2.1 A–D); decoys go into random leaves."""
    p = v.portal
    assert p is not None
    split = v.pick("split", splits)
    root = Column("root", root_title, "root")
    reports = list(p.reports)
    by_publish = v.chance("year_folder_by_publication", 0.25) if "year" in split else False

    def folder_year(r: Report) -> int:
        return r.published.year if by_publish else r.year

    def year_label(y: int) -> str:
        return v.knobs.setdefault("year_label", v.rng.choice(("{y}年", "{y}年度", "{y}"))).format(
            y=y
        )

    def unit_cols(parent: Column, reps: list[Report]) -> None:
        for unit in ("gov", "dept", "town"):
            mine = [r for r in reps if unit_of(r.agency) == unit]
            if not mine and unit != "gov":
                continue
            label = v.knobs.setdefault(f"unit_label_{unit}", v.rng.choice(UNIT_LABELS[unit]))
            col = Column(f"{parent.key}-{unit}", label, "unit", parent=parent, unit=unit)
            col.items = [_item(v, r) for r in mine]
            parent.children.append(col)

    if split == "flat":
        root.items = [_item(v, r) for r in reports]
    elif split in ("year", "year_unit"):
        for y in sorted({folder_year(r) for r in reports}, reverse=True):
            col = Column(f"y{y}", year_label(y), "year", parent=root, year=y)
            mine = [r for r in reports if folder_year(r) == y]
            if split == "year":
                col.items = [_item(v, r) for r in mine]
            else:
                unit_cols(col, mine)
            root.children.append(col)
    elif split == "unit":
        unit_cols(root, reports)
    else:  # agency: one mini-column per unit (§2.1 D)
        for ag in p.agencies:
            mine = [r for r in reports if r.agency.key == ag.key]
            if mine:
                col = Column(f"a-{ag.key}", ag.name, "agency", parent=root)
                col.items = [_item(v, r) for r in mine]
                root.children.append(col)
    leaves = root.leaves()
    for d in p.decoys:
        if d.kind == "budget":
            continue  # lives in its own 预决算 column (built with the navigation)
        leaf = v.rng.choice(leaves)
        leaf.items.append(Item(d, d.title, d.published))
    for leaf in leaves:
        leaf.items.sort(key=lambda it: (it.date, it.text), reverse=True)
    v.root = root
    return root


def _item(v: Variant, r: Report) -> Item:
    return Item(r, r.title, r.published)
