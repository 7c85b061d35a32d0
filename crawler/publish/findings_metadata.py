"""Datasette metadata of the findings' tables (issue 12): labels for every column."""

from __future__ import annotations

from crawler.archive.metrics import METRICS

_PLACE = {
    "portal_code": "行政区划代码 of the county",
    "province": "Province",
    "prefecture": "Prefecture-level city",
    "county": "County-level unit",
}


def findings_tables() -> dict[str, dict]:
    keys = ", ".join(m.key for m in METRICS)
    return {
        "metric_dictionary": {
            "title": "Metric dictionary · 指标说明",
            "description": (
                "What every indicator is: its formula over the national format's cell keys "
                "(table.row.col), its denominator, the caveats to print next to it and the "
                "template version it is defined from. Applications per 10,000 residents is "
                "not here: no population figure is bundled."
            ),
            "sort": "position",
            "columns": {
                "key": "indicators.indicator",
                "name_zh": "中文名",
                "name_en": "English name",
                "kind": "rate, share (of a part), count, similarity",
                "formula": "Over the cell keys table.row.col (blank cells: see caveat)",
                "numerator": "The cells summed above the line",
                "denominator": "The denominator in words (N for the rankings' guard)",
                "caveat": "What a reader must know next to the number",
                "since": "Template version the cells exist from (v2019: both formats)",
                "unit": "Unit of counts",
                "position": "Order on the pages",
            },
        },
        "indicators": {
            "title": "Indicators · 指标",
            "description": (
                "One row per report × indicator (level report) and per county-year across its "
                "agencies (level county: numerators and denominators summed, then divided). "
                "value is NULL when the denominator is 0 or blank — never 0. Filter by "
                "report_id, or by level, portal_code, year and indicator."
            ),
            "columns": _PLACE
            | {
                "level": "report (one report) or county (the county's reports that year summed)",
                "report_id": "The report (level report)",
                "agency": "Publishing agency (level report)",
                "year": "Report year",
                "indicator": f"metric_dictionary.key: {keys}",
                "value": "numerator / denominator (a count: the count); NULL on a 0 denominator",
                "numerator": "Sum of the numerator cells (blank cells in it read as 0)",
                "denominator": "Sum of the denominator cells (N)",
                "blanks": "Blank cells read as 0 in the sums (0: every cell was printed)",
                "reports": "Reports summed",
                "previous": "Value of the same agency (report) or county the year before",
                "change": "value − previous (rates: 0.1 = 10 points)",
            },
        },
        "flags": {
            "title": "Flags · 异常",
            "description": (
                "spike: 新收申请 ≥ 5 × the year before and ≥ 20; sudden_zero: 0 after two years "
                "with applications (together ≥ 10); similar_text: ≥ 95 % the same text as the "
                "agency's report of the year before (雷同年报); revised: the document changed on "
                "the portal, with its numbers or text; stopped: no report after the year given "
                "up to the archive's latest year. Feed: /-/flags.atom."
            ),
            "facets": ["flag", "level", "year"],
            "sort_desc": "first_flagged",
            "columns": _PLACE
            | {
                "flag_key": "flag|level|portal|agency|year|…: stable while the flag holds",
                "flag": "spike, sudden_zero, similar_text, revised, stopped",
                "level": "agency or county (its agencies summed)",
                "report_id": "The report flagged (stopped: the last one published)",
                "previous_report_id": "The report of the year before it is compared with",
                "agency": "The agency (empty: the whole county)",
                "year": "The year flagged (stopped: the first year without a report)",
                "indicator": "The indicator compared",
                "value": "Its value that year (revised: cells changed)",
                "previous": "Its value the year before",
                "detail": "What happened, in words",
                "first_flagged": "When the archive first raised the flag (UTC)",
            },
        },
        "report_revisions": {
            "title": "Report revisions · 发布后修改",
            "description": (
                "A report's document replaced on the portal by another one (same URL, or same "
                "page and format): how many cells changed, which, and how alike the texts are."
            ),
            "columns": {
                "report_id": "The report",
                "old_sha256": "The document before",
                "new_sha256": "The document after",
                "seen": "When the change was archived (UTC)",
                "cells_changed": "Cells whose value changed",
                "changes": "JSON [[table.row.col, before, after], …] (first 50)",
                "text_similarity": "Shingled Jaccard similarity of the two texts",
            },
        },
        "counties": {
            "title": "Counties · 全国县级行政区",
            "description": (
                "The bundled national list of county-level units (crawler/data/counties.csv: "
                "codes CC0, coordinates MIT) with centre points (GCJ-02)."
            ),
            "facets": ["province", "type"],
            "label_column": "name",
            "columns": {
                "code": "行政区划代码",
                "name": "Name",
                "type": "县, 市辖区, 县级市 …",
                "province": "Province",
                "prefecture": "Prefecture",
                "lon": "Longitude",
                "lat": "Latitude",
            },
        },
        "known_counties": {
            "title": "Every county the archive knows",
            "description": "The registered portals, then the national list's other counties.",
            "columns": {"registered": "1: a portal is registered for it"},
        },
    }
