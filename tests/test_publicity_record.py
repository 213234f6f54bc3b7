"""The record a notice is drafted from: complete, frozen, private data never in it, constant queries."""

import json
from datetime import date

import pytest

from publicity.record import build_source, render_sections

from .factories import ADDRESS, ID_NUMBER, PHONE, CadreFactory, cadre_with_record

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 3)


def test_source_is_json_safe_and_keeps_only_birth_year_and_month():
    cadre = cadre_with_record()
    source = build_source(cadre, today=TODAY, years=3)
    text = json.dumps(source, ensure_ascii=False)
    assert source["basic"]["birth"] == "1985-06"
    for private in (ID_NUMBER, PHONE, ADDRESS, "1985-06-15", "06-15"):
        assert private not in text
    assert source["years"] == [2023, 2024, 2025]


def test_sections_hold_the_record_of_the_last_complete_years():
    cadre = cadre_with_record()
    sections = render_sections(build_source(cadre, today=TODAY, years=3))
    assert "1985年6月生" in sections["basic_info"] and "15日" not in sections["basic_info"]
    assert "2008年7月参加工作" in sections["basic_info"] and "2007年6月加入中国共产党" in sections["basic_info"]
    assert "2008.07—2015.03  青石镇党政办科员" in sections["resume"]
    assert "2015.03—至今  青石镇副镇长" in sections["resume"]
    assert "2025年：56.5 分（完成网络学院课程）" in sections["study_credits"]
    achievements = sections["achievements"]
    assert "【2025年】" in achievements and "2025年度总结" in achievements
    assert "2025年实绩1" in achievements and "招商引资 1.2亿元" in achievements
    assert "待核实实绩" not in achievements  # only verified records
    assert "本人角色：分管领导" in achievements and "共 2 人参与，本人贡献占比 40%" in achievements
    assert (
        "2025年度：年度得分 91.25，单位内排名 2/15，一般干部中排名 5/40，考核等次：优秀。"
        in sections["evaluation_results"]
    )
    for text in sections.values():
        for private in (ID_NUMBER, PHONE, ADDRESS):
            assert private not in text


def test_empty_record_shows_no_record_lines():
    cadre = CadreFactory(name="新干部")
    sections = render_sections(build_source(cadre, today=TODAY, years=3))
    assert sections["resume"] == "无简历记录。"
    assert sections["study_credits"].count("无学习教育积分记录") == 3
    assert sections["achievements"].count("年度总结：无记录。") == 3
    assert sections["achievements"].count("经核实的主要实绩：无记录。") == 3
    assert "2025年度：无年度考核结果记录。" in sections["evaluation_results"]


def test_query_count_does_not_grow_with_the_record(django_assert_max_num_queries):
    small = cadre_with_record(name="甲", achievements_per_year=1)
    large = cadre_with_record(name="乙", achievements_per_year=12)
    with django_assert_max_num_queries(9):
        build_source(small, today=TODAY, years=3)
    with django_assert_max_num_queries(9):
        source = build_source(large, today=TODAY, years=3)
    assert len(source["by_year"][2]["achievements"]) == 13


def test_a_notice_drafted_while_browsing_in_english_is_still_in_chinese():
    from django.utils import translation

    cadre = cadre_with_record()
    with translation.override("en"):
        sections = render_sections(build_source(cadre, today=TODAY, years=3))
    assert "本人角色：分管领导" in sections["achievements"]
    assert "考核等次：优秀" in sections["evaluation_results"]


def test_verified_achievements_of_the_year_so_far_come_first():
    cadre = cadre_with_record(years=(2025, 2026))
    sections = render_sections(build_source(cadre, today=date(2026, 7, 1), years=3))
    achievements = sections["achievements"]
    assert achievements.startswith("【2026年（截至7月1日）】")
    assert "2026年实绩1" in achievements and "2026年实绩2" in achievements
    assert "2026年联合实绩" not in achievements  # dated September, after the notice was drafted
    assert "2026年度" not in sections["evaluation_results"]  # no annual result for a year under way
