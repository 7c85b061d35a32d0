"""Document → the parsed-report JSON of ``shared/spec/parse-output.md``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import PARSER_VERSION, checks, schema
from .document import Document, Paragraph
from .labels import normalize
from .metadata import Metadata, extract_metadata, report_year
from .sections import Sections, split_sections
from .tables import TableResult, parse_t2, parse_t3, parse_t4, route, sec2_layout

# Any of these means the report follows the 2019/2021 national format (spec §4).
FORMAT_MARKERS = (
    "第二十条第(一)项",
    "本年新收政府信息公开申请数量",
    "本列数据的勾稽关系",
    "未经复议直接起诉",
)
_REPORT_WORDS = ("政府信息公开", "政务公开")


def _template_version(sec2: str, sec3: str) -> str:
    present = [x for x in (sec2, sec3) if x in ("v2021", "v2019")]
    if not present:
        return "unknown"
    if len(set(present)) == 1 and all(x in ("v2021", "v2019", "absent") for x in (sec2, sec3)):
        return present[0]
    if len(set(present)) == 2:
        return "hybrid"
    return "unknown"


def looks_like_report(title: str | None, norm_text: str, n_headings: int) -> bool:
    """Is this a 政府信息公开工作年度报告 at all (crawler decoys: notices, other 年度报告)?"""
    if any(m in norm_text for m in FORMAT_MARKERS):
        return True
    t = normalize(title or "")
    titled = bool(re.search(r"(政府信息公开|政务公开).{0,12}(年度报告|年报|工作报告)", t))
    return (titled and n_headings >= 2) or (
        n_headings >= 4 and any(w in norm_text for w in _REPORT_WORDS)
    )


def build_report(doc: Document, source: dict) -> dict:
    """The parsed-report JSON: tables → check inputs → checks → the JSON itself."""
    sections = split_sections(doc)
    meta = extract_metadata(doc, sections.first_heading_index, sections.text.get("overview", ""))
    full_text = doc.text()
    norm_text = normalize(full_text)
    is_report = looks_like_report(meta.title, norm_text, len(sections.headings))
    pre2019 = (meta.year is not None and meta.year <= 2018) or (
        is_report and not any(m in norm_text for m in FORMAT_MARKERS)
    )
    tables = _read_tables(doc, sections, pre2019)
    warnings = [*doc.warnings, *tables.warnings]
    if not is_report and doc.extraction != "none":
        warnings.append(
            "this does not look like a 政府信息公开工作年度报告 "
            "(no report title, section headings or table markers)"
        )
    check_list = _run_checks(doc, sections, meta, tables)
    return {
        "format_version": schema.FORMAT_VERSION,
        "parser_version": PARSER_VERSION,
        "source": source | {"media_type": doc.media_type, "pages": doc.pages},
        "extraction": doc.extraction,
        "is_annual_report": is_report,
        "title": meta.title,
        "agency": meta.agency,
        "year": meta.year,
        "year_source": meta.year_source,
        "report_date": meta.report_date,
        "published": meta.published,
        "template_version": tables.template,
        "layouts": tables.layouts,
        "sections": {k: sections.text.get(k, "") for k in schema.TEXT_SECTIONS},
        "headings": [
            {"section": h.key, "text": h.text, "ordinal": h.ordinal} for h in sections.headings
        ],
        "cells": tables.cells,
        "checks": check_list,
        "warnings": warnings,
        "text": full_text,
    }


@dataclass
class _Tables:
    """The template tables as the report sees them: layouts, template version, cells."""

    layouts: dict[str, str]
    template: str
    cells: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    t3: TableResult | None = None  # None: tables not read (no text, or a pre-2019 report)
    t4: TableResult | None = None


def _read_tables(doc: Document, sections: Sections, pre2019: bool) -> _Tables:
    """Route the document's tables, parse 二/三/四 and settle each section's layout."""
    if doc.extraction == "none":
        return _Tables({"sec2": "absent", "sec3": "absent", "sec4": "absent"}, "unknown")
    if pre2019:
        # Older reports follow no national table format; keep metadata and text only (§4).
        return _Tables({"sec2": "absent", "sec3": "absent", "sec4": "absent"}, "pre2019")
    routed = route(doc)
    t2, t3, t4 = parse_t2(routed["t2"]), parse_t3(routed["t3"]), parse_t4(routed["t4"])
    if t2.layout == "absent":
        # Section 二 printed without a table we could read: decide its layout from the text.
        sec2_text = _section_text(doc, sections, "proactive_disclosure")
        if sec2_text and sec2_layout(sec2_text)[0] != "unknown":
            t2.layout = "unparsed"
    layouts = {"sec2": t2.layout, "sec3": t3.layout, "sec4": t4.layout}
    _mark_image_only(layouts, doc, sections)
    out = _Tables(layouts, _template_version(layouts["sec2"], layouts["sec3"]), t3=t3, t4=t4)
    for result in (t2, t3, t4):
        out.warnings.extend(result.warnings)
        out.cells.extend(c.as_dict(with_bbox=doc.extraction == "text") for c in result.cells)
    for p in t3.partial_rows + t2.partial_rows + t4.partial_rows:
        out.warnings.append(f"PARTIAL_ROW {p}: values could not be assigned to columns")
    return out


def _mark_image_only(layouts: dict[str, str], doc: Document, sections: Sections) -> None:
    """A section that is there (its heading) but whose table is not, in a document with
    picture pages: its table is one of the pictures (in place)."""
    for key, idx in (
        ("sec2", "proactive_disclosure"),
        ("sec3", "applications"),
        ("sec4", "review_litigation"),
    ):
        if (
            layouts[key] == "absent"
            and doc.image_pages
            and any(h.key == idx for h in sections.headings)
        ):
            layouts[key] = "image_only"


def _run_checks(doc: Document, sections: Sections, meta: Metadata, tables: _Tables) -> list[dict]:
    """Spec §7's checks within the report (cross-year ones need the previous report)."""
    t3, t4, layouts, cells = tables.t3, tables.t4, tables.layouts, tables.cells
    if tables.template == "pre2019" or doc.extraction == "none" or t3 is None or t4 is None:
        return []
    ix = checks.CellIndex(cells)
    out: list[dict] = []
    out += checks.t2_checks(ix, layouts["sec2"])
    out += checks.t3_checks(ix, layouts["sec3"], t3.groups)
    out += checks.t4_checks(ix, layouts["sec4"])
    out += checks.text_checks(ix, sections.text, layouts["sec3"], layouts["sec4"])
    out += checks.structure_checks(
        headings=sections.headings,
        sec_present=_sections_present(sections, layouts),
        layouts=layouts,
        t3_partial=t3.partial_rows,
        t3_missing=t3.missing_rows if t3.layout in ("v2021", "v2019") else [],
        t4_partial=t4.partial_rows,
        t4_cells=sum(
            1 for c in cells if c["table"] == "t4_review_litigation" and c["semantic"] != "TEXT"
        ),
        problems=sections.text.get("problems", ""),
        years=_year_indications(meta, sections),
    )
    return out


def _sections_present(sections: Sections, layouts: dict[str, str]) -> dict[str, bool]:
    """Which sections the report has: a heading, or (二 三 四) a table without one."""
    present = {h.key: True for h in sections.headings}
    present["proactive_disclosure"] = (
        present.get("proactive_disclosure") or layouts["sec2"] != "absent"
    )
    present["applications"] = present.get("applications") or layouts["sec3"] != "absent"
    present["review_litigation"] = present.get("review_litigation") or layouts["sec4"] != "absent"
    return present


def _year_indications(meta: Metadata, sections: Sections) -> dict[str, int | None]:
    """The report year as the title, the data, the overview text and the signing date say."""
    text_year, _ = report_year(None, "", sections.text.get("overview", ""), None, None)
    title_year, _ = report_year(meta.title, "", "", None, None) if meta.title else (None, None)
    return {
        "title": title_year,
        "data": meta.year,
        "text": text_year,
        "signing-1": int(meta.report_date[:4]) - 1 if meta.report_date else None,
    }


def _section_text(doc: Document, sections: Sections, key: str) -> str:
    """Every paragraph under a section heading, up to the next heading (tables excluded)."""
    starts = sorted((h.index, h.key) for h in sections.headings)
    for n, (idx, k) in enumerate(starts):
        if k == key:
            end = starts[n + 1][0] if n + 1 < len(starts) else len(doc.blocks)
            return "\n".join(b.text for b in doc.blocks[idx:end] if isinstance(b, Paragraph))
    return ""
