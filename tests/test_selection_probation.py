"""After the appointment (issue 13 item 5): the 任职试用期 started by a decision, its settings per year,
the review (confirm / extend / end) by org staff through the pages, the reminder before its end on the
Celery worker, the profile panel, the eligibility flag and the full-process record."""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cadres.models import LeadershipTier, UnitCategory, UnitRole
from core.models import Notification
from selection import rules
from selection.models import (
    ApprovedPost,
    Decision,
    Probation,
    ProbationReview,
    ProbationStatus,
    ProcessEntry,
    SelectionSettings,
)
from selection.services import decision as decision_services
from selection.services import probation as services
from selection.tasks import remind_probation_ends

from .factories import CadreFactory, UnitFactory, open_selection, post_with_vacancy, to_inspection
from .test_worker import wait_for

pytestmark = pytest.mark.django_db


def page(response) -> str:
    return response.content.decode()


def decided(personas, *, post=None, prefix="I"):
    """A selection decided by the 常委会 today; returns the decision."""
    staff = personas.org_staff.user
    selection, (a, b) = to_inspection(personas, post=post, prefix=prefix)
    meeting = decision_services.meeting_record(
        selection=selection,
        kind="standing",
        held_on=timezone.localdate(),
        members_total=11,
        present=11,
        attendees="区委常委",
        votes={a.pk: (9, 1, 1), b.pk: (2, 8, 1)},
        actor=staff,
    )
    return decision_services.decide(selection=selection, meeting=meeting, actor=staff)


def running(personas, cadre, *, started_days_ago: int, months: int = 12):
    start = timezone.localdate() - timedelta(days=started_days_ago)
    SelectionSettings.objects.update_or_create(year=start.year, defaults={"probation_months": months})
    return services.probation_start(cadre=cadre, post="区教育局副局长", start=start, actor=personas.org_staff.user)


# --- Rules -------------------------------------------------------------------------------------------


def test_one_year_ends_the_day_before_the_anniversary():
    assert rules.probation_end(date(2026, 3, 10), 12) == date(2027, 3, 9)
    assert rules.probation_end(date(2024, 2, 29), 12) == date(2025, 2, 27)  # 2025-02-28 is the first free day
    assert rules.probation_end(date(2026, 1, 31), 1) == date(2026, 2, 27)
    assert SelectionSettings.for_year(2026).probation_months == 12
    assert SelectionSettings.for_year(2026).probation_reminder_days == 30


def test_which_appointments_are_under_probation(personas):
    township = UnitFactory(name="柳溪镇", category=UnitCategory.TOWNSHIP)
    department = UnitFactory(name="区发改局", category=UnitCategory.DISTRICT_DEPARTMENT)
    deputy = ApprovedPost(unit=department, title="副局长", tier=LeadershipTier.DEPUTY, count=1)
    principal = ApprovedPost(unit=department, title="局长", tier=LeadershipTier.PRINCIPAL, count=1)
    town_deputy = ApprovedPost(unit=township, title="副镇长", tier=LeadershipTier.DEPUTY, count=1)
    clerk = CadreFactory(unit=department, name="科员甲", role=UnitRole.STAFF)
    leader = CadreFactory(unit=department, name="班子乙", role=UnitRole.TEAM_MEMBER)
    assert rules.probation_applies(clerk, deputy)[0] is True
    assert "第五十条" in rules.probation_applies(clerk, deputy)[1]
    assert rules.probation_applies(clerk, principal) == (False, "拟任职务为正职，不在条例规定的试用职务范围内。")
    assert rules.probation_applies(clerk, town_deputy)[1].startswith("乡镇街道领导职务多经选举产生")
    assert rules.probation_applies(leader, deputy)[1] == "本人已任领导职务，不属于提任，不实行任职试用期。"


# --- Started by the decision ----------------------------------------------------------------------------


def test_decision_starts_the_probation_of_the_years_settings_and_records_it(personas):
    today = timezone.localdate()
    SelectionSettings.objects.create(year=today.year, probation_months=6, probation_reminder_days=20)
    decision = decided(personas)
    probation = Probation.objects.get()
    cadre = decision.chosen.cadre
    assert (probation.cadre, probation.decision, probation.status) == (cadre, decision, ProbationStatus.RUNNING)
    assert probation.start_date == today and probation.end_date == rules.probation_end(today, 6)
    assert probation.original_end == probation.end_date and probation.reminder_days == 20
    assert probation.post == str(decision.selection.post)
    assert decision.previous_unit == cadre.unit.name and decision.previous_is_leadership is False
    entry = ProcessEntry.objects.filter(selection=decision.selection, step="任职试用期").get()
    assert f"试用期 6 个月，自 {today.isoformat()} 至 {probation.end_date.isoformat()}" in entry.text
    assert list(ProbationReview.objects.values_list("action", flat=True)) == ["start"]


def test_a_township_post_has_no_probation_and_the_record_says_why(personas):
    township = UnitFactory(name="柳溪镇", category=UnitCategory.TOWNSHIP)
    post = ApprovedPost.objects.create(unit=township, title="副镇长", tier=LeadershipTier.DEPUTY, count=2)
    decision = decided(personas, post=post)
    assert not Probation.objects.exists()
    entry = ProcessEntry.objects.get(selection=decision.selection, step="任职试用期")
    assert entry.text.startswith("乡镇街道领导职务多经选举产生")


# --- The review through the pages ---------------------------------------------------------------------


def test_confirm_waits_for_the_end_then_confirms(client, personas):
    decision = decided(personas)
    probation = decision.probation
    client.force_login(personas.org_staff.user)
    url = reverse("selection:probation_confirm", args=[probation.pk])
    response = client.post(url, {"note": "胜任现职<script>"})
    assert response.status_code == 400
    html = page(response)
    assert f"试用期至 {probation.end_date.isoformat()} 才满" in html and "胜任现职&lt;script&gt;" in html
    probation.refresh_from_db()
    assert probation.status == ProbationStatus.RUNNING
    # A probation that has run its course: confirmed, with the record of the selection.
    old = running(personas, personas.cadre, started_days_ago=400)
    response = client.post(reverse("selection:probation_confirm", args=[old.pk]), {"note": ""})
    assert response.status_code == 400 and 'class="errorlist"' in page(response)
    old.refresh_from_db()
    assert old.status == ProbationStatus.RUNNING
    response = client.post(reverse("selection:probation_confirm", args=[old.pk]), {"note": "考核合格，胜任现职。"})
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.status == ProbationStatus.CONFIRMED and old.closed_on == timezone.localdate()
    detail = page(client.get(reverse("selection:probation_detail", args=[old.pk])))
    assert "考核合格，正式任职" in detail and "考核合格，胜任现职。" in detail and 'id="confirm-form"' not in detail
    # Done is done: a second review is refused with the reason.
    response = client.post(reverse("selection:probation_end", args=[old.pk]), {"reason": "x"})
    assert response.status_code == 400 and "这个试用期的状态为“已正式任职”，不能再结束" in page(response)


def test_extend_checks_the_new_end_and_records_it(client, personas):
    decision = decided(personas)
    probation = decision.probation
    end = probation.end_date
    client.force_login(personas.org_staff.user)
    url = reverse("selection:probation_extend", args=[probation.pk])
    for new_end, message in (
        (end.isoformat(), "须晚于现在的期满日期"),
        ((end + timedelta(days=400)).isoformat(), "试用期每次最多延长 12 个月"),
        ("2027-02-30", "有效的日期"),
    ):
        response = client.post(url, {"new_end": new_end, "reason": "工作实绩有待观察"})
        assert response.status_code == 400 and message in page(response), new_end
        probation.refresh_from_db()
        assert probation.end_date == end
    new_end = end + timedelta(days=180)
    response = client.post(url, {"new_end": new_end.isoformat(), "reason": "工作实绩有待观察"})
    assert response.status_code == 302
    probation.refresh_from_db()
    assert (probation.end_date, probation.original_end, probation.is_extended) == (new_end, end, True)
    entry = ProcessEntry.objects.get(selection=decision.selection, step="延长试用期")
    assert f"由 {end.isoformat()} 延长至 {new_end.isoformat()}" in entry.text and entry.actor == personas.org_staff.user


def test_end_as_unfit_needs_the_reason(client, personas):
    decision = decided(personas)
    probation = decision.probation
    client.force_login(personas.org_staff.user)
    url = reverse("selection:probation_end", args=[probation.pk])
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 400 and 'class="errorlist"' in page(response)
    probation.refresh_from_db()
    assert probation.status == ProbationStatus.RUNNING
    assert client.post(url, {"reason": "履职能力不适应岗位要求。"}).status_code == 302
    probation.refresh_from_db()
    assert probation.status == ProbationStatus.ENDED
    entry = ProcessEntry.objects.get(selection=decision.selection, step="试用期满考核")
    assert "免去试任的" in entry.text and "履职能力不适应岗位要求" in entry.text


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 302),
        ("cadre", 404),
        ("leader", 404),
        ("team_member", 404),
        ("superior_leader", 404),
        ("stranger", 404),
        ("discipline", 404),
        ("org_staff", 200),
        ("admin", 200),
    ],
)
def test_probation_pages_are_for_org_staff(client, personas, who, expected):
    probation = running(personas, personas.cadre, started_days_ago=10)
    user = personas.user(who)
    if user is not None:
        client.force_login(user)
    for url in (reverse("selection:probation_list"), reverse("selection:probation_detail", args=[probation.pk])):
        assert client.get(url).status_code == expected, url
    if expected != 200:
        for name in ("probation_confirm", "probation_extend", "probation_end"):
            response = client.post(reverse(f"selection:{name}", args=[probation.pk]), {"reason": "x", "note": "x"})
            assert response.status_code in (302, 404)
            if response.status_code == 302:
                assert "/accounts/login/" in response["Location"]
        probation.refresh_from_db()
        assert probation.status == ProbationStatus.RUNNING and not probation.is_extended


# --- Profile and eligibility --------------------------------------------------------------------------


def test_profile_shows_the_probation_and_staff_see_the_review(client, personas):
    probation = running(personas, personas.cadre, started_days_ago=400)
    services.probation_extend(
        probation=probation,
        new_end=timezone.localdate() + timedelta(days=60),
        reason="群众反映需进一步观察",
        actor=personas.org_staff.user,
    )
    url = reverse("cadres:cadre_detail", args=[personas.cadre.pk])
    client.force_login(personas.org_staff.user)
    html = page(client.get(url))
    assert 'id="probation-profile"' in html and "区教育局副局长" in html and "已延长" in html
    assert "群众反映需进一步观察" in html and reverse("selection:probation_detail", args=[probation.pk]) in html
    client.force_login(personas.cadre.user)
    html = page(client.get(reverse("cadres:my_profile")))
    assert 'id="probation-profile"' in html and "试用中" in html
    assert "群众反映需进一步观察" not in html and reverse("selection:probation_detail", args=[probation.pk]) not in html
    client.force_login(personas.colleague.user)
    assert client.get(url).status_code == 404


def test_a_cadre_in_probation_is_flagged_in_eligibility(client, personas):
    staff = personas.org_staff.user
    selection = open_selection(post_with_vacancy(personas.unit), staff)  # qualification date 2026-06-01
    start = selection.qualification_date - timedelta(days=30)
    probation = services.probation_start(cadre=personas.cadre, post="区教育局副局长", start=start, actor=staff)
    failures = rules.qualification_failures(personas.cadre, selection)
    assert failures == [
        f"任职试用期内（试任区教育局副局长，至 {probation.end_date.isoformat()}），试用期满考核合格前不宜进一步提拔"
    ]
    client.force_login(staff)
    eligible = page(client.get(reverse("selection:eligible", args=[selection.pk]), {"all": "1"}))
    assert "任职试用期内" in eligible
    services.probation_end_unfit(probation=probation, reason="不胜任", actor=staff)
    assert rules.qualification_failures(personas.cadre, selection) == []


def test_only_one_running_probation_per_cadre(personas):
    running(personas, personas.cadre, started_days_ago=10)
    from selection.errors import SelectionError

    with pytest.raises(SelectionError, match="已有进行中的任职试用期"):
        running(personas, personas.cadre, started_days_ago=5)


# --- The reminder on the worker -----------------------------------------------------------------------


def test_reminder_window_is_the_settings_days_before_the_end(personas):
    probation = running(personas, personas.cadre, started_days_ago=300)  # ends in about 65 days
    assert not services.reminder_due(probation, timezone.localdate())
    assert services.reminder_due(probation, probation.end_date - timedelta(days=30))
    assert not services.reminder_due(probation, probation.end_date - timedelta(days=31))


@pytest.mark.worker
def test_probation_end_reminder_runs_on_the_worker_once_per_end(celery_worker, personas):
    due = running(personas, personas.cadre, started_days_ago=350)  # ends within 30 days
    running(personas, personas.colleague, started_days_ago=100)  # far from its end
    remind_probation_ends.delay()
    note = wait_for(lambda: Notification.objects.filter(recipient=personas.org_staff.user).first())
    assert personas.cadre.name in note.title and due.end_date.isoformat() in note.title
    assert note.url == reverse("selection:probation_detail", args=[due.pk])
    remind_probation_ends.delay()
    time.sleep(2)
    assert Notification.objects.filter(recipient=personas.org_staff.user).count() == 1
    assert not Notification.objects.filter(title__contains=personas.colleague.name).exists()
    # Extended: staff hear again before the new end, not before.
    services.probation_extend(
        probation=due,
        new_end=timezone.localdate() + timedelta(days=20),
        reason="延长观察",
        actor=personas.org_staff.user,
    )
    remind_probation_ends.delay()
    wait_for(lambda: Notification.objects.filter(recipient=personas.org_staff.user).count() == 2)
    assert Decision.objects.count() == 0


def test_probation_settings_are_per_year_on_the_settings_page(client, personas):
    client.force_login(personas.org_staff.user)
    url = reverse("selection:settings")
    year = timezone.localdate().year
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "id"}
    data["reserve_required"] = "on"
    response = client.post(url, data | {"probation_months": 25})
    assert response.status_code == 400 and not SelectionSettings.objects.exists()
    assert client.post(url, data | {"probation_months": 18, "probation_reminder_days": 45}).status_code == 302
    saved = SelectionSettings.for_year(year)
    assert (saved.probation_months, saved.probation_reminder_days) == (18, 45)
    start = timezone.localdate()
    probation = services.probation_start(cadre=personas.cadre, post="区教育局副局长", start=start, actor=None)
    assert probation.end_date == rules.probation_end(start, 18) and probation.reminder_days == 45
    # A probation keeps the numbers it started with.
    SelectionSettings.objects.filter(year=year).update(probation_months=6)
    probation.refresh_from_db()
    assert probation.end_date == rules.probation_end(start, 18)
