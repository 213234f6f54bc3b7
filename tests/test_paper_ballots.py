"""纸质测评录入: keyed in on the page, imported from .xlsx/.csv or the command line — all or nothing."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook

from evaluations.errors import WrongState
from evaluations.models import PaperSheet, PeriodState, QuarterlyResult, RaterGroup, SealedSheet, SheetSource

from .factories import close_and_compute, make_team, open_period, submit_all
from .support import box_sheets

pytestmark = pytest.mark.django_db
HEADER = ["表号", "评价组", "被评价人编号", "分数"]


def as_csv(rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def paper_setup(db, personas):
    team = make_team("纸质镇", team_members=2, staff=5)  # 8 people
    period = open_period()
    return team, period


def good_rows(team):
    return [
        ("P001", "其他", team["M1"].code, 88),
        ("P001", "同级", team["S2"].code, 90),
        ("P001", "同级", team["S3"].code, 85),
        ("P002", "领导", team["S1"].code, 91),
        ("P002", "领导", team["S2"].code, 82),
    ]


@pytest.mark.parametrize("builder", [as_csv, as_xlsx], ids=["csv", "xlsx"])
def test_staff_import_anonymous_paper_sheets(client, personas, paper_setup, builder):
    team, period = paper_setup
    client.force_login(personas.org_staff.user)
    name = "paper.csv" if builder is as_csv else "paper.xlsx"
    response = client.post(
        reverse("evaluations:paper_entry", args=[period.pk]),
        {"upload": "1", "file-file": SimpleUploadedFile(name, builder(good_rows(team)))},
        follow=True,
    )
    assert "已导入纸质测评表 2 张、分数 5 个" in response.content.decode()
    assert sorted(PaperSheet.objects.filter(period=period).values_list("number", flat=True)) == ["P001", "P002"]
    sealed = box_sheets(period)
    assert [s["source"] for s in sealed] == [SheetSource.PAPER] * 2
    # The paper number is not in the box: nothing ties a sealed sheet to the paper it came from.
    assert not any("P00" in str(s) for s in sealed)
    assert sorted(sorted({g for _r, g, _s in s["scores"]}) for s in sealed) == [
        [RaterGroup.LEADER],
        [RaterGroup.OTHER, RaterGroup.PEER],
    ]


def test_one_bad_row_imports_nothing_and_every_problem_is_listed(client, personas, paper_setup):
    team, period = paper_setup
    rows = [
        *good_rows(team),
        ("P003", "上级", team["S1"].code, 80),  # line 7: unknown group
        ("P003", "同级", "NOBODY", 80),  # line 8: unknown cadre
        ("P004", "同级", team["S1"].code, 120),  # line 9: range
        ("P005", "同级", team["S1"].code, 95),  # lines 10-11: band (2 ratees → at most 1 ≥ 90)
        ("P005", "同级", team["S2"].code, 96),
        ("P006", "同级", team["S3"].code, 80),  # lines 12-13: the same ratee twice
        ("P006", "同级", team["S3"].code, 81),
        ("", "同级", team["S3"].code, 81),  # line 14: no sheet number
    ]
    client.force_login(personas.org_staff.user)
    response = client.post(
        reverse("evaluations:paper_entry", args=[period.pk]),
        {"upload": "1", "file-file": SimpleUploadedFile("bad.csv", as_csv(rows))},
    )
    issues = [(i.line, i.column) for i in response.context["issues"]]
    assert (7, "评价组") in issues and (8, "被评价人编号") in issues and (9, "分数") in issues
    assert (10, "分数") in issues and (13, "被评价人编号") in issues and (14, "表号") in issues
    text = response.content.decode()
    assert "没有导入任何数据" in text and "强制分档" in text and "评分范围" in text
    assert not SealedSheet.objects.exists() and not PaperSheet.objects.exists()


def test_the_same_paper_is_never_keyed_in_twice(client, personas, paper_setup):
    team, period = paper_setup
    from evaluations.services import paper

    paper.paper_sheets_import(period=period, rows=[paper.PaperRow(2, "P001", "同级", team["S2"].code, 80)])
    with pytest.raises(paper.ImportFailed) as error:
        paper.paper_sheets_import(period=period, rows=[paper.PaperRow(2, "P001", "同级", team["S3"].code, 80)])
    assert "已经录入过" in error.value.issues[0].message
    assert SealedSheet.objects.count() == 1 and PaperSheet.objects.count() == 1


def test_a_sheet_may_not_mix_units(personas, paper_setup):
    team, period = paper_setup
    from evaluations.services import paper

    rows = [
        paper.PaperRow(2, "X1", "同级", team["S2"].code, 80),
        paper.PaperRow(3, "X1", "同级", personas.cadre.code, 80),
    ]
    with pytest.raises(paper.ImportFailed, match="错误") as error:
        paper.paper_sheets_import(period=period, rows=rows)
    assert "一张测评表只能评价一个单位" in error.value.issues[0].message


def test_staff_key_in_one_sheet_on_the_page(client, personas, paper_setup):
    team, period = paper_setup
    client.force_login(personas.org_staff.user)
    url = reverse("evaluations:paper_entry", args=[period.pk]) + f"?unit={team.unit.pk}"
    page = client.get(url).content.decode()
    assert f'name="score-{team["S1"].pk}"' in page and 'data-share="30"' in page
    data = {"keyin": "1", "number": "K-01", "group": RaterGroup.PEER, f"score-{team['S1'].pk}": "88"}
    data[f"score-{team['M1'].pk}"] = "92"
    data[f"group-{team['M1'].pk}"] = RaterGroup.OTHER
    response = client.post(url, data, follow=True)
    assert "已录入 纸质镇 表号 K-01（2 个分数）" in response.content.decode()
    (sealed,) = box_sheets(period)
    assert {r: g for r, g, _s in sealed["scores"]} == {team["S1"].pk: RaterGroup.PEER, team["M1"].pk: RaterGroup.OTHER}
    refused = client.post(url, {**data, "number": "K-02", f"score-{team['S1'].pk}": "95"})
    assert "强制分档" in refused.content.decode() and SealedSheet.objects.count() == 1
    assert 'value="95"' in refused.content.decode()


def test_paper_after_the_box_opened_is_refused_and_results_stay(personas, paper_setup):
    team, period = paper_setup
    submit_all(period, lambda rater, ratee: 80)
    close_and_compute(period)
    before = QuarterlyResult.objects.get(period=period, cadre=team["S2"]).score
    from evaluations.services import paper

    with pytest.raises(WrongState, match="录入纸质测评表"):
        paper.paper_sheets_import(period=period, rows=[paper.PaperRow(2, "Z1", "同级", team["S2"].code, 50)])
    period.refresh_from_db()
    assert period.state == PeriodState.COMPUTED
    assert QuarterlyResult.objects.get(period=period, cadre=team["S2"]).score == before
    assert not PaperSheet.objects.filter(number="Z1").exists()


def test_import_ballots_command(tmp_path: Path, personas, paper_setup):
    team, _period = paper_setup
    good = tmp_path / "ballots.xlsx"
    good.write_bytes(as_xlsx(good_rows(team)))
    out = io.StringIO()
    call_command("import_ballots", str(good), "--period", "2026Q1", stdout=out)
    assert "已导入纸质测评表 2 张" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(as_csv([("Q1", "同级", team["S1"].code, 101)]))
    errors = io.StringIO()
    with pytest.raises(CommandError, match="没有导入任何数据"):
        call_command("import_ballots", str(bad), "--period", "2026Q1", stderr=errors)
    assert "第 2 行「分数」" in errors.getvalue()
    assert SealedSheet.objects.count() == 2


ANNUAL_HEADER = ["表号", "评价组", "被评价人编号", "德", "能", "勤", "绩", "廉", "反测评"]


def test_annual_democratic_paper_sheets_with_problem_items(client, personas, paper_setup):
    from evaluations.models import PeriodKind, ProblemItem

    team, _quarter = paper_setup
    period = open_period(2026, None, kind=PeriodKind.ANNUAL)
    good = [
        ("A1", "同级", team["S2"].code, 88, 87, 90, 86, 91, "能力水平较差、服务意识不强"),
        ("A1", "其他", team["M1"].code, 92, 90, 93, 91, 95, ""),
        ("A1", "", "", "", "", "", "", "", "工作思路不清"),  # the leadership team's items
    ]
    client.force_login(personas.org_staff.user)
    url = reverse("evaluations:paper_entry", args=[period.pk])
    page = client.get(url).content.decode()
    assert "表号、评价组、被评价人编号、德、能、勤、绩、廉" in page and 'name="keyin"' not in page
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(ANNUAL_HEADER)
    writer.writerows(good)
    response = client.post(
        url, {"upload": "1", "file-file": SimpleUploadedFile("a.csv", buffer.getvalue().encode())}, follow=True
    )
    assert "已导入纸质测评表 1 张、分数 10 个" in response.content.decode()
    (sealed,) = box_sheets(period)
    dimensions = {row[0]: row[2:] for row in sealed["dimensions"]}
    assert dimensions[team["S2"].pk] == [88, 87, 90, 86, 91]
    assert {item for r, item in sealed["problems"] if r == team["S2"].pk} == {ProblemItem.ABILITY, ProblemItem.SERVICE}
    assert sealed["team_problems"] == [ProblemItem.DIRECTION]

    bad = [
        ("A2", "同级", team["S2"].code, 88, 87, 90, 86, 101, ""),  # line 2: 廉 out of range
        ("A2", "同级", team["S3"].code, 88, 87, 90, 86, 90, "爱迟到"),  # line 3: unknown item
        ("A2", "", "", "", "", "", "", "", "思想意识不好"),  # line 4: a person's item on the team row
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(ANNUAL_HEADER)
    writer.writerows(bad)
    response = client.post(url, {"upload": "1", "file-file": SimpleUploadedFile("b.csv", buffer.getvalue().encode())})
    issues = [(i.line, i.column) for i in response.context["issues"]]
    assert issues == [(2, "廉"), (3, "反测评"), (4, "反测评")]
    assert len(box_sheets(period)) == 1
