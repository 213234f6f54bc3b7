"""A period's rating deadline is one value: the period page, the opening notice and the reminders agree."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from core.models import Notification
from evaluations.models import Period, PeriodState

from .factories import make_team, open_period

pytestmark = pytest.mark.django_db


def opening_notices(period: Period):
    return Notification.objects.filter(dedupe_key=f"evaluations:open:{period.pk}")


def test_changing_the_deadline_rewrites_the_notice_and_tells_pending_raters(client, personas):
    team = make_team("截止镇", staff=3, accounts=True)
    period = open_period(2026, 4)
    assert set(opening_notices(period).values_list("body", flat=True)) == {"请在截止日期前完成您的测评表。"}
    client.force_login(personas.org_staff.user)
    response = client.post(
        reverse("evaluations:period_deadline", args=[period.pk]), {"deadline": "2027-01-20"}, follow=True
    )
    text = response.content.decode()
    assert '<dd id="period-deadline">2027-01-20</dd>' in text and "已通知" in text
    period.refresh_from_db()
    assert period.deadline == date(2027, 1, 20)
    assert set(opening_notices(period).values_list("body", flat=True)) == {"请在 2027-01-20 前完成您的测评表。"}
    changed = Notification.objects.filter(recipient=team["S1"].user, dedupe_key__startswith="evaluations:deadline:")
    assert changed.get().body == "请在 2027-01-20 前完成您的测评表。"


def test_a_bad_date_or_a_closed_period_changes_nothing(client, personas):
    make_team("截止二镇", staff=3, accounts=True)
    period = open_period(2026, 4)
    client.force_login(personas.org_staff.user)
    url = reverse("evaluations:period_deadline", args=[period.pk])
    text = client.post(url, {"deadline": "2027-02-30"}, follow=True).content.decode()
    assert "请填写有效的日期" in text
    Period.objects.filter(pk=period.pk).update(state=PeriodState.CLOSED)
    text = client.post(url, {"deadline": "2027-01-20"}, follow=True).content.decode()
    assert "不能修改测评截止日期" in text
    period.refresh_from_db()
    assert period.deadline is None


def test_only_org_staff_change_a_deadline(client, personas):
    period = open_period(2026, 4)
    url = reverse("evaluations:period_deadline", args=[period.pk])
    for persona in ("cadre", "leader", "superior_leader", "stranger"):
        client.force_login(personas.user(persona))
        assert client.post(url, {"deadline": "2027-01-20"}).status_code == 403
    period.refresh_from_db()
    assert period.deadline is None
