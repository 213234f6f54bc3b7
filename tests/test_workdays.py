"""Working days and backfill deadlines across 调休 weekends, National Day and a year without data."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from achievements.models import CalendarYearConfirmation, RecordRules, WorkdayOverride
from achievements.rules import SHANGHAI, WorkCalendar, backfill_deadline, summary_deadline, uncovered_years

pytestmark = pytest.mark.django_db


def end_of(day: date) -> datetime:
    """The exclusive bound: midnight after `day` in Shanghai."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=SHANGHAI)


def test_spring_festival_adjusted_saturday_is_a_working_day():
    calendar = WorkCalendar.load()
    assert calendar.is_workday(date(2026, 2, 14))  # Saturday, 调休 workday
    assert not calendar.is_workday(date(2026, 2, 17))  # 春节
    assert calendar.workdays(date(2026, 2, 13), date(2026, 2, 24)) == [
        date(2026, 2, 13),
        date(2026, 2, 14),
        date(2026, 2, 24),
    ]


def test_backfill_deadline_spans_the_spring_festival_holiday():
    # Fri 13 Feb: 14 Feb (调休 Sat), 24, 25, 26, 27 Feb are the five working days after it.
    assert backfill_deadline(date(2026, 2, 13)) == end_of(date(2026, 2, 27))


def test_backfill_deadline_spans_national_day_and_its_adjusted_saturday():
    # Wed 30 Sep: 8, 9, 10 (调休 Sat), 12, 13 Oct.
    assert backfill_deadline(date(2026, 9, 30)) == end_of(date(2026, 10, 13))
    assert WorkCalendar.load().is_workday(date(2026, 9, 20))  # Sunday, 调休 workday


def test_a_year_without_calendar_data_falls_back_to_weekdays_and_overrides():
    calendar = WorkCalendar.load()
    assert calendar.is_workday(date(2027, 1, 4))  # Monday
    assert not calendar.is_workday(date(2027, 1, 2))  # Saturday
    assert uncovered_years([2026, 2027]) == [2027]

    WorkdayOverride.objects.create(day=date(2027, 1, 1), is_workday=False, note="元旦")
    WorkdayOverride.objects.create(day=date(2027, 1, 2), is_workday=True, note="调休上班")
    calendar = WorkCalendar.load()
    assert not calendar.is_workday(date(2027, 1, 1))
    assert calendar.is_workday(date(2027, 1, 2))
    assert uncovered_years([2027]) == [2027]  # overrides alone do not say the year is complete
    CalendarYearConfirmation.objects.create(year=2027, confirmed_at=timezone.now())
    assert uncovered_years([2027]) == []
    # Thu 31 Dec 2026: 2 Jan 2027 (override), 4, 5, 6, 7 Jan.
    assert backfill_deadline(date(2026, 12, 31)) == end_of(date(2027, 1, 7))


def test_overrides_win_over_the_package():
    WorkdayOverride.objects.create(day=date(2026, 3, 2), is_workday=False, note="地方性假日")
    assert not WorkCalendar.load().is_workday(date(2026, 3, 2))


def test_backfill_window_is_a_setting():
    RecordRules.objects.create(year=2026, backfill_workdays=2)
    assert backfill_deadline(date(2026, 9, 30)) == end_of(date(2026, 10, 9))


def test_quarter_summary_due_after_the_quarter_plus_the_window():
    # Q3 2026 ends Wed 30 Sep, so its summary is due with the log of that day.
    assert summary_deadline(2026, 3) == end_of(date(2026, 10, 13))
