"""Result exports: Chinese file and sheet names, sized columns, frozen header, 类别排名, why a cell is empty,
and the annual results export with the same conventions."""

from __future__ import annotations

import csv
import io
from urllib.parse import unquote

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cadres.models import Cadre
from evaluations.models import PeriodKind

from .factories import close_and_compute, make_team, open_period, submit_all
from .test_annual import submit_democratic

pytestmark = pytest.mark.django_db


def _disposition_name(response) -> str:
    header = response["Content-Disposition"]
    assert header.startswith("attachment;")
    return unquote(header.split("filename*=utf-8''")[-1]) if "filename*=" in header else header


@pytest.fixture
def quarter(db, personas):
    team = make_team("导出镇", team_members=1, staff=4)
    # A main leader with no superior evaluator named: the leader group is empty (no raters at all).
    Cadre.objects.filter(pk=team["S4"].pk).update(name="=HYPERLINK(1)")
    period = open_period()
    submit_all(period, lambda rater, ratee: 70 + ratee.pk % 9)
    close_and_compute(period)
    return team, period


def test_results_xlsx_has_chinese_names_widths_frozen_header_and_category_rank(client, personas, quarter):
    team, period = quarter
    client.force_login(personas.org_staff.user)
    response = client.get(reverse("evaluations:results_export", args=[period.pk]), {"format": "xlsx"})
    assert _disposition_name(response) == "2026年第1季度考核结果.xlsx"
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    assert workbook.sheetnames == ["考核结果"] and sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    assert "类别排名" in header
    # Columns are sized: the unit column fits "导出镇" and the header; nothing is left at Excel's default.
    assert all(sheet.column_dimensions[letter].width >= 8 for letter in "ABCDEFGHIJKLM")
    assert sheet.column_dimensions["C"].width >= len("导出镇") * 2
    by_code = {r[0]: r for r in rows[1:]}
    leader = by_code[team["M1"].code]
    assert leader[header.index("领导均分")] == "无评价人"  # nobody rates the main leader as LEADER here
    staff = by_code[team["S1"].code]
    # Peers of a 一般干部: the other 3 staff → shown; the lone team member's LEADER group is 2 → hidden.
    assert staff[header.index("领导均分")] == "不足3人不显示"
    assert staff[header.index("类别排名")] == next(r.rank_in_category for r in period.results.filter(cadre=team["S1"]))
    assert by_code[team["S4"].code][1] == "'=HYPERLINK(1)"  # formula injection neutralized


def test_results_csv_keeps_the_reasons_and_the_chinese_file_name(client, personas, quarter):
    _team, period = quarter
    client.force_login(personas.org_staff.user)
    response = client.get(reverse("evaluations:results_export", args=[period.pk]), {"format": "csv"})
    assert _disposition_name(response) == "2026年第1季度考核结果.csv"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    cells = {cell for row in rows[1:] for cell in row[4:7]}
    assert "无评价人" in cells and "不足3人不显示" in cells


@pytest.fixture
def annual_period(db, personas):
    team = make_team("年导镇", team_members=1, staff=4)
    Cadre.objects.filter(pk=team["S2"].pk).update(name="+SUM(A1)")
    quarter = open_period(2025, 1)
    submit_all(quarter, lambda rater, ratee: 70 + ratee.pk % 9)
    close_and_compute(quarter)
    period = open_period(2025, None, kind=PeriodKind.ANNUAL)
    submit_democratic(period, lambda rater, ratee: 85)
    close_and_compute(period)
    return team, period


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_annual_results_page_exports_with_the_same_conventions(client, personas, annual_period, file_format):
    team, period = annual_period
    client.force_login(personas.org_staff.user)
    page = client.get(reverse("evaluations:annual_results", args=[period.pk])).content.decode()
    assert reverse("evaluations:annual_results_export", args=[period.pk]) in page
    response = client.get(reverse("evaluations:annual_results_export", args=[period.pk]), {"format": file_format})
    assert response.status_code == 200
    assert _disposition_name(response) == f"2025年度考核结果.{file_format}"
    if file_format == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    else:
        workbook = load_workbook(io.BytesIO(response.content))
        assert workbook.sheetnames == ["年度考核结果"] and workbook.active.freeze_panes == "A2"
        rows = [["" if v is None else v for v in r] for r in workbook.active.iter_rows(values_only=True)]
    header = list(rows[0])
    assert header[:3] == ["编号", "姓名", "单位"] and "年度得分" in header and "建议等次" in header
    assert len(rows) == 1 + period.annual_results.count() and team["M1"].code in {r[0] for r in rows}
    by_code = {r[0]: r for r in rows[1:]}
    assert by_code[team["S2"].code][1] == "'+SUM(A1)"
    assert {r[header.index("结果状态")] for r in rows[1:]} == {"正式"}


def test_annual_export_is_for_org_staff_only(client, personas, annual_period):
    _team, period = annual_period
    url = reverse("evaluations:annual_results_export", args=[period.pk])
    for persona in (personas.cadre, personas.leader, personas.superior_leader):
        client.force_login(persona.user)
        assert client.get(url).status_code in (403, 404)
    client.logout()
    assert client.get(url).status_code == 302
