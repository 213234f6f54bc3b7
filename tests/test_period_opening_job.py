"""Opening a period is a background job (core.jobs): queued by the page, run by the worker, followed
on the period page; the set-based sheets match the rules' Python reference."""

from __future__ import annotations

import random
import time

import pytest
from django.urls import reverse

from cadres.models import Cadre, MembershipSnapshot, UnitRole
from core.models import Notification
from evaluations import rules
from evaluations.lines import sheet_lines
from evaluations.models import Period, PeriodOpening, PeriodState, SheetAssignment
from evaluations.services import periods
from evaluations.services.configuration import evaluator_scope_save

from .evaluation_helpers import make_team
from .factories import CadreFactory

pytestmark = pytest.mark.django_db


def _draft(quarter: int = 1) -> Period:
    return periods.period_create(kind="quarterly", year=2026, quarter=quarter)


def test_the_page_queues_the_opening_refuses_a_second_and_shows_progress_then_the_outcome(client, personas):
    team = make_team("排队镇", staff=2, accounts=True)
    period = _draft()
    client.force_login(personas.org_staff.user)
    action = reverse("evaluations:period_action", args=[period.pk, "open"])
    first = client.post(action, follow=True).content.decode()
    assert "正在后台开始测评" in first
    period.refresh_from_db()
    assert period.state == PeriodState.DRAFT and not SheetAssignment.objects.filter(period=period).exists()
    job = PeriodOpening.objects.get(period=period)
    assert job.status == "queued" and job.requested_by == personas.org_staff.user

    # The page polls the card while the job waits; the open button is replaced by a disabled one.
    detail = client.get(reverse("evaluations:period_detail", args=[period.pk])).content.decode()
    poll = reverse("evaluations:period_opening_progress", args=[period.pk])
    assert f'hx-get="{poll}"' in detail and "正在开始测评……" in detail
    assert f"{reverse('evaluations:period_action', args=[period.pk, 'open'])}" not in detail

    # Opening twice is refused with a Chinese sentence; still one job. Deleting is refused too.
    second = client.post(action, follow=True).content.decode()
    assert "正在后台开始测评（生成测评表），请等待完成，不要重复操作" in second
    delete = client.post(reverse("evaluations:period_action", args=[period.pk, "delete"]), follow=True)
    assert "请等待完成" in delete.content.decode() and Period.objects.filter(pk=period.pk).exists()
    assert PeriodOpening.objects.filter(period=period).count() == 1

    steps: list[tuple[int, int, str]] = []
    job = periods.period_opening_execute(job_id=job.pk, echo=lambda *step: steps.append(step))
    assert [s[0] for s in steps] == [0, 1, 2, 3, 4] and {s[1] for s in steps} == {periods.OPEN_TOTAL}
    assert job.status == "succeeded" and job.started_at and job.finished_at and job.attempts == 1
    assert job.sheets == SheetAssignment.objects.filter(period=period).count() > 0
    assert job.lines == sum(len(sheet_lines(a)) for a in SheetAssignment.objects.filter(period=period)) > 0
    assert (job.progress_done, job.progress_total) == (periods.OPEN_TOTAL, periods.OPEN_TOTAL)
    period.refresh_from_db()
    assert period.state == PeriodState.OPEN and period.snapshot is not None
    polled = client.get(poll, HTTP_HX_REQUEST="true")
    card = polled.content.decode()
    assert 'data-status="succeeded"' in card and "hx-get" not in card
    assert polled["HX-Refresh"] == "true"  # the page reloads to show the open period
    assert "HX-Refresh" not in client.get(poll)  # a plain request is just the card
    assert f"已生成测评表 {job.sheets} 张、评分格 {job.lines} 个" in card
    # Raters with an account are told once (set-based notices).
    assert Notification.objects.filter(recipient=team["S1"].user, title__contains="测评已开始").count() == 1
    # Once open, a further request is refused as a wrong state.
    again = client.post(action, follow=True).content.decode()
    assert "当前状态为“测评中”，不能开始测评" in again
    # A redelivered task of the finished job does nothing again.
    assert periods.period_opening_execute(job_id=job.pk).status == "succeeded"
    assert SheetAssignment.objects.filter(period=period).count() == job.sheets


def test_a_refused_or_crashed_opening_fails_with_a_chinese_error_and_changes_nothing(client, personas, monkeypatch):
    make_team("失败镇", staff=2)
    period = _draft()
    job = periods.period_open_request(period=period, actor=personas.org_staff.user)
    # Something opened it meanwhile by another way: the job fails with the domain rule's sentence.
    Period.objects.filter(pk=period.pk).update(state=PeriodState.CLOSED)
    failed = periods.period_opening_execute(job_id=job.pk)
    assert failed.status == "failed" and "不能开始测评" in failed.error
    Period.objects.filter(pk=period.pk).update(state=PeriodState.DRAFT)

    # A failed job frees the period: a new request is accepted; this one crashes half-way.
    job = periods.period_open_request(period=period, actor=personas.org_staff.user)

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(periods, "_sheets_build", broken)
    with pytest.raises(RuntimeError):
        periods.period_opening_execute(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "后台任务出错（RuntimeError）" in job.error and "没有做任何更改" in job.error
    period.refresh_from_db()
    assert period.state == PeriodState.DRAFT and period.snapshot is None
    assert not MembershipSnapshot.objects.exists() and not SheetAssignment.objects.exists()
    client.force_login(personas.org_staff.user)
    card = client.get(reverse("evaluations:period_opening_progress", args=[period.pk])).content.decode()
    assert 'data-status="failed"' in card and "后台任务出错（RuntimeError）" in card and "hx-get" not in card
    # The period page offers the open button again.
    detail = client.get(reverse("evaluations:period_detail", args=[period.pk])).content.decode()
    assert reverse("evaluations:period_action", args=[period.pk, "open"]) in detail


def test_the_api_queues_the_opening_with_202(client, personas):
    make_team("接口镇", staff=2)
    period = _draft()
    client.force_login(personas.org_staff.user)
    response = client.post(f"/api/evaluations/periods/{period.pk}/open/")
    assert response.status_code == 202 and response.json()["status"] == "queued"
    again = client.post(f"/api/evaluations/periods/{period.pk}/open/")
    assert again.status_code == 400 and "请等待完成" in str(again.json())
    period.refresh_from_db()
    assert period.state == PeriodState.DRAFT


def test_the_opening_progress_card_costs_the_same_few_queries_for_any_job(
    client, personas, django_assert_max_num_queries
):
    make_team("查询镇", staff=2)
    period = _draft()
    job = periods.period_open_request(period=period, actor=personas.org_staff.user)
    client.force_login(personas.org_staff.user)
    url = reverse("evaluations:period_opening_progress", args=[period.pk])
    with django_assert_max_num_queries(6):
        queued = client.get(url, HTTP_HX_REQUEST="true")
    assert queued.status_code == 200 and "HX-Refresh" not in queued
    periods.period_opening_execute(job_id=job.pk)
    with django_assert_max_num_queries(6):
        assert "已生成测评表" in client.get(url).content.decode()


def test_set_based_sheets_equal_the_rules_reference_on_a_random_organization(personas):
    """The four statements of the opening give exactly `rules.unit_sheets`, in its order."""
    rng = random.Random(16)
    teams = [
        make_team(f"随机{i}镇", leaders=rng.choice([0, 1, 1]), team_members=rng.randint(0, 3), staff=rng.randint(0, 6))
        for i in range(6)
    ]
    outsiders = [CadreFactory(unit=personas.other_unit) for _ in range(4)]
    gone = CadreFactory(unit=personas.other_unit)  # an external evaluator who leaves before the opening
    for n, team in enumerate(teams):
        superiors = rng.sample(outsiders, rng.randint(0, 2))
        externals = rng.sample(outsiders, rng.randint(0, 2)) + ([gone] if n == 0 else [])
        if n == 1:  # one cadre both superior and external of the same unit
            superiors, externals = outsiders[:1], outsiders[:2]
        if n == 2:  # a member of another town rates this one from outside
            externals = [teams[3].people[next(iter(teams[3].people))]] if teams[3].people else externals
        evaluator_scope_save(unit=team.unit, superiors=superiors, externals=externals)
    Cadre.objects.filter(pk=gone.pk).update(is_active=False)
    period = _draft()
    job = periods.period_open_request(period=period, actor=personas.org_staff.user)
    assert periods.period_opening_execute(job_id=job.pk).status == "succeeded"

    active = {c.pk for c in Cadre.objects.filter(is_active=True)}
    for team in teams:
        members = [rules.Member(c.pk, c.role, c.code) for c in Cadre.objects.filter(unit=team.unit, is_active=True)]
        scope = team.unit.evaluator_scope if hasattr(team.unit, "evaluator_scope") else None
        superiors = [c.pk for c in scope.superior_evaluators.all() if c.pk in active] if scope else []
        externals = [c.pk for c in scope.external_evaluators.all() if c.pk in active] if scope else []
        expected = rules.unit_sheets(members, superiors=superiors, externals=externals)
        expected = {rater: lines for rater, lines in expected.items() if lines}
        built = {
            a.rater_id: [(line.ratee_id, line.rater_group) for line in sheet_lines(a)]
            for a in SheetAssignment.objects.filter(period=period, unit=team.unit)
        }
        assert built == expected, team.unit.name
    # The count each sheet keeps (lists and completion pages show it) is its number of lines.
    sheets = list(SheetAssignment.objects.filter(period=period))
    assert all(a.ratee_count == len(sheet_lines(a)) > 0 for a in sheets)
    assert not any(line.ratee_id == gone.pk for a in sheets for line in sheet_lines(a))
    assert not SheetAssignment.objects.filter(rater=gone).exists()


@pytest.mark.worker
def test_the_worker_opens_the_period_the_page_queued(celery_worker, client, personas):
    make_team("工作镇", staff=3)
    period = _draft()
    client.force_login(personas.org_staff.user)
    client.post(reverse("evaluations:period_action", args=[period.pk, "open"]))
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        job = PeriodOpening.objects.get(period=period)
        if job.is_finished:
            break
        time.sleep(0.2)
    assert job.status == "succeeded", job.error
    period.refresh_from_db()
    assert period.state == PeriodState.OPEN
    assert SheetAssignment.objects.filter(period=period, rater__role=UnitRole.STAFF).exists()
    card = client.get(reverse("evaluations:period_opening_progress", args=[period.pk]), HTTP_HX_REQUEST="true")
    assert "已生成测评表" in card.content.decode()
