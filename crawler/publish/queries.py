"""Canned queries: the findings a journalist asks for, one click each.

Every query takes optional filters (``province``, ``year`` …); an empty filter means "all", and
an empty ``year`` means the latest report year in the archive. Each query is written to stay
fast on a national archive (~700,000 reports): it starts from an index (see the migration
``m002_publishing`` in crawler/archive/schema.py) and stops at a LIMIT. ``escape_fts``
in the search queries is our bigram version (crawler/publish/cjk_search.py), so every query
length works.
"""

from __future__ import annotations

from crawler.archive.columns import DENIED, LAWSUITS, LAWSUITS_CORRECTED, sum_of

# The latest report year, or the year asked for. `+ 0` makes it an integer either way.
_YEAR = "(coalesce(nullif(:year, ''), (SELECT max(year) FROM reports)) + 0)"


_DENIED = sum_of(DENIED)
_LAWSUITS = sum_of(LAWSUITS)
_LAWSUITS_FIXED = sum_of(LAWSUITS_CORRECTED)

CANNED: dict[str, dict] = {
    "failing_checks": {
        "title": "Reports whose tables do not add up · 勾稽关系不符的报告",
        "description": (
            "Reports whose printed numbers break an arithmetic rule of the national format "
            "(表三 一+二 = （七）+ 四, row and column totals, 表四 block sums): most failures "
            "first. A failure is what the report prints, not a parsing guess; open the report "
            "to see the cells. Filters: province, year (empty = all)."
        ),
        "sql": """
SELECT f.report_id, f.province, f.prefecture, f.county, f.agency, f.year,
       f.checks_failed, f.failures, f.document_url, f.page_url
FROM failing_reports f
WHERE (:province = '' OR f.province = :province)
  AND (:year = '' OR f.year = :year + 0)
ORDER BY f.checks_failed DESC, f.year DESC, f.report_id DESC
LIMIT 500""",
        "bench_params": {"province": "山西省"},
    },
    "late": {
        "title": "Reports published after the deadline · 逾期发布的报告",
        "description": (
            "Reports whose portal date is after the statutory deadline of 条例 Art. 49: "
            "departments and general offices by 31 January, governments (and, our reading, "
            "townships and zones) by 31 March of the next year. Most days late first. "
            "Filters: province, year (empty = all)."
        ),
        "sql": """
SELECT l.report_id, l.province, l.prefecture, l.county, l.agency, l.agency_type, l.year,
       l.published, l.deadline, l.days_late, l.page_url
FROM late_reports l
WHERE (:province = '' OR l.province = :province)
  AND (:year = '' OR l.year = :year + 0)
ORDER BY l.days_late DESC, l.report_id DESC
LIMIT 500""",
        "bench_params": {"year": "2023"},
    },
    "stopped_publishing": {
        "title": "Agencies that published the year before but not this year · 未发布年度报告的机关",
        "description": (
            "Agencies with a report for the year before the chosen year and none for the chosen "
            "year (empty = the latest year in the archive). A missing report may also be one the "
            "crawler has not found yet: check the portal. Filter: province."
        ),
        "sql": f"""
SELECT prev.portal_code, prev.province, prev.prefecture, prev.county, prev.agency,
       prev.agency_type, {_YEAR} AS missing_year, prev.year AS last_published_year,
       prev.id AS last_report_id
FROM reports prev
WHERE prev.year = {_YEAR} - 1 AND prev.agency IS NOT NULL
  AND (:province = '' OR prev.province = :province)
  AND NOT EXISTS (SELECT 1 FROM reports nxt
                  WHERE nxt.portal_code IS prev.portal_code AND nxt.agency = prev.agency
                    AND nxt.year = {_YEAR})
ORDER BY prev.province, prev.prefecture, prev.county, prev.agency
LIMIT 1000""",
        "bench_params": {},
    },
    "counties_by_applications": {
        "title": "Counties by number of applications, denial and correction rates · 各县依申请公开",
        "description": (
            "One row per county and year: reports, applications received (一、本年新收 总计), "
            "processed, denied (（三）不予公开, all 8 reasons) and the denial rate (denied / "
            "processed), administrative reviews (行政复议) and lawsuits (行政诉讼) with how many "
            "ended corrected (结果纠正). Filters: year (empty = the latest), province."
        ),
        # The county_applications view's figures for one year, each summed straight from its
        # covering index for that year only (the view sums every year before filtering).
        "sql": f"""
WITH r AS (
    SELECT portal_code, count(*) AS reports FROM reports
    WHERE year = {_YEAR} AND portal_code IS NOT NULL GROUP BY portal_code
), a AS (
    SELECT portal_code, sum(new_received_total) AS new_received,
           sum(total_processed_total) AS processed, {_DENIED} AS denied
    FROM applications WHERE year = {_YEAR} GROUP BY portal_code
), t AS (
    SELECT portal_code, sum(review_total) AS reviews, sum(review_corrected) AS reviews_corrected,
           {_LAWSUITS} AS lawsuits, {_LAWSUITS_FIXED} AS lawsuits_corrected
    FROM review_litigation WHERE year = {_YEAR} GROUP BY portal_code
)
SELECT p.province, p.prefecture, p.name AS county, r.portal_code, {_YEAR} AS year, r.reports,
       a.new_received, a.processed, a.denied,
       round(1.0 * a.denied / nullif(a.processed, 0), 4) AS denial_rate,
       t.reviews, t.reviews_corrected,
       round(1.0 * t.reviews_corrected / nullif(t.reviews, 0), 4) AS review_correction_rate,
       t.lawsuits, t.lawsuits_corrected
FROM r
LEFT JOIN portals p ON p.code = r.portal_code
LEFT JOIN a ON a.portal_code = r.portal_code
LEFT JOIN t ON t.portal_code = r.portal_code
WHERE (:province = '' OR p.province = :province)
ORDER BY a.new_received DESC, r.portal_code
LIMIT 500""",
        "bench_params": {},
    },
    "search": {
        "title": "Search the reports' text · 全文检索",
        "description": (
            "Full-text search of titles, agencies and report text for words of any length — "
            "复议, 公开, 行政诉讼, 信息处理费 — newest reports first. Several words: all must "
            "occur. Filters: province, year (empty = all)."
        ),
        "sql": """
SELECT r.id, r.province, r.county, r.agency, r.year, r.title, r.published, r.document_url
FROM reports_fts f JOIN reports r ON r.id = f.rowid
WHERE reports_fts MATCH escape_fts(:q)
  AND (:province = '' OR r.province = :province)
  AND (:year = '' OR r.year = :year + 0)
ORDER BY f.rowid DESC
LIMIT 200""",
        "bench_params": {"q": "复议"},
    },
    "agency_years": {
        "title": "One agency, year by year · 某机关历年情况",
        "description": (
            "Every report of the agencies whose name contains the words given (e.g. 昌乐县 "
            "自然资源): applications received, granted, denied, carried forward, reviews and "
            "lawsuits per year."
        ),
        "sql": """
SELECT r.id AS report_id, r.county, r.agency, r.year, r.published,
       a.new_received_total, a.granted_total, a.partially_granted_total,
       a.total_processed_total, a.carried_forward_total,
       t.review_total, t.review_corrected,
       coalesce(t.litigation_direct_total, 0) + coalesce(t.litigation_after_review_total, 0)
           AS lawsuits,
       r.checks_failed
FROM reports_fts f
JOIN reports r ON r.id = f.rowid
LEFT JOIN applications a ON a.report_id = r.id
LEFT JOIN review_litigation t ON t.report_id = r.id
WHERE reports_fts MATCH 'agency : (' || escape_fts(:agency) || ')'
ORDER BY r.portal_code, r.agency, r.year
LIMIT 500""",
        "bench_params": {"agency": "教育局"},
    },
}

from .findings_queries import FINDINGS_CANNED  # noqa: E402  (the findings' queries, issue 12)

CANNED.update(FINDINGS_CANNED)
