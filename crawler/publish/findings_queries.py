"""Canned queries over the findings: fair rankings, who they leave out and why, the biggest
year-on-year changes, and the newest flags.

A ranking compares the counties of one province or prefecture (or the whole country) by one
indicator of ``indicators`` (county level: every agency of the county summed), for one year,
and only counties whose denominator — the N the rate is a share of — is at least ``min_n``
(default 30): a county is not crowned for its one application. ``percentile`` is the share of
the ranked counties with a lower value. ``ranking_left_out`` lists every county of the area
the ranking does not show, with the reason. Both look each county of the area up in
``indicators_county`` (a table of the indicator's rows joined instead would be scanned once per
county: a quadratic join at national scale).
"""

from __future__ import annotations

YEAR = "(coalesce(nullif(:year, ''), (SELECT max(year) FROM reports)) + 0)"
INDICATOR = "coalesce(nullif(:indicator, ''), 'substantive_disclosure_rate')"
MIN_N = "(coalesce(nullif(:min_n, ''), 30) + 0)"
DEFAULT_MIN_N = 30

_AREA = """area AS MATERIALIZED (
    SELECT code, name, province, prefecture, registered FROM known_counties
    WHERE (:province = '' OR province = :province)
      AND (:prefecture = '' OR prefecture = :prefecture)
)"""

# The county's row of the indicator: one lookup in indicators_county per county of the area
# (a CTE of the indicator's rows would be scanned once per county: quadratic nationally).
# CROSS JOIN keeps the area outside: as an inner join SQLite would scan every county row of
# the indicators table instead.
_JOIN = f"""{{join}} indicators v INDEXED BY indicators_county
    ON v.portal_code = area.code AND v.level = 'county' AND v.indicator = {INDICATOR}
   AND v.year = {YEAR}"""
RANKED = f"(v.value IS NOT NULL AND (v.denominator IS NULL OR v.denominator >= {MIN_N}))"

RANKING_SQL = f"""
WITH {_AREA},
ok AS (SELECT area.*, v.value, v.numerator, v.denominator, v.reports
       FROM area {_JOIN.format(join="CROSS JOIN")} WHERE {RANKED})
SELECT rank() OVER (ORDER BY ok.value DESC) AS rank,
       round(100.0 * percent_rank() OVER (ORDER BY ok.value), 1) AS percentile,
       ok.code AS portal_code, ok.province, ok.prefecture, ok.name AS county,
       round(ok.value, 4) AS value, ok.numerator, ok.denominator AS n, ok.reports,
       {YEAR} AS year, {INDICATOR} AS indicator, {MIN_N} AS min_n
FROM ok ORDER BY rank, ok.code
LIMIT 500"""

LEFT_OUT_SQL = f"""
WITH {_AREA},
rep AS MATERIALIZED (SELECT portal_code, count(*) AS reports FROM reports
        WHERE year = {YEAR} AND portal_code IS NOT NULL GROUP BY portal_code)
SELECT area.code AS portal_code, area.province, area.prefecture, area.name AS county,
       rep.reports, v.value, v.numerator, v.denominator AS n,
       CASE WHEN area.registered = 0 AND rep.reports IS NULL
                THEN 'no portal registered: not crawled (未收录)'
            WHEN rep.reports IS NULL THEN 'no report for ' || {YEAR} || ' in the archive (无报告)'
            WHEN v.portal_code IS NULL
                THEN 'its reports print no figures for this indicator (表内无数)'
            WHEN v.value IS NULL AND v.denominator = 0
                THEN 'denominator is 0: nothing to divide by (分母为 0)'
            WHEN v.value IS NULL THEN 'denominator blank (分母空白)'
            ELSE 'N = ' || CAST(v.denominator AS INTEGER) || ' < ' || {MIN_N}
                 || ': too few to rank (样本不足)' END AS why
FROM area {_JOIN.format(join="LEFT JOIN")}
LEFT JOIN rep ON rep.portal_code = area.code
WHERE NOT coalesce({RANKED}, 0)
ORDER BY area.registered = 0 AND rep.reports IS NULL, why, area.code
LIMIT 500"""

_PARAMS = ("indicator", "year", "province", "prefecture", "min_n")

FINDINGS_CANNED: dict[str, dict] = {
    "ranking": {
        "title": "Fair ranking of counties by an indicator · 指标排名（样本量门槛）",
        "description": (
            "Counties of a province or prefecture (empty: all) ranked by one indicator "
            "(metric_dictionary.key; empty: substantive_disclosure_rate 实质公开率) for one year "
            "(empty: the latest), every agency of a county summed. Only counties whose "
            "denominator N is at least min_n (empty: 30) are ranked; percentile = share of the "
            "ranked counties with a lower value. The counties left out, and why: "
            "ranking_left_out. The page /-/rankings shows both. The first 500 rows: narrow "
            "by province for the rest (the whole table: /-/downloads/indicators.csv)."
        ),
        "sql": RANKING_SQL.strip(),
        "params": list(_PARAMS),
        "bench_params": {"indicator": "denial_rate"},
    },
    "ranking_left_out": {
        "title": "Counties a ranking leaves out, and why · 未纳入排名的县及原因",
        "description": (
            "Every county of the area (the bundled national list and the registered portals) "
            "that the ranking with the same parameters does not rank: not crawled, no report "
            "that year, no figures, a zero or blank denominator, or N below min_n; counties "
            "never crawled last. The first 500 rows: narrow by province for the rest."
        ),
        "sql": LEFT_OUT_SQL.strip(),
        "params": list(_PARAMS),
        "bench_params": {"indicator": "denial_rate"},
    },
    "indicator_changes": {
        "title": "Largest year-on-year changes · 同比变化最大的县",
        "description": (
            "Counties by the size of the change of one indicator from the year before "
            "(change = value − previous; for rates in fractions, 0.1 = 10 points). "
            "Filters: indicator (empty: new_received), year (empty: the latest), province."
        ),
        "sql": f"""
SELECT i.portal_code, i.province, i.prefecture, i.county, i.year, i.indicator,
       round(i.value, 4) AS value, round(i.previous, 4) AS previous,
       round(i.change, 4) AS change, i.denominator AS n, i.reports
FROM indicators i INDEXED BY indicators_rank
WHERE i.level = 'county' AND i.indicator = coalesce(nullif(:indicator, ''), 'new_received')
  AND i.year = {YEAR} AND (:province = '' OR i.province = :province)
  AND i.change IS NOT NULL
ORDER BY abs(i.change) DESC, i.portal_code
LIMIT 500""".strip(),
        "bench_params": {},
    },
    "new_flags": {
        "title": "Newest flags: spikes, sudden zeros, 雷同年报, revisions, stops · 最新异常",
        "description": (
            "Every flag, newest first (first_flagged: when the archive first raised it). "
            "flag: spike, sudden_zero, similar_text, revised, stopped (empty: all). Also as "
            "an Atom feed: /-/flags.atom."
        ),
        "sql": """
SELECT f.first_flagged, f.flag, f.level, f.province, f.prefecture, f.county, f.agency,
       f.year, f.detail, f.report_id, f.portal_code
FROM flags f INDEXED BY flags_first
WHERE (:flag = '' OR f.flag = :flag) AND (:province = '' OR f.province = :province)
ORDER BY f.first_flagged DESC, f.flag_key
LIMIT 500""".strip(),
        "bench_params": {},
    },
}
