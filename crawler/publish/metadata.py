"""Datasette metadata for the archive, built in Python so that no label is written twice.

Datasette 0.65 keeps descriptions, table options (facets, sort, search, hidden), plugin
configuration and canned queries in one metadata document; Datasette 1.0 splits it into
metadata.yaml and datasette.yaml. Everything is built by :func:`build_metadata`, so moving to
1.0 means splitting one dict.
"""

from __future__ import annotations

from .findings_metadata import findings_tables
from .queries import CANNED
from .vocab import AGENCY_TYPES, SEMANTICS, STATUSES, wide_column_labels

LICENSE = (
    "Data: public government information (政府信息公开工作年度报告, published under 条例 "
    "Art. 50); code: Apache-2.0"
)

DESCRIPTION_HTML = """
<p>Every 政府信息公开工作年度报告 (government information-disclosure annual report) found on
China's county-level portals, read into the tables of the national format: 表二 主动公开,
表三 依申请公开 (25 × 7), 表四 行政复议、行政诉讼 — each cell as printed and as a number —
with the format's own arithmetic checks (勾稽关系).</p>
<p><a href="/-/search">Search every report</a> (any Chinese word, even 复议 or 公开) ·
<a href="/-/charts">applications over the years</a> ·
<a href="/-/places">by province, prefecture and county</a> ·
<a href="/-/rankings">rankings</a> · <a href="/-/map">map</a> ·
<a href="/-/downloads">downloads</a> ·
<a href="/-/feed.atom">Atom feed of new reports</a> · <a href="/-/flags.atom">of new flags</a></p>
"""

_REPORT_COLUMNS = {
    "id": "Report id (stable; the report page is /-/report/<id>)",
    "report_key": "What makes a report one report: portal|agency|year (or portal|sha:<sha256>)",
    "portal_code": "行政区划代码 of the county-level unit whose portal published it",
    "province": "省级 province (from the portal registry)",
    "prefecture": "地级 prefecture-level city (from the portal registry)",
    "county": "县级 county, district or county-level city (from the portal registry)",
    "agency": "发布机关 the publishing agency, as the portal or the document names it",
    "agency_type": "government, office, department, township, zone or other: sets the deadline",
    "year": "报告年度 the year the report covers (published early the next year)",
    "title": "Title (the portal's list entry, else the document's)",
    "document_title": "The title printed in the document",
    "listed_title": "What the portal's list said (kept for re-parsing)",
    "listed_agency": "The agency the portal's list named, if any",
    "listed_year": "The year the portal's list named, if any",
    "page_url": "The portal page that announced the report (article or list entry)",
    "document_url": "Where the document itself was downloaded",
    "document_sha256": "sha256 of the stored document: the original is at /-/document/<sha256>",
    "media_type": "Format of the document (PDF, DOCX, DOC, HTML …)",
    "published": "发布日期 the date the portal shows",
    "report_date": "成文日期 the date printed at the end of the report",
    "template_version": (
        "v2021 (国办公开办函〔2021〕30号), v2019 (〔2019〕60号), hybrid, pre2019, unknown"
    ),
    "layout_sec2": "Layout of section 二's tables: v2021, v2019, absent, image_only, unparsed",
    "layout_sec3": "Layout of 表三: v2021 (25 rows), v2019 (23 rows), absent, image_only, unparsed",
    "layout_sec4": "Layout of 表四: standard, absent, image_only, unparsed",
    "extraction": "How the text was read: text (text layer), ocr, mixed, none",
    "parser_version": "Version of the parser that produced the cells",
    "parsed_at": "When it was parsed",
    "is_annual_report": "1 when the document is an annual report",
    "year_source": "Where the year came from (portal, title, text …)",
    "checks_failed": "Number of arithmetic checks (severity error) that FAIL",
    "checks_uncertain": "Number of checks that cannot be decided (blank totals, unreadable cells)",
    "first_seen": "When the archive first saw the report (UTC)",
    "last_seen": "When a crawl last saw it (UTC)",
    "fetched_at": "When its document was downloaded (UTC)",
    "warnings": "Parser warnings (JSON list)",
    "overview": "Section 一、总体情况 (text)",
    "problems": "Section 五、存在的主要问题及改进情况 (text)",
    "other_matters": "Section 六、其他需要报告的事项 (text)",
    "text": "The whole document as text",
}

_WIDE_COMMON = {
    "report_id": "The report (reports.id)",
    "portal_code": "行政区划代码 of the portal",
    "agency": "Publishing agency",
    "year": "Report year",
    "layout": "The template layout the cells follow (v2021 / v2019 / standard)",
}

_VIEW_COMMON = {
    "report_id": "The report (reports.id); its page is /-/report/<id>",
    "province": "Province",
    "prefecture": "Prefecture-level city",
    "county": "County-level unit",
    "agency": "Publishing agency",
    "year": "Report year",
}


def _semantic_text() -> str:
    return "; ".join(f"{k}: {v}" for k, v in SEMANTICS.items())


def tables() -> dict[str, dict]:
    labels = wide_column_labels()
    return {
        "reports": {
            "title": "Reports · 年度报告",
            "description": (
                "One row per annual report (portal, agency, year) with its metadata, text and "
                "the count of failed checks. The search box finds Chinese words of any length. "
                "Click a title for the report laid out like the printed tables, and "
                "document_sha256 for the original document."
            ),
            "fts_table": "reports_fts",
            "fts_pk": "id",
            "facets": ["province", "year", "agency_type", "template_version", "extraction"],
            "sort_desc": "first_seen",
            # Only indexed columns: sorting 700,000 reports by any other column is slow.
            "sortable_columns": [
                "id",
                "year",
                "first_seen",
                "checks_failed",
                "province",
                "portal_code",
                "template_version",
                "agency_type",
            ],
            "label_column": "title",
            "columns": _REPORT_COLUMNS,
        },
        "portals": {
            "title": "Portals · 门户网站",
            "description": "The registry of county-level portals and how their last crawl went.",
            "facets": ["province", "status", "platform"],
            "sort": "code",
            "label_column": "name",
            "columns": {
                "code": "行政区划代码 (6 digits)",
                "name": "Name of the county-level unit",
                "province": "Province",
                "prefecture": "Prefecture-level city",
                "url": "The portal (or its 政府信息公开 page)",
                "platform": "Site platform (hanweb, trs, gkmlpt, vsb …), registry or detected",
                "js": "1 if its list pages need a browser",
                "status": (
                    "Last crawl: ok, partial, disallowed, blocked, unreachable, no-column-found"
                ),
                "status_reason": "Why, in a few words",
                "last_crawled": "When (UTC)",
                "last_crawl_run": "The crawl (crawl_runs.id)",
            },
        },
        "documents": {
            "title": "Documents · 原始文件",
            "description": (
                "Distinct document bytes, stored once by sha256. Open one at /-/document/<sha256>."
            ),
            "facets": ["media_type"],
            "columns": {
                "sha256": "sha256 of the bytes",
                "media_type": "Format",
                "size": "Bytes",
                "path": "Where it is stored, relative to <archive>-files/",
                "filename": "File name when it was imported or downloaded",
                "first_seen": "When it was first stored (UTC)",
                "parser_version": "The parser that last read it",
                "is_annual_report": "Whether the parser found an annual report in it",
            },
        },
        "fetches": {
            "title": "Fetches · 抓取记录",
            "description": "Every HTTP request for a document URL and what came back.",
            "facets": ["status", "content_type"],
            "sort_desc": "id",
            # Only indexed columns: sorting 700,000 reports by any other column is slow.
            "sortable_columns": ["id"],
            "columns": {
                "url": "The URL",
                "fetched_at": "When (UTC)",
                "status": "HTTP status",
                "etag": "ETag header",
                "last_modified": "Last-Modified header",
                "sha256": "The document received (documents.sha256); empty when it failed",
                "error": "What went wrong",
                "content_type": "Content-Type header",
                "portal_code": "The portal",
                "crawl_run": "The crawl (crawl_runs.id)",
                "referer": "The page that linked to it",
            },
        },
        "report_documents": {
            "title": "Report documents · 报告的各个版本",
            "description": (
                "Every document and URL a report was found as: mirrors, _wap twins, and the "
                "old versions of a document changed on the portal."
            ),
            "columns": {
                "report_id": "The report",
                "sha256": "The document",
                "url": "Where it was found",
                "page_url": "The page that announced it",
                "first_seen": "First seen (UTC)",
                "last_seen": "Last seen (UTC)",
            },
        },
        "cells": {
            "title": "Cells · 表格单元格",
            "description": (
                "Every cell of every report, long form: one row per (report, table, row, col). "
                "The wide tables applications, review_litigation and proactive_disclosure hold "
                "the same values one report per row. Filter by report_id for one report."
            ),
            "columns": {
                "report_id": "The report",
                "table_key": "t2_art20_1 / _5 / _6 / _8 / _9 (表二), t3_applications (表三), "
                "t4_review_litigation (表四)",
                "row_key": "Row (see docs/data-dictionary.md for every key and its label)",
                "col_key": "Column",
                "value": "The number, or empty when the cell is not a number",
                "raw": "The cell as printed ('' when blank)",
                "semantic": _semantic_text(),
                "unit": "件, 万元, 项 … when the table or the cell says",
                "page": "Page of the document it was read from",
                "flags": "Parser flags (comma-separated)",
                "bbox": "Where it was printed on the page: [x0, top, x1, bottom] in PDF points",
                "confidence": "Read by OCR: how sure the recogniser was (0–1, its least sure "
                "text); empty for text that was read, not recognised",
            },
        },
        "checks": {
            "title": "Checks · 勾稽关系检查",
            "description": (
                "Every check result of every report: the format's arithmetic rules, text vs "
                "table, structure, and cross-year rules (X_…) between consecutive years."
            ),
            "facets": ["rule", "status", "severity"],
            "columns": {
                "report_id": "The report",
                "rule": "Rule id (docs/data-dictionary.md lists them all)",
                "scope": "Where it applies: a column, a row, text …",
                "status": "; ".join(f"{k}: {v}" for k, v in STATUSES.items()),
                "mode": "strict (blanks unknown) or lenient (blanks read as 0)",
                "severity": "error, warning or info",
                "left": "Left side of the identity",
                "right": "Right side (the printed total)",
                "delta": "left − right",
                "derived": "The total the other cells imply, when the printed total is blank",
                "note": "Explanation",
                "evidence": "The sentence of the text the check read",
            },
        },
        "crawl_runs": {
            "title": "Crawl runs · 抓取批次",
            "sort_desc": "id",
            "columns": {
                "id": "Run id",
                "started": "Start (UTC)",
                "finished": "End (UTC)",
                "registry": "The portal registry used",
                "args": "Options (JSON)",
                "stats": "Counts (JSON)",
            },
        },
        "applications": {
            "title": "表三 applications, one report per row",
            "description": (
                "Section 三 (收到和处理政府信息公开申请情况) of each report: one column per "
                "cell, named <row>_<col>, e.g. new_received_total = 一、本年新收政府信息公开"
                "申请数量 · 总计. Blank and '/' cells are empty here; the cells table keeps what "
                "was printed."
            ),
            "facets": ["year", "layout"],
            "columns": _WIDE_COMMON | labels["applications"],
        },
        "review_litigation": {
            "title": "表四 administrative review and litigation, one report per row",
            "description": (
                "Section 四 (行政复议、行政诉讼) of each report: review_*, litigation_direct_* "
                "(未经复议直接起诉), litigation_after_review_* (复议后起诉) × upheld, corrected, "
                "other, pending, total."
            ),
            "facets": ["year"],
            "columns": _WIDE_COMMON | labels["review_litigation"],
        },
        "proactive_disclosure": {
            "title": "表二 proactive disclosure, one report per row",
            "description": (
                "Section 二 (主动公开政府信息情况) of each report. The 2019 and 2021 formats "
                "have different columns; each column says which format it belongs to."
            ),
            "facets": ["year", "layout"],
            "columns": _WIDE_COMMON | labels["proactive_disclosure"],
        },
        "failing_reports": {
            "title": "Finding: reports whose tables do not add up",
            "description": "Reports with at least one failed arithmetic check (severity error).",
            "facets": ["province", "year"],
            "columns": _VIEW_COMMON
            | {
                "checks_failed": "Failed checks",
                "failures": "rule scope: left ≠ right, for each failure",
            },
        },
        "late_reports": {
            "title": "Finding: reports published after the deadline",
            "description": (
                "Departments and offices must publish by 31 January, governments by 31 March "
                "of the next year (条例 Art. 49)."
            ),
            "facets": ["province", "year", "agency_type"],
            "columns": _VIEW_COMMON
            | {
                "agency_type": "Decides the deadline",
                "published": "Date on the portal",
                "deadline": "Statutory deadline",
                "days_late": "Days after the deadline",
            },
        },
        "missing_years": {
            "title": "Finding: agencies missing a year they published before",
            "description": "An agency with a report for one year and none for the next one.",
            "columns": {
                "missing_year": "The year with no report",
                "last_published_year": "The year before, which has one",
            },
        },
        "county_applications": {
            "title": "Finding: applications, denials and corrections by county and year",
            "description": (
                "denial_rate = denied / processed; review_correction_rate = reviews ended "
                "结果纠正 / reviews."
            ),
            "columns": {
                "new_received": "一、本年新收 总计, summed over the county's reports",
                "processed": "（七）总计",
                "denied": "（三）不予公开, all eight reasons",
                "denial_rate": "denied / processed",
                "reviews": "行政复议 总计",
                "reviews_corrected": "行政复议 结果纠正",
                "review_correction_rate": "reviews_corrected / reviews",
                "lawsuits": "行政诉讼 总计 (direct and after review)",
                "lawsuits_corrected": "行政诉讼 结果纠正",
            },
        },
        **findings_tables(),
        "reports_fts": {"hidden": True},
        "_sqlite_migrations": {"hidden": True},
    }


def build_metadata(database: str) -> dict:
    """The metadata document for an archive served under the database name ``database``."""
    agency_types = "; ".join(f"{k}: {v}" for k, v in AGENCY_TYPES.items())
    table_meta = tables()
    table_meta["reports"]["columns"] = table_meta["reports"]["columns"] | {
        "agency_type": agency_types
    }
    queries = {
        name: {k: v for k, v in q.items() if k != "bench_params"} | {"sql": q["sql"].strip()}
        for name, q in CANNED.items()
    }
    return {
        "title": "nianbao 年报 · 政府信息公开工作年度报告 archive",
        "description_html": DESCRIPTION_HTML.strip(),
        "license": LICENSE,
        "source": "County-level government portals of the People's Republic of China",
        "databases": {
            database: {
                "description": "The archive: reports, their cells and checks, documents, crawls.",
                "tables": table_meta,
                "queries": queries,
            }
        },
    }
