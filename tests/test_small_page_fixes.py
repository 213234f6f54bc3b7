"""Small page fixes: the paper-sheet panels, developer text on staff pages, role labels, chart axes."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from evaluations.models import RaterGroup, SealedSheet
from evaluations.services import periods

from .factories import close_and_compute, make_team, open_period, submit_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(db, personas):
    team = make_team("小修镇", team_members=1, staff=4, accounts=True)
    period = open_period()
    submit_all(period, lambda rater, ratee: 70 + ratee.pk % 9)
    close_and_compute(period)
    periods.period_publish(period=period)
    return team, period


def test_a_refused_key_in_does_not_mark_the_import_panel_as_required(client, personas):
    team = make_team("纸修镇", team_members=2, staff=5)
    period = open_period()
    client.force_login(personas.org_staff.user)
    url = reverse("evaluations:paper_entry", args=[period.pk]) + f"?unit={team.unit.pk}"
    # Four scores of 95 on an 8-person sheet: the band allows 2, so the sheet is refused.
    data = {"keyin": "1", "number": "K-01", "group": RaterGroup.PEER}
    data |= {f"score-{team[name].pk}": "95" for name in ("S1", "S2", "S3", "S4")}
    response = client.post(url, data)
    text = response.content.decode()
    assert "强制分档" in text and SealedSheet.objects.count() == 0
    assert not response.context["upload"].is_bound
    file_input = re.search(r'<input[^>]*name="file-file"[^>]*>', text).group(0)
    assert "is-invalid" not in file_input
    upload_panel = text[text.index('name="upload"') :]
    assert "必填" not in upload_panel


def test_staff_pages_show_no_developer_text(client, personas, computed):
    _team, period = computed
    client.force_login(personas.org_staff.user)
    for url in (
        reverse("evaluations:period_detail", args=[period.pk]),
        reverse("evaluations:paper_entry", args=[period.pk]),
        reverse("evaluations:results", args=[period.pk]),
    ):
        text = client.get(url).content.decode()
        assert "命令行" not in text and "manage.py" not in text, url


def test_roles_carry_labels_and_a_team_role_only_for_team_members(client, personas, computed):
    team, period = computed
    client.force_login(personas.org_staff.user)
    staff_page = client.get(reverse("evaluations:result_detail", args=[period.pk, team["S1"].pk])).content.decode()
    line = staff_page.split('id="result-membership">')[1].split("</div>")[0]
    assert "一般干部 · 一般干部" not in line and "职级：一般干部" in line and "班子角色" not in line
    member = client.get(reverse("evaluations:result_detail", args=[period.pk, team["T1"].pk])).content.decode()
    assert "班子角色：班子成员" in member.split('id="result-membership">')[1].split("</div>")[0]

    cadre_page = client.get(reverse("cadres:cadre_detail", args=[team["S1"].pk])).content.decode()
    assert "班子角色" not in cadre_page
    leader_page = client.get(reverse("cadres:cadre_detail", args=[team["M1"].pk])).content.decode()
    assert "<dt>班子角色</dt><dd>主要领导</dd>" in leader_page


def _json_script(text: str, element_id: str) -> dict:
    return json.loads(text.split(f'id="{element_id}" type="application/json">')[1].split("</script>")[0])


def test_score_axes_start_at_the_scale_minimum_not_below_it(client, personas, computed):
    team, period = computed
    client.force_login(personas.org_staff.user)
    results = client.get(reverse("evaluations:results", args=[period.pk])).content.decode()
    distribution = _json_script(results, "distribution-data")
    assert distribution["labels"][0] == "50–52" and distribution["labels"][-1] == "100"

    second = open_period(2026, 2)
    submit_all(second, lambda rater, ratee: 80)
    close_and_compute(second)
    periods.period_publish(period=second)
    client.force_login(team["S1"].user)
    trend = _json_script(client.get(reverse("evaluations:my_results")).content.decode(), "trend-data")
    assert trend["min"] == 50 and trend["max"] == 100
