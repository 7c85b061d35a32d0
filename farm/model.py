"""The farm's site model: portals, agencies, reports and decoys.

Everything here is plain data produced deterministically by the portal catalogues in
``farm/sites/*``. Site builders fill in the URLs where each report and decoy is reachable, and
``farm/manifest.py`` turns the finished model into the ground truth that tests compare a crawl
against.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# Report carriers: how the report reaches a reader (portals.md §1.9)
CARRIERS = (
    "html",  # the article page is the full report (six sections, tables as rowspan/colspan)
    "attachment",  # an article ("详见附件") links the document; the document is the report
    "file-link",  # the list links the document directly, there is no article page
    "images",  # 图片版: the article is only <img> slices of the printed pages
)  # (Hanweb xxgkAnnualReport.jsp pages, rendered from structured data, appear as twins)
# Document formats the farm serves as a report's primary document
FORMATS = ("html", "pdf", "docx", "doc", "wps", "scan_pdf", "ofd", "images")


@dataclass(frozen=True)
class Agency:
    key: str  # unique within the portal, used in ids ("gov", "office", "jyj", …)
    name: str  # canonical full name (青溪县横山镇人民政府)
    kind: str  # government | office | department | township (crawler/archive/agencies.py)
    short: str  # abbreviated form some titles and ContentSource fields use (县教育局, 横山镇)
    credit_code: str  # 18-char 统一社会信用代码 (fictional), the Hanweb 索引号 / xxgk area prefix

    @property
    def aliases(self) -> list[str]:
        return sorted({self.name, self.short})


@dataclass
class Report:
    """One expected annual report (one agency, one year) on one portal."""

    id: str  # "{portal}-{agency.key}-{year}"
    portal: str
    agency: Agency
    year: int
    title: str  # as listed and as ArticleTitle
    published: dt.date
    fmt: str = "html"  # primary document format (FORMATS)
    carrier: str = "html"  # CARRIERS
    sec2: str = "v2021"
    sec3: str = "v2021"
    errors: tuple[str, ...] = ()  # deliberate arithmetic/text errors to inject (reportgen)
    must_archive: bool = True
    note: str = ""
    fault: str = ""  # a fault that makes the report unobtainable or odd (see docs/farm.md)
    body_title: str | None = None  # printed title when it differs from the listed one
    revised: bool = False  # the 'revise' mutation replaced the document bytes at the same URL
    # filled by the site builder
    page_url: str = ""  # the article (or list entry) that announces it
    document_urls: list[str] = field(default_factory=list)  # attachment / file URLs
    twin_urls: list[str] = field(default_factory=list)  # _wap, duplicate channels, module
    truth: dict | None = None  # filled lazily by reportgen.truth_for

    @property
    def template_version(self) -> str:
        return self.sec2 if self.sec2 == self.sec3 else "hybrid"

    @property
    def urls(self) -> list[str]:
        out = [self.page_url, *self.document_urls, *self.twin_urls]
        return [u for i, u in enumerate(out) if u and u not in out[:i]]


@dataclass
class Decoy:
    """A look-alike that must NOT be archived as a report of the portal (portals.md §2.4)."""

    portal: str
    title: str
    kind: str  # notice|rule_of_law|housing_fund|budget|news|parent|work_report|mirror|…
    published: dt.date
    urls: list[str] = field(default_factory=list)
    note: str = ""


@dataclass
class Portal:
    code: str
    name: str
    province: str
    prefecture: str
    url: str  # registry URL (home page)
    archetype: str  # hanweb|trs|gkmlpt|jsonapi|challenge|vsb|hostile|disallowed|unreachable
    outcome: str  # expected portals.status
    reason: str
    hosts: list[str] = field(default_factory=list)
    platform: str = ""  # registry override ("" = detect)
    js: str = ""  # registry override ("" = detect)
    section: str = ""  # where in portals.md it comes from
    agencies: list[Agency] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)
    decoys: list[Decoy] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def agency(self, key: str) -> Agency:
        return next(a for a in self.agencies if a.key == key)

    def report(self, agency_key: str, year: int) -> Report:
        return next(r for r in self.reports if r.agency.key == agency_key and r.year == year)


def credit_code(portal_code: str, seq: int) -> str:
    """A fictional 统一社会信用代码: 11 (机关) + region code + 9-char org code + check char."""
    return f"11{portal_code}MB{seq:07d}{'0123456789ABCDEFGHJKLMNPQRTUWXY'[seq * 7 % 31]}"
