"""Org staff run a period: settings, scopes, open with sheets, completion, reminders, close, publish; and the CLI."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from achievements.models import RecordRules
from cadres.models import Cadre, MembershipSnapshot, UnitCategory, UnitRole
from core.models import Notification
from evaluations.errors import BoxAlreadyOpened
from evaluations.lines import sheet_lines
from evaluations.models import (
    ComputationRun,
    EvaluationSettings,
    EvaluatorScope,
    Period,
    PeriodOpening,
    PeriodState,
    QuarterlyResult,
    RaterGroup,
    RunStatus,
    SheetAssignment,
)
from evaluations.services import periods

from .evaluation_helpers import make_team, open_period, submit_all
from .factories import CadreFactory

pytestmark = pytest.mark.django_db


def settings_post(**overrides) -> dict:
    data = {
        "s-leader_weight": "4",
        "s-peer_weight": "3",
        "s-other_weight": "3",
        "s-score_min": "50",
        "s-score_max": "100",
        "s-band_threshold": "90",
        "s-band_share_percent": "30",
        "s-band_minimum": "1",
        "s-display_threshold": "3",
        "s-drop_extremes_min_raters": "7",
        "s-small_unit_size": "8",
        "s-reminder_days_before": "3",
        "s-quality_flat_min_scores": "3",
        "s-quality_outlier_points": "10",
        "s-main_leader_democratic_weight": "10",
        "s-main_leader_unit_weight": "30",
        "s-main_leader_quarterly_weight": "60",
        "s-others_democratic_weight": "10",
        "s-others_unit_weight": "20",
        "s-others_quarterly_weight": "70",
        "s-excellent_quota_percent": "20",
        "s-excellent_quota_min_unit_size": "5",
        "s-promotion_top_percent": "50",
        "s-excellent_lookback_years": "3",
        "s-commendation_top_percent": "50",
        "s-last_place_comparison": "rank_level",
        "d-missing_log_deduction": "0.10",
        "d-missing_quarterly_summary_deduction": "1.00",
        "d-missing_annual_summary_deduction": "1.00",
    }
    data.update(overrides)
    return data


def test_staff_edit_the_settings_of_a_year_and_category_with_the_deduction_rates(client, personas):
    client.force_login(personas.org_staff.user)
    url = reverse("evaluations:settings") + "?year=2026&category=township"
    page = client.get(url).content.decode()
    assert "领导主评权重" in page and "每缺一篇日志扣分" in page and "尚无单独设置" in page
    response = client.post(
        url, settings_post(**{"s-leader_weight": "5", "s-drop_extremes": "on", "d-missing_log_deduction": "0.20"})
    )
    assert response.status_code == 302
    row = EvaluationSettings.objects.get(year=2026, unit_category=UnitCategory.TOWNSHIP)
    assert row.leader_weight == 5 and row.drop_extremes
    # The deduction rate lives in the records app's own rules row, not a copy.
    rules_row = RecordRules.objects.get(year=2026, unit_category=UnitCategory.TOWNSHIP)
    assert rules_row.missing_log_deduction == Decimal("0.20")
    assert EvaluationSettings.objects.filter(unit_category="").count() == 0  # the general row is untouched
    entry = LogEntry.objects.get_for_object(row).latest("timestamp")
    assert entry.actor == personas.org_staff.user
    assert LogEntry.objects.get_for_object(rules_row).exists()


def test_inconsistent_settings_are_refused_and_the_input_kept(client, personas):
    client.force_login(personas.org_staff.user)
    url = reverse("evaluations:settings") + "?year=2026"
    response = client.post(url, settings_post(**{"s-others_quarterly_weight": "60", "s-band_threshold": "101"}))
    assert response.status_code == 200
    text = response.content.decode()
    assert "权重之和须为 100%" in text and "高分档分数线必须在最低分与最高分之间" in text and 'value="60' in text
    assert not EvaluationSettings.objects.exists()


def test_evaluator_scope_with_superiors_and_externals(client, personas):
    small = make_team("团区委", category=UnitCategory.DISTRICT_DEPARTMENT, team_members=0, staff=2)
    towns = [CadreFactory(unit=personas.other_unit, name=f"乡镇团委书记{i}") for i in range(3)]
    client.force_login(personas.org_staff.user)
    url = reverse("evaluations:scope_edit", args=[small.unit.pk])
    assert "少于 8 人" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "superiors": personas.superior_leader.code,
            "externals": " ".join(c.code for c in towns),
            "note": "吸收乡镇团委书记",
        },
    )
    assert response.status_code == 302
    scope = EvaluatorScope.objects.get(unit=small.unit)
    assert set(scope.external_evaluators.all()) == set(towns) and list(scope.superior_evaluators.all()) == [
        personas.superior_leader
    ]
    bad = client.post(url, {"superiors": small["S1"].code + " NOPE1", "externals": ""})
    assert "NOPE1" in bad.content.decode()
    inside = client.post(url, {"superiors": small["S1"].code, "externals": ""})
    assert "是本单位干部" in inside.content.decode()
    assert LogEntry.objects.filter(content_type__model="evaluatorscope").exists()


def test_opening_snapshots_membership_and_builds_sheets_by_the_rules(client, personas):
    team = make_team("开评镇", team_members=1, staff=2)
    externals = [CadreFactory(unit=personas.other_unit) for _ in range(2)]
    from evaluations.services.configuration import evaluator_scope_save

    evaluator_scope_save(unit=team.unit, superiors=[personas.superior_leader], externals=externals)
    client.force_login(personas.org_staff.user)
    client.post(reverse("evaluations:period_list"), {"kind": "quarterly", "year": 2026, "quarter": 1})
    period = Period.objects.get()
    detail = client.get(reverse("evaluations:period_detail", args=[period.pk])).content.decode()
    assert "开始前检查" in detail and "开评镇" not in detail.split("开始前检查")[1].split("</div>")[0]
    response = client.post(reverse("evaluations:period_action", args=[period.pk, "open"]), follow=True)
    assert "正在后台开始测评" in response.content.decode()
    period.refresh_from_db()
    assert period.state == PeriodState.DRAFT  # the request only queued the job; the worker runs it
    job = PeriodOpening.objects.get(period=period)
    periods.period_opening_execute(job_id=job.pk)
    card = client.get(reverse("evaluations:period_opening_progress", args=[period.pk])).content.decode()
    assert "已生成测评表" in card and 'data-status="succeeded"' in card
    period.refresh_from_db()
    assert period.state == PeriodState.OPEN and period.snapshot is not None
    assert MembershipSnapshot.objects.get().members.count() == Cadre.objects.filter(is_active=True).count()
    sheets = SheetAssignment.objects.filter(period=period, unit=team.unit).order_by("pk")
    lines = {(sheet.rater_id, line.ratee_id): line.rater_group for sheet in sheets for line in sheet_lines(sheet)}
    assert lines[(personas.superior_leader.pk, team["M1"].pk)] == RaterGroup.LEADER
    assert lines[(externals[0].pk, team["S1"].pk)] == RaterGroup.OTHER
    assert lines[(team["T1"].pk, team["S1"].pk)] == RaterGroup.LEADER
    assert lines[(team["S2"].pk, team["S1"].pk)] == RaterGroup.PEER
    assert (personas.superior_leader.pk, team["S1"].pk) not in lines
    # Raters with an account are told; a move after the opening changes nothing of this period.
    assert Notification.objects.filter(recipient=personas.cadre.user, title__contains="测评已开始").exists()
    Cadre.objects.filter(pk=team["S1"].pk).update(unit=personas.other_unit)
    assert SheetAssignment.objects.filter(period=period, unit=team.unit, rater=team["S1"]).exists()
    assert {
        (sheet.rater_id, line.ratee_id): line.rater_group for sheet in sheets for line in sheet_lines(sheet)
    } == lines


def test_opening_check_warns_about_small_units_and_missing_superiors(personas):
    make_team("小单位", team_members=0, staff=2)
    period = periods.period_create(kind="quarterly", year=2026, quarter=2)
    warnings = " ".join(periods.opening_check(period).warnings)
    assert "小单位 只有 3 名干部" in warnings and "没有指定上级评价人" in warnings


def test_completion_shows_who_submitted_never_what_and_reminders_go_once_a_day(client, personas):
    team = make_team("完成镇", staff=3, accounts=True)
    period = open_period()
    submit_all(period, lambda rater, ratee: 80 if rater in (team["S1"], team["S2"]) else None)
    client.force_login(personas.org_staff.user)
    page = client.get(reverse("evaluations:completion", args=[period.pk]), {"unit": team.unit.pk}).content.decode()
    assert "已提交" in page and "未提交" in page and ">80<" not in page
    pending = client.get(
        reverse("evaluations:completion", args=[period.pk]), {"unit": team.unit.pk, "status": "pending"}
    )
    assert {a.rater_id for a in pending.context["page"]} == {team["M1"].pk, team["T1"].pk, team["S3"].pk}
    client.post(reverse("evaluations:period_remind", args=[period.pk]), {"unit": team.unit.pk})
    client.post(reverse("evaluations:period_remind", args=[period.pk]), {"unit": team.unit.pk})
    reminded = Notification.objects.filter(title__contains="请完成")
    assert sorted(reminded.values_list("recipient_id", flat=True)) == sorted(
        [team["M1"].user_id, team["T1"].user_id, team["S3"].user_id]
    )


def test_closing_computes_in_the_background_and_publishing_tells_the_cadres(
    client, personas, django_capture_on_commit_callbacks
):
    team = make_team("截止镇", staff=3, accounts=True)
    period = open_period()
    submit_all(period, lambda rater, ratee: 80)
    client.force_login(personas.org_staff.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("evaluations:period_action", args=[period.pk, "close"]))
    period.refresh_from_db()
    assert period.state == PeriodState.COMPUTED
    run = ComputationRun.objects.get(period=period)
    assert (
        run.status == RunStatus.SUCCEEDED and run.result_count == QuarterlyResult.objects.filter(period=period).count()
    )
    card = client.get(reverse("evaluations:period_progress", args=[period.pk])).content.decode()
    assert "计算完成" in card and "hx-trigger" not in card
    client.post(reverse("evaluations:period_action", args=[period.pk, "publish"]))
    assert Notification.objects.filter(recipient=team["S1"].user, title__contains="考核结果已公布").exists()
    states = [
        e.changes.get("state")
        for e in LogEntry.objects.get_for_object(period).order_by("timestamp")
        if "state" in e.changes
    ]
    assert [s[1] for s in states] == ["draft", "open", "closed", "computed", "published"]


def test_actions_out_of_order_are_refused_with_the_state(client, personas):
    make_team("顺序镇", staff=2)
    period = periods.period_create(kind="quarterly", year=2026, quarter=3)
    client.force_login(personas.org_staff.user)
    response = client.post(reverse("evaluations:period_action", args=[period.pk, "publish"]), follow=True)
    assert "当前状态为“未开始”，不能公布结果" in response.content.decode()
    assert client.post(reverse("evaluations:period_action", args=[period.pk, "explode"])).status_code == 404
    duplicate = client.post(reverse("evaluations:period_list"), {"kind": "quarterly", "year": 2026, "quarter": 3})
    assert "已经存在" in duplicate.content.decode()


def test_reopening_only_while_the_box_is_sealed(personas):
    make_team("重开镇", staff=2)
    period = open_period()
    submit_all(period, lambda rater, ratee: 80)
    periods.period_close(period=period)  # closed; the computation has not run, the box is sealed
    periods.period_reopen(period=period)
    period.refresh_from_db()
    assert period.state == PeriodState.OPEN and not QuarterlyResult.objects.filter(period=period).exists()
    from .evaluation_helpers import close_and_compute

    close_and_compute(period)
    assert QuarterlyResult.objects.filter(period=period).exists()
    with pytest.raises(BoxAlreadyOpened, match="前后结果相减"):
        periods.period_reopen(period=period)
    period.refresh_from_db()
    assert period.state == PeriodState.COMPUTED and QuarterlyResult.objects.filter(period=period).exists()


# --- Command line ---------------------------------------------------------------------------------


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_open_close_compute_and_export_from_the_command_line(personas):
    make_team("命令镇", staff=3)
    assert "已开始测评" in run("open_period", "2026Q1")
    period = Period.objects.get(year=2026, quarter=1)
    submit_all(period, lambda rater, ratee: 75 + ratee.pk % 10)
    assert "已截止测评" in run("close_period", "2026Q1")
    output = run("compute_period", "2026Q1")
    assert "[1/4]" in output and "[4/4]" in output and "计算完成" in output
    csv_text = run("export_results", "2026Q1", "--format", "csv")
    header = csv_text.splitlines()[0]
    assert header == "编号,姓名,单位,职级,领导均分,同级均分,其他均分,扣分,季度得分,单位排名,职级排名,类别排名,结果状态"
    assert len(csv_text.splitlines()) == 1 + QuarterlyResult.objects.filter(period=period).count()
    with pytest.raises(CommandError, match="无法识别"):
        run("open_period", "2026Q9")
    with pytest.raises(CommandError, match="不存在"):
        run("close_period", "2030Q1")
    with pytest.raises(CommandError, match="当前状态"):
        run("close_period", "2026Q1")


def test_roles_of_the_snapshot_decide_even_after_a_promotion(personas):
    team = make_team("晋升镇", staff=2)
    period = open_period()
    Cadre.objects.filter(pk=team["S1"].pk).update(role=UnitRole.TEAM_MEMBER)
    submit_all(period, lambda rater, ratee: 80)
    from .evaluation_helpers import close_and_compute

    close_and_compute(period)
    assert QuarterlyResult.objects.get(period=period, cadre=team["S1"]).role == UnitRole.STAFF


def test_the_daily_job_reminds_pending_raters_as_the_deadline_nears(personas):
    from datetime import date, timedelta

    from django_celery_beat.models import PeriodicTask

    from evaluations.tasks import remind_pending_raters

    assert PeriodicTask.objects.get(task="evaluations.tasks.remind_pending_raters").enabled
    team = make_team("提醒镇", staff=2, accounts=True)
    period = open_period()
    Period.objects.filter(pk=period.pk).update(deadline=date.today() + timedelta(days=10))
    assert remind_pending_raters() == 0  # not yet: three days before by default
    Period.objects.filter(pk=period.pk).update(deadline=date.today() + timedelta(days=2))
    assert remind_pending_raters() > 0
    assert Notification.objects.filter(recipient=team["S1"].user, title__contains="请完成").count() == 1
    assert remind_pending_raters() == 0  # once a day
    EvaluationSettings.objects.create(year=2026, reminder_days_before=0)
    Notification.objects.all().delete()
    assert remind_pending_raters() == 0


def test_period_years_outside_2000_to_2100_are_refused_with_the_range(client, personas):
    for code in ("1999Q1", "9999Q4", "2101Y"):
        with pytest.raises(CommandError, match="2000–2100"):
            run("open_period", code)
    with pytest.raises(CommandError, match="无法识别"):
        run("open_period", "99999999999999999999Q1")
    client.force_login(personas.org_staff.user)
    for year in (1999, 9999, 99999999999999999999):
        response = client.post("/api/evaluations/periods/", {"kind": "quarterly", "year": year, "quarter": 1})
        assert response.status_code == 400 and "year" in response.json(), year
    page = client.post(reverse("evaluations:period_list"), {"kind": "quarterly", "year": "9999", "quarter": "1"})
    assert page.status_code == 200 and "errorlist" in page.content.decode()
    from evaluations.errors import YearOutOfRange

    with pytest.raises(YearOutOfRange, match="2000–2100"):
        periods.period_create(kind="quarterly", year=1999, quarter=1)
    assert not Period.objects.exists()


def test_a_reminder_for_a_unit_that_does_not_exist_reminds_nobody(client, personas):
    make_team("提醒镇", staff=3, accounts=True)
    period = open_period()
    client.force_login(personas.org_staff.user)
    url = reverse("evaluations:period_remind", args=[period.pk])
    for unit in ("99999999999999999999", "987654", "x"):
        response = client.post(url, {"unit": unit}, follow=True)
        assert response.status_code == 200 and "没有发送提醒" in response.content.decode(), unit
    assert not Notification.objects.filter(title__contains="请完成").exists()
    client.post(url, {"unit": ""})  # no unit chosen: every rater who has not finished
    raters = SheetAssignment.objects.filter(period=period, rater__user__isnull=False).values("rater").distinct()
    assert Notification.objects.filter(title__contains="请完成").count() == raters.count() > 5
