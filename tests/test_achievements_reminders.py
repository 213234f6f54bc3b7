"""Daily reminders on working days (settable time, beat schedule) and the org-staff settings pages."""

import re
from datetime import date, datetime, time

import chinese_calendar
import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from achievements import services
from achievements.models import DailyLog, LeavePeriod, RecordRules, ReminderSettings, WorkdayOverride
from achievements.rules import SHANGHAI, WorkCalendar
from achievements.services.reminders import REMINDER_TASK
from achievements.tasks import send_log_reminders
from core.models import Notification

from .factories import CHINESE_LOG, CadreFactory, UnitFactory

pytestmark = pytest.mark.django_db


def at(day: date, hour: int = 16, minute: int = 30) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


@pytest.fixture
def team(db):
    unit = UnitFactory()
    people = {
        name: CadreFactory(unit=unit, name=name, with_account=True, records_from=date(2026, 1, 1))
        for name in ("已写", "未写", "请假", "新人")
    }
    people["新人"].records_from = date(2026, 3, 1)
    people["新人"].save()
    return people


def test_reminder_goes_to_cadres_without_todays_log_once(team):
    day = date(2026, 2, 26)  # Thursday after Spring Festival
    DailyLog.objects.create(author=team["已写"], unit=team["已写"].unit, day=day, text=CHINESE_LOG)
    LeavePeriod.objects.create(cadre=team["请假"], start=day, end=day)
    result = services.send_log_reminders(now=at(day))
    assert result.workday and result.missing_today == 1
    notice = Notification.objects.get(title__contains="还没有填写")
    assert notice.recipient == team["未写"].user and notice.url == "/achievements/logs/"
    assert services.send_log_reminders(now=at(day, 17)).missing_today == 0  # deduplicated
    assert Notification.objects.filter(title__contains="还没有填写").count() == 1


def test_no_reminder_on_holidays_weekends_or_when_switched_off(team):
    assert services.send_log_reminders(now=at(date(2026, 2, 17))).workday is False  # 春节
    assert services.send_log_reminders(now=at(date(2026, 2, 21))).workday is False  # Saturday
    assert services.send_log_reminders(now=at(date(2026, 2, 14))).workday is True  # 调休 Saturday
    Notification.objects.all().delete()
    settings = ReminderSettings.load()
    settings.enabled = False
    settings.save()
    assert services.send_log_reminders(now=at(date(2026, 2, 26))).missing_today == 0
    assert not Notification.objects.exists()


def test_warning_for_logs_whose_window_closes_on_the_next_working_day(team):
    # Run on Thu 26 Feb: the window of Fri 13 Feb ends with Fri 27 Feb (see the workday tests).
    calendar = WorkCalendar.load(date(2026, 1, 1), date(2026, 3, 1))
    for cadre in team.values():
        for day in calendar.workdays(date(2026, 1, 5), date(2026, 2, 26)):
            if not (cadre.name == "未写" and day == date(2026, 2, 13)):
                DailyLog.objects.create(author=cadre, unit=cadre.unit, day=day, text=CHINESE_LOG)
    result = services.send_log_reminders(now=at(date(2026, 2, 26)))
    assert result.window_closing == 1
    warning = Notification.objects.get(title__contains="停止补记")
    assert warning.recipient == team["未写"].user
    assert "2026年2月13日" in warning.title and "2026年2月27日 24:00" in warning.title
    assert warning.url == "/achievements/logs/?day=2026-02-13"


def test_the_beat_job_is_registered_and_its_time_is_a_setting(client, personas):
    task = PeriodicTask.objects.get(name=REMINDER_TASK)
    assert task.task == "achievements.tasks.send_log_reminders"
    assert (task.crontab.hour, task.crontab.minute, str(task.crontab.timezone)) == ("16", "30", "Asia/Shanghai")
    client.force_login(personas.org_staff.user)
    response = client.post(
        reverse("achievements:reminders"), {"enabled": "on", "send_at": "17:45", "warn_window_closing": "on"}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.crontab.hour, task.crontab.minute, task.enabled) == ("17", "45", True)
    client.post(reverse("achievements:reminders"), {"send_at": "17:45"})
    task.refresh_from_db()
    assert task.enabled is False
    entry = LogEntry.objects.get_for_object(ReminderSettings.load()).latest("timestamp")
    assert entry.actor == personas.org_staff.user and entry.changes["enabled"] == ["True", "False"]


def test_the_task_runs_the_service(personas):
    # Eager here; the worker path of the same wiring is covered by the export test.
    result = send_log_reminders.delay().get()
    assert set(result) == {"workday", "missing_today", "window_closing"}


def test_header_bell_counts_the_reminder(client, personas):
    day = date(2026, 2, 26)
    personas.cadre.records_from = date(2026, 1, 1)
    personas.cadre.save()
    services.send_log_reminders(now=at(day))
    client.force_login(personas.cadre.user)
    # Today's log is missing, and 13 Feb (window ends tomorrow) too: two notices.
    assert 'id="notification-count">2<' in client.get(reverse("home")).content.decode()


# --- Working-day overrides and record rules (org staff) ---------------------------------------------


def banner(page: str) -> str:
    found = re.search(r'id="uncovered-warning">(.*?)</div>', page, re.S)
    return found.group(1) if found else ""


def test_uncovered_year_shows_a_warning_until_staff_confirm_it_complete(client, personas):
    year = max(chinese_calendar.holidays).year + 1  # the first year the package does not know
    client.force_login(personas.org_staff.user)
    assert str(year) in banner(client.get(reverse("achievements:workdays"), {"year": year}).content.decode())
    response = client.post(
        reverse("achievements:workdays"),
        {"start": f"{year}-02-06", "end": f"{year}-02-13", "is_workday": "0", "note": "春节"},
    )
    assert response.status_code == 302
    assert WorkdayOverride.objects.filter(day__year=year, is_workday=False).count() == 8
    client.post(reverse("achievements:workdays"), {"start": f"{year}-02-14", "is_workday": "1", "note": "调休上班"})
    assert WorkCalendar.load().is_workday(date(year, 2, 14)) and not WorkCalendar.load().is_workday(date(year, 2, 8))
    page = client.get(reverse("achievements:workdays"), {"year": year}).content.decode()
    # One holiday entered is not the whole year: the warning stays until staff confirm.
    assert "调休上班" in page and str(year) in banner(page)
    client.post(reverse("achievements:workdays"), {"action": "confirm", "year": year})
    assert str(year) not in banner(client.get(reverse("achievements:workdays"), {"year": year}).content.decode())
    entry = LogEntry.objects.filter(content_type__model="workdayoverride").latest("timestamp")
    assert entry.actor == personas.org_staff.user
    too_long = client.post(
        reverse("achievements:workdays"), {"start": f"{year}-03-01", "end": f"{year}-05-01", "is_workday": "0"}
    )
    assert "一次最多设置 31 天" in too_long.content.decode()


def test_overrides_outside_the_supported_years_are_refused_not_a_server_error(client, personas):
    client.force_login(personas.org_staff.user)
    for start in ("9999-12-31", "1900-01-01"):
        response = client.post(reverse("achievements:workdays"), {"start": start, "is_workday": "0"})
        assert response.status_code == 200 and "2000" in response.context["form"].errors["start"][0]
    assert not WorkdayOverride.objects.exists()


def test_the_calendar_page_lists_the_statutory_holidays(client, personas):
    client.force_login(personas.org_staff.user)
    page = client.get(reverse("achievements:workdays"), {"year": 2026}).content.decode()
    assert "春节" in page and "国庆节" in page and "10月10日" in page


def test_record_rules_are_edited_per_year_and_category_and_audited(client, personas):
    client.force_login(personas.org_staff.user)
    data = {
        "year": 2026,
        "unit_category": "township",
        "daily_log_min_chars": 20,
        "daily_log_target_chars": 60,
        "quarterly_summary_min_chars": 100,
        "quarterly_summary_target_chars": 200,
        "annual_summary_min_chars": 200,
        "annual_summary_target_chars": 500,
        "backfill_workdays": 3,
        "missing_log_deduction": "0.20",
        "missing_quarterly_summary_deduction": "1.00",
        "missing_annual_summary_deduction": "1.00",
        "self_assessment_min_chars": 100,
        "self_assessment_posting_days": 3,
    }
    assert client.post(reverse("achievements:rules_new"), data).status_code == 302
    rules = RecordRules.objects.get()
    assert (rules.unit_category, rules.backfill_workdays) == ("township", 3)
    duplicate = client.post(reverse("achievements:rules_new"), data)
    assert duplicate.status_code == 200 and RecordRules.objects.count() == 1
    bad = client.post(reverse("achievements:rules_edit", args=[rules.pk]), {**data, "daily_log_target_chars": 10})
    assert "建议字数不能少于最少字数" in bad.content.decode()
    client.post(reverse("achievements:rules_edit", args=[rules.pk]), {**data, "missing_log_deduction": "0.15"})
    entry = LogEntry.objects.get_for_object(RecordRules.objects.get()).latest("timestamp")
    assert entry.actor == personas.org_staff.user and entry.changes["missing_log_deduction"] == ["0.20", "0.15"]
    assert "0.15" in client.get(reverse("achievements:rules_list")).content.decode()


RULES_FORM = {
    "year": 2026,
    "unit_category": "",
    "daily_log_min_chars": 15,
    "daily_log_target_chars": 50,
    "quarterly_summary_min_chars": 100,
    "quarterly_summary_target_chars": 200,
    "annual_summary_min_chars": 200,
    "annual_summary_target_chars": 500,
    "backfill_workdays": 5,
    "missing_log_deduction": "0.10",
    "missing_quarterly_summary_deduction": "1.00",
    "missing_annual_summary_deduction": "1.00",
    "self_assessment_min_chars": 100,
    "self_assessment_posting_days": 3,
}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        # A negative rate would turn a missing log into a bonus.
        ({"missing_log_deduction": "-0.10"}, "missing_log_deduction", "0"),
        ({"missing_quarterly_summary_deduction": "-1"}, "missing_quarterly_summary_deduction", "0"),
        ({"missing_annual_summary_deduction": "-1"}, "missing_annual_summary_deduction", "0"),
        # Minimums no log, summary or form could ever reach would make every record missing.
        ({"daily_log_min_chars": 0}, "daily_log_min_chars", "1"),
        ({"daily_log_min_chars": 2001, "daily_log_target_chars": 2001}, "daily_log_min_chars", "2000"),
        (
            {"quarterly_summary_min_chars": 10001, "quarterly_summary_target_chars": 10001},
            "quarterly_summary_min_chars",
            "10000",
        ),
        (
            {"annual_summary_min_chars": 10001, "annual_summary_target_chars": 10001},
            "annual_summary_min_chars",
            "10000",
        ),
        ({"self_assessment_min_chars": 5001}, "self_assessment_min_chars", "5000"),
        ({"quarterly_summary_target_chars": 50}, "quarterly_summary_target_chars", "建议字数不能少于最少字数"),
        ({"annual_summary_target_chars": 150}, "annual_summary_target_chars", "建议字数不能少于最少字数"),
    ],
)
def test_record_rules_refuse_impossible_numbers(client, personas, changes, field, message):
    client.force_login(personas.org_staff.user)
    response = client.post(reverse("achievements:rules_new"), {**RULES_FORM, **changes})
    assert response.status_code == 200 and not RecordRules.objects.exists()
    errors = response.context["form"].errors
    assert message in errors[field][0]


def test_admin_refuses_the_same_impossible_record_rules(client, personas):
    client.force_login(personas.admin)
    url = reverse("admin:achievements_recordrules_add")
    negative = client.post(url, {**RULES_FORM, "missing_log_deduction": "-0.10"})
    backwards = client.post(url, {**RULES_FORM, "annual_summary_target_chars": 150})
    assert negative.status_code == backwards.status_code == 200
    assert "建议字数不能少于最少字数" in backwards.content.decode()
    assert not RecordRules.objects.exists()


def test_settings_page_links_to_the_achievement_settings(client, personas):
    client.force_login(personas.org_staff.user)
    page = client.get(reverse("cadres:org_settings")).content.decode()
    for name in ("rules_list", "workdays", "reminders"):
        assert reverse(f"achievements:{name}") in page


def test_next_working_day_warning_skips_the_weekend():
    unit = UnitFactory()
    cadre = CadreFactory(unit=unit, with_account=True, records_from=date(2026, 3, 1))
    # Friday 20 Mar: the next working day is Monday 23 Mar, the last day of 16 Mar's window.
    calendar = WorkCalendar.load()
    for day in calendar.workdays(date(2026, 3, 2), date(2026, 3, 20)):
        if day != date(2026, 3, 16):
            DailyLog.objects.create(author=cadre, unit=unit, day=day, text=CHINESE_LOG)
    assert services.send_log_reminders(now=at(date(2026, 3, 20))).window_closing == 1
    assert "2026年3月23日 24:00" in Notification.objects.get(title__contains="停止补记").title
    assert calendar.add_workdays(date(2026, 3, 16), 5) == date(2026, 3, 23)
