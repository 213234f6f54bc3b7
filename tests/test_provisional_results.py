"""Results computed before the period's last backfill window closes are 暂定, and recomputed by the beat job."""

from __future__ import annotations

import csv
import io
import time
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from openpyxl import load_workbook

from achievements.rules import records_final_deadline
from cadres.models import Cadre
from evaluations.models import Period, PeriodState, QuarterlyResult
from evaluations.services import periods, scoring
from evaluations.tasks import recompute_provisional_periods

from .factories import make_team, open_period, submit_all

# 2026Q3 ends on Wednesday 30 September; after the National Day holiday (1–7 October) the 5th working
# day is Tuesday 13 October (Saturday the 10th is a 调休 working day): windows close at its midnight.
FINAL_DAY = date(2026, 10, 13)


def wait_until(predicate, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "the worker did not finish in time"
        time.sleep(0.2)


def _q3_with_votes(team_name: str):
    team = make_team(team_name, staff=3, accounts=True)
    Cadre.objects.filter(unit=team.unit).update(records_from=date(2026, 1, 1))
    period = open_period(2026, 3)
    submit_all(period, lambda rater, ratee: 70 + ratee.pk % 10)
    return team, period


@pytest.mark.django_db
def test_the_last_window_of_2026q3_closes_after_13_october():
    final = records_final_deadline(2026, 3)
    assert final.date() == FINAL_DAY + timedelta(days=1) and final.hour == 0  # exclusive midnight, Shanghai


@pytest.mark.django_db
def test_results_at_the_edge_date(personas):
    """One second before the last window closes the results are 暂定; computed at that moment they are final."""
    team, period = _q3_with_votes("边界镇")
    final = records_final_deadline(2026, 3)
    run = periods.period_close(period=period)
    scoring.computation_execute(run_id=run.pk, now=final - timedelta(seconds=1))
    period.refresh_from_db()
    assert period.is_provisional and period.provisional_until == final
    early = QuarterlyResult.objects.get(period=period, cadre=team["S1"])
    assert scoring.provisional_recompute_due(now=final - timedelta(seconds=1)) == []

    again = scoring.computation_request(period=period, queue=False)
    scoring.computation_execute(run_id=again.pk, now=final)
    period.refresh_from_db()
    assert not period.is_provisional and period.provisional_until is None
    late = QuarterlyResult.objects.get(period=period, cadre=team["S1"])
    # The days of the last week and the quarterly summary only count once their windows closed.
    assert late.missing_summary and not early.missing_summary
    assert late.missing_log_days > early.missing_log_days and late.deduction > early.deduction


@pytest.mark.django_db
def test_closing_early_warns_with_the_date_and_every_result_page_says_provisional(client, personas, monkeypatch):
    team, period = _q3_with_votes("暂定镇")
    final = records_final_deadline(2026, 3)
    monkeypatch.setattr(timezone, "now", lambda: final - timedelta(hours=2))
    client.force_login(personas.org_staff.user)

    page = client.get(reverse("evaluations:period_detail", args=[period.pk])).content.decode()
    assert 'id="records-open-warning"' in page and "2026-10-13" in page
    assert "补记期到 2026-10-13 才结束" in page  # the close button's confirmation names the date too

    response = client.post(reverse("evaluations:period_action", args=[period.pk, "close"]), follow=True)
    assert "2026-10-13" in response.content.decode() and "暂定" in response.content.decode()
    run = period.runs.get()
    scoring.computation_execute(run_id=run.pk)  # the queued job, here in-process (timezone.now is the early time)
    period.refresh_from_db()
    assert period.state == PeriodState.COMPUTED and period.is_provisional

    results = client.get(reverse("evaluations:results", args=[period.pk])).content.decode()
    assert "provisional-mark" in results
    detail = client.get(reverse("evaluations:result_detail", args=[period.pk, team["S1"].pk])).content.decode()
    assert "provisional-mark" in detail and "2026-10-13" in detail
    xlsx = client.get(reverse("evaluations:results_export", args=[period.pk]), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-1] == "结果状态" and {r[-1] for r in rows[1:]} == {"暂定"}
    api = client.get(f"/api/evaluations/periods/{period.pk}/results/").json()
    assert {r["provisional"] for r in api["results"]} == {True}
    assert client.get(f"/api/evaluations/periods/{period.pk}/").json()["provisional_until"]

    client.post(reverse("evaluations:period_action", args=[period.pk, "publish"]))
    client.force_login(team["S1"].user)
    mine = client.get(reverse("evaluations:my_results")).content.decode()
    assert "provisional-mark" in mine
    own = client.get(reverse("evaluations:my_result_detail", args=[period.pk])).content.decode()
    assert "provisional-mark" in own and "2026-10-13" in own
    assert client.get("/api/evaluations/my-results/").json()["results"][0]["provisional"] is True


@pytest.mark.django_db
def test_closing_after_the_windows_shows_no_warning_and_no_mark(client, personas):
    _team, period = _q3_with_votes("正式镇")
    client.force_login(personas.org_staff.user)
    page = client.get(reverse("evaluations:period_detail", args=[period.pk])).content.decode()
    assert 'id="records-open-warning"' not in page
    client.post(reverse("evaluations:period_action", args=[period.pk, "close"]))
    scoring.computation_execute(run_id=period.runs.get().pk)
    results = client.get(reverse("evaluations:results", args=[period.pk])).content.decode()
    assert "provisional-mark" not in results
    text = client.get(reverse("evaluations:results_export", args=[period.pk]), {"format": "csv"}).content
    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert {r[-1] for r in rows[1:]} == {"正式"}


@pytest.mark.django_db
def test_the_recompute_job_is_in_the_beat_schedule():
    task = PeriodicTask.objects.get(task="evaluations.tasks.recompute_provisional_periods")
    assert task.enabled and task.crontab.timezone.key == "Asia/Shanghai"


def test_the_beat_job_recomputes_published_provisional_results_on_the_worker(celery_worker, client, personas):
    team, period = _q3_with_votes("重算镇")
    final = records_final_deadline(2026, 3)
    periods.period_close(period=period)  # the worker computes this one at once (real time: final results)
    wait_until(lambda: Period.objects.get(pk=period.pk).state == PeriodState.COMPUTED)
    # Results as a computation on 12 October would have left them: provisional.
    early = scoring.computation_request(period=period, queue=False)
    scoring.computation_execute(run_id=early.pk, now=final - timedelta(days=1))
    periods.period_publish(period=Period.objects.get(pk=period.pk))
    before = QuarterlyResult.objects.get(period=period, cadre=team["S1"])
    assert not before.missing_summary

    # Today is past 13 October 2026 (the clock is not patched): the job finds the period due.
    assert Period.objects.get(pk=period.pk).is_provisional
    assert recompute_provisional_periods.delay().get(timeout=60) == 1
    wait_until(lambda: Period.objects.get(pk=period.pk).provisional_until is None)
    period.refresh_from_db()
    assert period.state == PeriodState.PUBLISHED  # still visible to the cadres, now final
    after = QuarterlyResult.objects.get(period=period, cadre=team["S1"])
    assert after.missing_summary and after.deduction > before.deduction
    client.force_login(team["S1"].user)
    assert "provisional-mark" not in client.get(reverse("evaluations:my_results")).content.decode()
