"""A synthetic archive the size of national coverage, for benchmarks/archive.py.

About 2,900 county-level units × 40 agencies × 6 report years (2019–2024). Every report gets
what the real pipeline stores for it: a ``reports`` row with realistic Chinese narrative text
(paragraphs of the five real fixture reports, with names, years and numbers replaced), every
table cell (≈200: the section-二 sub-tables, the 25×7 or 23×7 table 三, the 3×5 table 四), the
checks computed by the real rule code (``parsers.checks``, cross-year checks included), the wide
rows, its document, fetch and search-index entry. Values are drawn so that most reports balance,
a few carry a typo (a FAIL), some print blanks or "/", and some are published late.

Rows are produced as plain tuples for ``executemany``; the writer lives in archive.py.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from crawler.archive import check_row, report_key
from crawler.archive.agencies import agency_type
from crawler.archive.columns import T2_COLUMNS, WIDE
from crawler.archive.search import index_text
from crawler.archive.store import EXTENSIONS
from parsers import PARSER_VERSION, checks, schema

# Counties per province (rounded real counts of county-level divisions), scaled to ~2,900.
PROVINCES = (
    ("11", "北京市", 16), ("12", "天津市", 16), ("13", "河北省", 167), ("14", "山西省", 117),
    ("15", "内蒙古自治区", 103), ("21", "辽宁省", 100), ("22", "吉林省", 60),
    ("23", "黑龙江省", 121), ("31", "上海市", 16), ("32", "江苏省", 95), ("33", "浙江省", 90),
    ("34", "安徽省", 104), ("35", "福建省", 84), ("36", "江西省", 100), ("37", "山东省", 136),
    ("41", "河南省", 157), ("42", "湖北省", 103), ("43", "湖南省", 122), ("44", "广东省", 122),
    ("45", "广西壮族自治区", 111), ("46", "海南省", 25), ("50", "重庆市", 38),
    ("51", "四川省", 183), ("52", "贵州省", 88), ("53", "云南省", 129), ("54", "西藏自治区", 74),
    ("61", "陕西省", 107), ("62", "甘肃省", 86), ("63", "青海省", 44),
    ("64", "宁夏回族自治区", 22), ("65", "新疆维吾尔自治区", 107),
)  # fmt: skip
PLACE_CHARS = (
    "安宁平阳山江城南北东西河海清泉丰华兴昌乐德庆永新康武明长洛临汾泰和信丰嘉禾通化元"
    "龙凤石桥白水青云岳林溪湖阜沙田梁乌兰德惠河源宝鸡定远绥滨开封建瓯广灵会理凯里"
)
DEPARTMENTS = (
    "发展和改革局", "教育局", "科学技术局", "工业和信息化局", "公安局", "民政局", "司法局",
    "财政局", "人力资源和社会保障局", "自然资源局", "生态环境局", "住房和城乡建设局",
    "交通运输局", "水利局", "农业农村局", "商务局", "文化和旅游局", "卫生健康委员会",
    "退役军人事务局", "应急管理局", "审计局", "市场监督管理局", "统计局", "医疗保障局",
    "林业局", "行政审批服务局", "城市管理局", "信访局",
)  # fmt: skip
YEARS = tuple(range(2019, 2025))
AGENCIES_PER_COUNTY = 40
TOWNSHIPS = AGENCIES_PER_COUNTY - 2 - len(DEPARTMENTS)

FIXTURE_NAMES = (
    "昌乐县自然资源和规划局", "交城县自然资源局", "互助县自然资源局", "西交口乡人民政府",
    "昌乐县", "交城县", "互助县", "西交口乡", "我局", "本局",
)  # fmt: skip
_YEAR = re.compile(r"20[12]\d(?=年)")
_COUNTS = re.compile(r"\d+\s*件|复议|诉讼|申请")

MEDIA_TYPES = (
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "text/html",
    "application/msword",
)
T3 = "t3_applications"
T4 = "t4_review_litigation"


@dataclass
class Portal:
    code: str
    name: str
    province: str
    prefecture: str
    url: str
    agencies: list[str] = field(default_factory=list)


@dataclass
class Rows:
    """Everything one report adds to the archive, as tuples in table column order."""

    report: dict
    document: tuple
    fetch: tuple
    report_document: tuple
    cells: list[tuple]
    checks: list[tuple]
    wide: dict[str, tuple]
    fts: tuple


def _name(rng: random.Random, suffix: str, taken: set[str]) -> str:
    while True:
        name = "".join(rng.sample(PLACE_CHARS, 2)) + suffix
        if name not in taken:
            taken.add(name)
            return name


def portals(scale: float, seed: int = 2024) -> list[Portal]:
    """~2,900 × scale county-level units with plausible names and 6-digit codes."""
    rng = random.Random(seed)
    out: list[Portal] = []
    taken: set[str] = set()
    for code, province, n in PROVINCES:
        n = max(1, round(n * 1.02 * scale))
        n_pref = max(1, round(n / 9))
        prefs = [_name(rng, "市", taken) for _ in range(n_pref)]
        for i in range(n):
            pref = i % n_pref
            suffix = rng.choice(("县", "县", "县", "区", "市"))
            name = _name(rng, suffix, taken)
            pcode = f"{code}{pref + 1:02d}{i // n_pref + 21:02d}"
            p = Portal(pcode, name, province, prefs[pref], f"http://www.{pcode}.gov.cn/")
            local: set[str] = set()
            towns = [
                _name(rng, rng.choice(("镇", "镇", "乡", "街道")), local) for _ in range(TOWNSHIPS)
            ]
            p.agencies = [
                f"{name}人民政府",
                f"{name}人民政府办公室",
                *(f"{name}{d}" for d in DEPARTMENTS),
                *(t + ("办事处" if t.endswith("街道") else "人民政府") for t in towns),
            ]
            out.append(p)
    return out


class Narrative:
    """Paragraph pools from the real fixture reports, re-used with names and years replaced."""

    def __init__(self, texts: list[dict[str, str]]):
        self.pools: dict[str, list[str]] = {"overview": [], "problems": [], "other_matters": []}
        for sections in texts:
            for key, pool in self.pools.items():
                for para in (sections.get(key) or "").split("\n"):
                    para = para.strip()
                    # Sentences with counts would contradict this report's own tables.
                    if len(para) >= 12 and not _COUNTS.search(para):
                        pool.append(para)

    @staticmethod
    def _localise(para: str, agency: str, county: str, year: int) -> str:
        for name in FIXTURE_NAMES:
            para = para.replace(name, agency if name.endswith(("局", "政府")) else county)
        return _YEAR.sub(lambda m: str(year + (int(m.group(0)) - 2023)), para)

    def section(self, rng: random.Random, key: str, n: int, agency: str, county: str, year: int):
        pool = self.pools[key]
        return [
            self._localise(p, agency, county, year) for p in rng.sample(pool, min(n, len(pool)))
        ]


def _fixture_texts(fixtures: Path) -> list[dict[str, str]]:
    from parsers import parse_file

    return [
        parse_file(p, ocr=False)["sections"]
        for p in sorted(fixtures.glob("*/[0-9][0-9][0-9].html"))
    ]


def _raw(value: float | int | None, blank_zero: bool) -> tuple[float | int | None, str, str]:
    if value is None:
        return None, "", "EMPTY"
    if value == 0:
        return (None, "", "EMPTY") if blank_zero else (0, "0", "ZERO")
    return value, (f"{value:g}" if isinstance(value, float) else str(value)), "NUMERIC"


class Generator:
    def __init__(self, scale: float, fixtures: Path, seed: int = 2024):
        self.seed = seed
        self.rng = random.Random(seed)
        self.portals = portals(scale, seed)
        self.narrative = Narrative(_fixture_texts(fixtures))
        self._types: dict[tuple[str, str], str] = {}
        self._line_cache: dict[str, str] = {}
        self._verified = 0
        self.report_id = 0

    def index_lines(self, text: str) -> str:
        """``index_text(text)``, line by line with a cache: table lines repeat a lot.

        Equal to ``index_text(text)`` because a newline ends every token run; the first reports
        are checked against it.
        """
        out = []
        for line in text.split("\n"):
            tokens = self._line_cache.get(line)
            if tokens is None:
                tokens = index_text(line)
                if len(self._line_cache) < 200_000:
                    self._line_cache[line] = tokens
            if tokens:
                out.append(tokens)
        joined = " ".join(out)
        if self._verified < 20:
            assert joined == index_text(text), "index_lines differs from index_text"
            self._verified += 1
        return joined

    def agency_type(self, agency: str, county: str) -> str:
        key = (agency, county)
        if key not in self._types:
            self._types[key] = agency_type(agency, county)
        return self._types[key]

    # --- values --------------------------------------------------------------------------

    def _t3_values(self, kind: str, layout: str, carried: dict[str, int]) -> dict:
        """One agency-year of table 三: balanced by construction, per applicant column."""
        rng = self.rng
        spec = schema.t3_spec(layout)
        leaves = [
            r
            for r in spec.row_keys
            if r not in ("new_received", "carried_over", "total_processed", "carried_forward")
        ]
        weights = {r: 0.4 for r in leaves}
        weights |= {"granted": 50, "partially_granted": 6, "unable_not_held": 22,
                    "not_processed_duplicate": 3, "not_processed_petition": 4,
                    "denied_process_info": 2, "denied_third_party_rights": 2}  # fmt: skip
        scale = {"government": 40, "office": 25, "department": 6, "township": 1.5}.get(kind, 2)
        v: dict[tuple[str, str], int] = {}
        for c in schema.T3_APPLICANT_COLS:
            mean = scale * (1 if c == "natural_person" else 0.08 if c != "other_org" else 0.03)
            new = int(rng.expovariate(1 / mean)) if rng.random() < 0.8 else 0
            over = carried.get(c, 0)
            todo = new + over
            forward = sum(1 for _ in range(todo) if rng.random() < 0.08)
            done = todo - forward
            counts = dict.fromkeys(leaves, 0)
            for r in rng.choices(leaves, [weights[r] for r in leaves], k=done):
                counts[r] += 1
            v |= {("new_received", c): new, ("carried_over", c): over,
                  ("total_processed", c): done, ("carried_forward", c): forward}  # fmt: skip
            v |= {(r, c): n for r, n in counts.items()}
        for r in spec.row_keys:
            v[(r, "total")] = sum(v[(r, c)] for c in schema.T3_APPLICANT_COLS)
        return v

    def _t4_values(self, kind: str) -> dict:
        rng = self.rng
        v = {}
        for r in schema.T4.row_keys:
            n = (
                0
                if rng.random() < 0.85
                else int(rng.expovariate(1 / (3 if kind != "township" else 1)))
            )
            parts = dict.fromkeys(("upheld", "corrected", "other", "pending"), 0)
            for c in rng.choices(list(parts), (60, 10, 15, 15), k=n):
                parts[c] += 1
            v |= {(r, c): x for c, x in parts.items()} | {(r, "total"): n}
        return v

    def _t2_values(
        self, layout: str, stock: dict
    ) -> dict[tuple[str, str, str], float | int | None]:
        rng = self.rng

        def draw(mean: float) -> int:
            return int(rng.expovariate(1 / mean))

        if layout == "v2021":
            issued, repealed = rng.randint(0, 6), rng.randint(0, 2)
            stock["normative_documents"] = max(
                0, stock.get("normative_documents", 10) + issued - repealed
            )
            return {
                ("t2_art20_1", "regulations", "issued"): None if rng.random() < 0.1 else 0,
                ("t2_art20_1", "regulations", "repealed"): 0,
                ("t2_art20_1", "regulations", "in_force"): 0,
                ("t2_art20_1", "normative_documents", "issued"): issued,
                ("t2_art20_1", "normative_documents", "repealed"): repealed,
                ("t2_art20_1", "normative_documents", "in_force"): stock["normative_documents"],
                ("t2_art20_5", "administrative_license", "decisions"): draw(300),
                ("t2_art20_6", "administrative_penalty", "decisions"): draw(80),
                ("t2_art20_6", "administrative_coercion", "decisions"): draw(5),
                ("t2_art20_8", "administrative_fees", "fee_amount"): round(
                    rng.expovariate(1 / 40), 2
                ),
            }
        out: dict[tuple[str, str, str], float | int | None] = {}
        for spec in schema.T2_V2019:
            for r in spec.row_keys:
                for c in spec.col_keys:
                    if c == "change":
                        out[(spec.key, r, c)] = rng.randint(-2, 20)
                    elif c == "procurement_amount":
                        out[(spec.key, r, c)] = round(rng.expovariate(1 / 200), 1)
                    else:
                        out[(spec.key, r, c)] = 2 + int(rng.expovariate(1 / 30))
            if spec.key == "t2_art20_1":
                for r in spec.row_keys:  # the new ones are among the published ones
                    made = out[(spec.key, r, "newly_made")]
                    out[(spec.key, r, "newly_published")] = made
                    out[(spec.key, r, "total_published")] += made
        return out

    # --- one report ----------------------------------------------------------------------

    def reports_of(self, index: int) -> list[Rows]:
        """Every report of one county, years in order; ids from a block of its own.

        Each county draws from its own random stream and owns ids ``index × 240 + 1 …``, so
        counties can be generated in parallel processes and still come out the same.
        """
        p = self.portals[index]
        self.rng = rng = random.Random(f"{self.seed}-{p.code}")
        self.report_id = index * AGENCIES_PER_COUNTY * len(YEARS)
        out: list[Rows] = []
        for agency in p.agencies:
            kind = self.agency_type(agency, p.name)
            carried: dict[str, int] = {}
            stock: dict = {}
            prev: dict | None = None  # cells of the previous year's report, for X_ checks
            start = YEARS[0] if rng.random() < 0.9 else rng.choice(YEARS[1:])
            for year in YEARS:
                if year < start or rng.random() < 0.03:
                    carried, prev = {}, None  # a year not published: a gap
                    self.report_id += 1
                    continue
                rows, cur = self._report(p, agency, kind, year, carried, stock, prev)
                carried = {c: cur[(T3, "carried_forward", c)]["value"] or 0
                           for c in schema.T3_APPLICANT_COLS
                           if (T3, "carried_forward", c) in cur}  # fmt: skip
                prev = cur
                out.append(rows)
        return out

    def reports(self) -> Iterator[Rows]:
        for i in range(len(self.portals)):
            yield from self.reports_of(i)

    def _report(self, p: Portal, agency: str, kind: str, year: int, carried, stock, prev):
        rng = self.rng
        self.report_id += 1
        rid = self.report_id
        if year <= 2020:
            sec2 = sec3 = "v2019"
        else:
            roll = rng.random()
            # A few reports keep the 2019 format after 2021, or mix the two (hybrid).
            sec2 = "v2019" if roll < 0.05 else "v2021"
            sec3 = "v2019" if roll < 0.03 else "v2021"
        template = sec2 if sec2 == sec3 else "hybrid"
        blank_zero = rng.random() < 0.12
        t2 = self._t2_values(sec2, stock)
        t3 = self._t3_values(kind, sec3, carried)
        t4 = self._t4_values(kind)
        cells: dict[tuple[str, str, str], dict] = {}
        for (t, r, c), v in t2.items():
            val, raw, sem = _raw(v, False)
            if t == "t2_art20_1" and r == "regulations" and v is None:
                val, raw, sem = None, "/", "NA"
            spec = next(s for s in schema.t2_specs(sec2) if s.key == t)
            cells[(t, r, c)] = {"table": t, "row": r, "col": c, "value": val, "raw": raw,
                                "semantic": sem, "unit": spec.unit_of(c), "page": 2}  # fmt: skip
        for (r, c), v in t3.items():
            val, raw, sem = _raw(v, blank_zero)
            cells[(T3, r, c)] = {"table": T3, "row": r, "col": c, "value": val, "raw": raw,
                                 "semantic": sem, "unit": None, "page": 3}  # fmt: skip
        for (r, c), v in t4.items():
            val, raw, sem = _raw(v, blank_zero)
            cells[(T4, r, c)] = {"table": T4, "row": r, "col": c, "value": val, "raw": raw,
                                 "semantic": sem, "unit": None, "page": 4}  # fmt: skip
        if rng.random() < 0.04:  # a typo in the printed table: the checks should catch it
            key = rng.choice([k for k in cells if k[0] == T3 and k[2] != "total"])
            cell = cells[key]
            cell["value"] = (cell["value"] or 0) + rng.randint(1, 9)
            cell["raw"], cell["semantic"] = str(cell["value"]), "NUMERIC"
        cell_list = list(cells.values())

        county = p.name
        title = f"{agency}{year}年政府信息公开工作年度报告"
        nv = self.narrative
        total = {r: t3.get((r, "total"), 0) for r in ("new_received", "carried_over",
                 "total_processed", "carried_forward")}  # fmt: skip
        review, review_fixed = t4[("review", "total")], t4[("review", "corrected")]
        lawsuits = t4[("litigation_direct", "total")] + t4[("litigation_after_review", "total")]
        facts = (
            f"{year}年收到政府信息公开申请{total['new_received']}件，上年结转"
            f"{total['carried_over']}件，共答复政府信息公开申请{total['total_processed']}件，"
            f"其余{total['carried_forward']}件结转{year + 1}年度办理。"
            + (f"全年因政府信息公开引起行政复议{review}件，其中结果纠正{review_fixed}件。"
               if review else "全年未发生因政府信息公开引起的行政复议。")
            + (f"因政府信息公开被提起行政诉讼{lawsuits}件。" if lawsuits
               else "无因政府信息公开引起的行政诉讼案件。")
        )  # fmt: skip
        overview = "\n".join([facts, *nv.section(rng, "overview", 4, agency, county, year)])
        problems = "\n".join(nv.section(rng, "problems", 3, agency, county, year))
        other = "\n".join(nv.section(rng, "other_matters", 3, agency, county, year))
        text = "\n".join([title, "一、总体情况", overview, "二、主动公开政府信息情况",
                          _table_text(cells, sec2, sec3), "五、存在的主要问题及改进情况",
                          problems, "六、其他需要报告的事项", other, agency])  # fmt: skip

        ix = checks.CellIndex(cell_list)
        sections = {"overview": overview, "problems": problems, "other_matters": other}
        check_list = [
            *checks.t2_checks(ix, sec2),
            *checks.t3_checks(ix, sec3, {}),
            *checks.t4_checks(ix, "standard"),
            *checks.text_checks(ix, sections, sec3, "standard"),
        ]
        if prev is not None:
            for c in schema.T3_COLS:
                col = c[0]
                over, fwd = (
                    cells.get((T3, "carried_over", col)),
                    prev.get((T3, "carried_forward", col)),
                )
                if over and fwd:
                    x = checks.identity(
                        "X_T3_CARRY", col,
                        [checks.Operand(f"carried_over.{col}", over["value"], over["semantic"])],
                        [checks.Operand(f"carried_forward.{col}", fwd["value"], fwd["semantic"])],
                        severity="warning",
                    )  # fmt: skip
                    check_list.append(x | {"note": f"{year} 上年结转 vs {year - 1} 结转下年度"})

        # Departments by 31 January, governments by 31 March; a few are late.
        deadline_month = 1 if kind in ("department", "office") else 3
        if rng.random() < 0.07:
            month, day = deadline_month + rng.randint(1, 4), rng.randint(1, 28)
        else:
            month = rng.randint(1, deadline_month)
            day = rng.randint(5 if month == 1 else 1, 31 if month != 2 else 28)
        published = f"{year + 1}-{month:02d}-{day:02d}"
        seen_month = min(12, month + rng.randint(0, 2))
        seen = (
            f"{year + 1}-{seen_month:02d}-{rng.randint(1, 28):02d}"
            f"T0{rng.randint(0, 9)}:{rng.randint(10, 59)}:00Z"
        )
        media_type = rng.choices(MEDIA_TYPES, (60, 15, 20, 5))[0]
        sha = hashlib.sha256(f"{p.code}|{agency}|{year}".encode()).hexdigest()
        ext = EXTENSIONS[media_type]
        page_url = f"{p.url}zwgk/ndbg/{year}/{rid}.html"
        doc_url = (
            page_url if media_type == "text/html" else f"{p.url}uploads/{year}/{sha[:12]}{ext}"
        )
        failed = sum(
            1 for c in check_list if c["status"] == "FAIL" and c.get("severity") == "error"
        )
        extraction = rng.choices(("text", "ocr", "mixed"), (88, 9, 3))[0]
        report = {
            "id": rid, "report_key": report_key(p.code, agency, year, sha),
            "portal_code": p.code, "province": p.province, "prefecture": p.prefecture,
            "county": county, "agency": agency, "agency_type": kind, "year": year,
            "title": title, "document_title": title, "listed_title": title,
            "listed_agency": None, "listed_year": None, "page_url": page_url,
            "document_url": doc_url, "document_sha256": sha, "media_type": media_type,
            "published": published, "report_date": f"{year + 1}-{month:02d}-{max(1, day - 2):02d}",
            "template_version": template, "layout_sec2": sec2, "layout_sec3": sec3,
            "layout_sec4": "standard", "extraction": extraction, "parser_version": PARSER_VERSION,
            "parsed_at": seen, "is_annual_report": 1, "year_source": "title",
            "checks_failed": failed,
            "checks_uncertain": sum(1 for c in check_list if c["status"] == "UNCERTAIN"),
            "first_seen": seen, "last_seen": seen, "fetched_at": seen, "warnings": "[]",
            "overview": overview, "problems": problems, "other_matters": other, "text": text,
        }  # fmt: skip
        size = rng.randint(40_000, 600_000)
        path = f"{sha[:2]}/{sha[2:4]}/{sha}{ext}"
        wide = self._wide(rid, p.code, agency, year, cells, sec2, sec3)
        rows = Rows(
            report=report,
            document=(sha, media_type, size, path, f"{rid}{ext}", seen, PARSER_VERSION, 1),
            fetch=(doc_url, seen, 200, None, None, sha, None, media_type, p.code, 1, page_url),
            report_document=(rid, sha, doc_url, page_url, seen, seen),
            cells=[
                (
                    rid,
                    c["table"],
                    c["row"],
                    c["col"],
                    c["value"],
                    c["raw"],
                    c["semantic"],
                    c["unit"],
                    c["page"],
                    None,
                )
                for c in sorted(cell_list, key=lambda c: (c["table"], c["row"], c["col"]))
            ],
            checks=sorted(tuple(check_row(rid, c).values()) for c in check_list),
            wide=wide,
            fts=(rid, index_text(title), index_text(agency), self.index_lines(text)),
        )
        return rows, cells

    @staticmethod
    def _wide(rid, code, agency, year, cells, sec2, sec3) -> dict[str, tuple]:
        out = {}
        layout = {
            "applications": sec3,
            "review_litigation": "standard",
            "proactive_disclosure": sec2,
        }
        for name, (table, keys) in WIDE.items():
            if table == "t2_*":
                values = [cells[(t, r, c)]["value"] if (t, r, c) in cells else None
                          for t, r, c in T2_COLUMNS]  # fmt: skip
            else:
                values = [cells[(table, r, c)]["value"] if (table, r, c) in cells else None
                          for r, c in keys]  # fmt: skip
            out[name] = (rid, code, agency, year, layout[name], *values)
        return out


def _table_text(cells: dict, sec2: str, sec3: str) -> str:
    """The tables as a text layer prints them: label, then the raw cells, tab-separated."""
    lines = []
    for spec in schema.t2_specs(sec2):
        lines.append(spec.caption)
        lines.append("\t".join(["信息内容", *(label for _, label in spec.cols)]))
        for r, label in spec.rows:
            lines.append(
                "\t".join([label, *(cells[(spec.key, r, c)]["raw"] for c in spec.col_keys)])
            )
    lines.append("三、收到和处理政府信息公开申请情况")
    t3 = schema.t3_spec(sec3)
    lines.append("\t".join(["申请人情况", *(label for _, label in t3.cols)]))
    for r, label in t3.rows:
        lines.append("\t".join([label, *(cells[(T3, r, c)]["raw"] for c in t3.col_keys)]))
    lines.append("四、政府信息公开行政复议、行政诉讼情况")
    lines.append("\t".join(label for _, label in schema.T4.cols))
    for r, label in schema.T4.rows:
        lines.append("\t".join([label, *(cells[(T4, r, c)]["raw"] for c in schema.T4.col_keys)]))
    return "\n".join(lines)
