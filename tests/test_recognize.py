"""Report recognition from link titles (portals.md §2.3–2.4), on real title shapes."""

from __future__ import annotations

import pytest

from crawler.archive.agencies import canonical_agency
from spiders.recognize import classify_title, place_of


@pytest.mark.parametrize(
    "title,year,agency",
    [
        ("龙游县横山镇2023年政府信息公开工作年度报告", 2023, "龙游县横山镇"),
        ("2022年度嵊州市人民政府办公室政府信息公开工作年度报告", 2022, "嵊州市人民政府办公室"),
        ("2009年度下管镇政府信息公开年度报告", 2009, "下管镇"),
        ("县政府办2022年度政府信息公开工作年度报告", 2022, "县政府办"),
        ("青溪县统计局2023年度政务信息公开年度报告（图片版）", 2023, "青溪县统计局"),
        ("二〇二三年青溪县人民政府政府信息公开年报", 2023, "青溪县人民政府"),
        ("2023 年 政府信息公开工作年度报告", 2023, None),
        ("互助县自然资源局2024年度政府信息公开工作报告", 2024, "互助县自然资源局"),
    ],
)
def test_report_titles(title, year, agency):
    c = classify_title(title)
    assert c.is_report and c.year == year and c.agency == agency


@pytest.mark.parametrize(
    "title",
    [
        "关于做好2022年政府信息公开工作年度报告编制发布工作的通知",
        "政府信息公开工作年度报告制度",
        "某县2021年法治政府建设年度报告",
        "住房公积金2025年年度报告",
        "某县召开2020年度工作会议",
        "2023年部门决算公开",
        "2024年政府工作报告",
        "青溪县2023年政务公开工作要点",
    ],
)
def test_near_misses_are_rejected(title):
    assert not classify_title(title).is_report


def test_a_year_in_the_url_never_matters():
    # Only the title is read: the same title under any folder gives the same year.
    assert classify_title("某镇2024年政府信息公开工作年度报告").year == 2024


@pytest.mark.parametrize(
    "agency,place",
    [
        ("昌乐县自然资源和规划局", "own"),
        ("城关镇人民政府", "own"),  # townships rarely name their county
        ("县政府办", "own"),
        ("潍坊市自然资源和规划局", "parent"),  # the prefecture's department
        ("山东省人民政府办公厅", "parent"),
        ("青州市统计局", "other"),  # a neighbouring county-level city
    ],
)
def test_whose_report(agency, place):
    assert place_of(agency, "昌乐县", "潍坊市", "山东省") == place


@pytest.mark.parametrize(
    "printed,county,official",
    [
        ("县政府办", "青溪县", "青溪县人民政府办公室"),
        ("县府办", "封川县", "封川县人民政府办公室"),
        ("区政府办公室", "渝川区", "渝川区人民政府办公室"),
        ("横山镇", "青溪县", "青溪县横山镇人民政府"),
        ("青溪县横山镇", "青溪县", "青溪县横山镇人民政府"),
        ("城东街道", "青溪县", "青溪县城东街道办事处"),
        ("青溪县", "青溪县", "青溪县人民政府"),
        ("区教委", "渝川区", "渝川区教育委员会"),
        ("县卫健局", "葭川县", "葭川县卫生健康局"),
        ("区人力社保局", "渝川区", "渝川区人力资源和社会保障局"),
        ("青溪县人民政府办公室", "青溪县", "青溪县人民政府办公室"),
        ("市场监督管理局", "某市", "市场监督管理局"),  # 市 here begins 市场, not a place
    ],
)
def test_one_official_name_per_agency(printed, county, official):
    assert canonical_agency(printed, county) == official
