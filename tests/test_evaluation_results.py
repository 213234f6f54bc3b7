"""Results for org staff (tables, charts, exports, API, quality) and for the cadre (own results, explanation)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cadres.models import Cadre
from evaluations.services import periods

from .factories import close_and_compute, make_team, open_period, submit_all

pytestmark = pytest.mark.django_db
HEADER = [
    "编号",
    "姓名",
    "单位",
    "职级",
    "领导均分",
    "同级均分",
    "其他均分",
    "扣分",
    "季度得分",
    "单位排名",
    "职级排名",
    "类别排名",
    "结果状态",
]


@pytest.fixture
def computed(db, personas):
    """T1 is rated by one leader (61) and one peer (67): both groups below the threshold of 3."""
    team = make_team("结果镇", team_members=2, staff=4, accounts=True)
    Cadre.objects.filter(pk=team["S4"].pk).update(records_from=date(2026, 3, 2))
    period = open_period()

    def score(rater, ratee):
        if ratee == team["T1"]:
            return {team["M1"]: 61, team["T2"]: 67}.get(rater, 80)
        return 70 + (ratee.pk % 7) * 2

    submit_all(period, score)
    close_and_compute(period)
    return team, period


def test_staff_results_table_hides_small_groups_and_charts_render_from_data(client, personas, computed):
    team, period = computed
    client.force_login(personas.org_staff.user)
    response = client.get(reverse("evaluations:results", args=[period.pk]))
    text = response.content.decode()
    row = next(r for r in response.context["rows"] if r.result.cadre_id == team["T1"].pk)
    assert row.leader.average is None and row.peer.average is None and row.other.average is not None
    assert row.result.score is not None and str(row.result.score) == "68.50"  # (4×61 + 3×67 + 3×80) / 10
    assert "61.00" not in text and "67.00" not in text
    assert 'id="distribution-data"' in text and 'id="unit-rate-data"' in text and "chart.umd.min.js" in text
    filtered = client.get(reverse("evaluations:results", args=[period.pk]), {"unit": personas.unit.pk})
    assert {r.result.unit_id for r in filtered.context["rows"]} == {personas.unit.pk}
    assert len(filtered.context["rows"]) == 4
    by_name = client.get(reverse("evaluations:results", args=[period.pk]), {"q": team["S1"].name})
    assert [r.result.cadre_id for r in by_name.context["rows"]] == [team["S1"].pk]


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_export_has_the_exact_columns_and_leaves_hidden_averages_empty(client, personas, computed, file_format):
    team, period = computed
    client.force_login(personas.org_staff.user)
    response = client.get(reverse("evaluations:results_export", args=[period.pk]), {"format": file_format})
    assert response.status_code == 200
    if file_format == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    else:
        rows = [list(r) for r in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]
    assert rows[0] == HEADER
    t1 = next(r for r in rows[1:] if r[0] == team["T1"].code)
    # Leader and peer groups have one rater each: hidden, and said so (not an empty cell).
    assert t1[4] == "不足3人不显示" and t1[5] == "不足3人不显示" and float(t1[8]) == 68.5
    assert all("61" not in str(cell) and "67" not in str(cell) for cell in t1[4:7])
    s4 = next(r for r in rows[1:] if r[0] == team["S4"].code)
    assert float(s4[7]) > 1  # S4 keeps records from 2 March: missing days and the summary


def test_api_results_follow_the_same_threshold(client, personas, computed):
    team, period = computed
    client.force_login(personas.org_staff.user)
    data = client.get(f"/api/evaluations/periods/{period.pk}/results/").json()
    t1 = next(r for r in data["results"] if r["cadre_code"] == team["T1"].code)
    groups = {g["group"]: g for g in t1["groups"]}
    assert (
        groups["leader"]["average"] is None
        and groups["peer"]["average"] is None
        and groups["leader"]["rater_count"] == 1
    )
    assert t1["score"] == "68.50"
    completion = client.get(f"/api/evaluations/periods/{period.pk}/completion/").json()
    assert {row["unit_name"]: row["rate"] for row in completion}["结果镇"] == 100
    client.force_login(team["S1"].user)
    assert client.get(f"/api/evaluations/periods/{period.pk}/results/").status_code == 403


def test_staff_explanation_shows_weights_group_sizes_and_missing_days(client, personas, computed):
    team, period = computed
    client.force_login(personas.org_staff.user)
    text = client.get(reverse("evaluations:result_detail", args=[period.pk, team["S4"].pk])).content.decode()
    assert "领导主评" in text and "实际占比" in text and "57.1%" in text  # 4 / 7: no OTHER group
    assert "缺记工作日志" in text and "2026-03-02" in text and "缺季度小结" in text
    hidden = client.get(reverse("evaluations:result_detail", args=[period.pk, team["T1"].pk])).content.decode()
    assert "评价人少于 3 人" in hidden and "61.00" not in hidden and "含不单独显示的组" in hidden


def test_cadres_see_their_own_results_only_once_published(client, personas, computed):
    team, period = computed
    client.force_login(team["S1"].user)
    own = reverse("evaluations:my_result_detail", args=[period.pk])
    assert client.get(own).status_code == 404  # not yet published
    assert client.get(reverse("evaluations:my_results")).context["quarterly"] == []
    periods.period_publish(period=period)
    page = client.get(own)
    assert page.status_code == 200 and team["S1"].name in page.content.decode()
    listing = client.get(reverse("evaluations:my_results")).content.decode()
    assert "2026年第1季度" in listing and "怎样算出来的" in listing
    # Staff pages stay closed to the cadre; the colleague's explanation is somebody else's.
    assert client.get(reverse("evaluations:result_detail", args=[period.pk, team["S2"].pk])).status_code == 403
    from .factories import CadreFactory

    newcomer = CadreFactory(unit=team.unit, with_account=True)  # joined after the period opened
    client.force_login(newcomer.user)
    assert client.get(own).status_code == 404


def test_quality_page_lists_sheets_by_random_id_only(client, personas, computed):
    team, period = computed
    client.force_login(personas.org_staff.user)
    text = client.get(reverse("evaluations:quality", args=[period.pk])).content.decode()
    assert "各单位各评价组的分数离散程度" in text
    for person in team.people.values():
        assert person.code not in text


def test_profile_shows_results_to_staff_and_the_cadre_only(client, personas, computed):
    team, period = computed
    periods.period_publish(period=period)
    url = reverse("cadres:cadre_detail", args=[team["S1"].pk])
    client.force_login(personas.org_staff.user)
    assert 'id="profile-results"' in client.get(url).content.decode()
    client.force_login(team["S1"].user)
    assert 'id="profile-results"' in client.get(reverse("cadres:my_profile")).content.decode()
    client.force_login(team["M1"].user)  # the unit's leader may open the profile, not the results
    page = client.get(url)
    assert page.status_code == 200 and 'id="profile-results"' not in page.content.decode()


def test_home_cards(client, personas, computed):
    team, _period = computed
    open_period(quarter=2)
    client.force_login(team["S1"].user)
    assert "张待提交" in client.get(reverse("home")).content.decode()
    client.force_login(personas.org_staff.user)
    assert "2026年第2季度" in client.get(reverse("home")).content.decode()
