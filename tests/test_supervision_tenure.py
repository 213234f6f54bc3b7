"""任期: the time in post from the resume; an alert on the selection and the notice gate when the move
would come before the minimum for the post type (township heads 3 years, department heads a term)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from cadres.models import ResumeEntry, UnitCategory, UnitRole
from publicity.models import NoticeState
from supervision.models import SupervisionSettings
from supervision.selectors import tenure_alerts

from .factories import CadreFactory, NoticeFactory, open_selection, post_with_vacancy, rank
from .support import today

pytestmark = pytest.mark.django_db
DAY = date(2026, 6, 1)


def head(unit, since):
    cadre = CadreFactory(unit=unit, name="陈书记", role=UnitRole.MAIN_LEADER, rank=rank("正科级"))
    ResumeEntry.objects.create(
        cadre=cadre, start_date=date(2015, 3, 1), end_date=since - timedelta(days=1), description="副镇长"
    )
    ResumeEntry.objects.create(cadre=cadre, start_date=since, description=f"{unit.name}党委书记")
    return cadre


def test_minimum_by_post_type_from_the_resume(personas):
    township = head(personas.other_unit, date(2024, 3, 1))  # 青石镇 is a township: 3 years
    department = head(personas.superior_unit, date(2022, 3, 1))  # 区教育局: a full term, 5 years
    staff = CadreFactory(unit=personas.unit)  # not a head: no minimum
    assert personas.other_unit.category == UnitCategory.TOWNSHIP
    alerts = tenure_alerts([township, department, staff], DAY)
    assert alerts[township.pk] == (
        "任期提醒：现任职务自 2024-03-01 起任职 2 年，未满 3 年（乡镇街道主要领导），2027-03-01 后方满"
    )
    assert "未满 5 年" in alerts[department.pk] and staff.pk not in alerts
    assert tenure_alerts([township], date(2027, 3, 1)) == {}
    settings = SupervisionSettings.load()
    settings.township_head_min_years = 0
    settings.save()
    assert township.pk not in tenure_alerts([township], DAY)


def test_a_head_without_an_open_resume_entry_is_flagged(personas):
    cadre = CadreFactory(unit=personas.other_unit, role=UnitRole.MAIN_LEADER)
    assert "无法核对是否任满 3 年" in tenure_alerts([cadre], DAY)[cadre.pk]


def test_alert_shows_on_selection_and_notice_gate_for_staff(client, personas):
    cadre = head(personas.other_unit, today() - timedelta(days=400))
    selection = open_selection(post_with_vacancy(personas.unit), personas.org_staff.user)
    selection.candidates.create(cadre=cadre, source="unit")
    notice = NoticeFactory(cadre=cadre, state=NoticeState.GATE)
    client.force_login(personas.org_staff.user)
    for url in (
        reverse("selection:selection_detail", args=[selection.pk]),
        reverse("publicity:notice_detail", args=[notice.pk]),
    ):
        assert "任期提醒：现任职务自" in client.get(url).content.decode(), url
