"""The publicity period: N working days counting the first, on the product's one working-day calendar."""

from datetime import date

import pytest
from django.utils import timezone

from achievements.models import WorkdayOverride
from publicity import rules
from publicity.models import PublicitySettings

pytestmark = pytest.mark.django_db


def end_of(start: date, workdays: int | None = None) -> date:
    return rules.publicity_period(start, workdays=workdays).end


def test_period_before_national_day_skips_the_holiday_week():
    # 9-28, 9-29, 9-30, then 10-01..10-07 off, then 10-08, 10-09.
    assert end_of(date(2026, 9, 28)) == date(2026, 10, 9)


def test_adjusted_saturday_after_national_day_counts_as_a_working_day():
    # 9-30, 10-08, 10-09, 10-10 (Saturday, 调休上班), 10-12.
    assert end_of(date(2026, 9, 30)) == date(2026, 10, 12)


def test_adjusted_sunday_before_national_day_counts_and_mid_autumn_does_not():
    # 9-18 Fri, 9-20 Sun (调休上班), 9-21, 9-22, 9-23 — and 9-25 (中秋) is skipped for a longer period.
    assert end_of(date(2026, 9, 18)) == date(2026, 9, 23)
    assert end_of(date(2026, 9, 18), workdays=7) == date(2026, 9, 28)


def test_spring_festival_is_skipped_and_its_adjusted_saturday_counts():
    # 2-12, 2-13, 2-14 (Saturday, 调休上班), then 2-15..2-23 off, 2-24, 2-25.
    assert end_of(date(2026, 2, 12)) == date(2026, 2, 25)


def test_minimum_comes_from_the_settings():
    settings = PublicitySettings.load()
    settings.min_workdays = 7
    settings.save()
    period = rules.publicity_period(date(2026, 11, 2))
    assert period.workdays == 7 and period.end == date(2026, 11, 10)


def test_override_table_wins_over_the_statutory_calendar():
    WorkdayOverride.objects.create(day=date(2026, 10, 9), is_workday=False, note="区里统一放假")
    assert end_of(date(2026, 9, 28)) == date(2026, 10, 10)


def test_start_on_a_holiday_is_flagged_and_the_next_workday_proposed():
    period = rules.publicity_period(date(2026, 10, 3))
    assert period.start_is_workday is False
    assert rules.next_workday(date(2026, 10, 3)) == date(2026, 10, 8)


def test_default_start_is_the_next_working_day_after_today():
    assert rules.default_start(date(2026, 9, 30)) == date(2026, 10, 8)
    assert rules.default_start(date(2026, 11, 27)) == date(2026, 11, 30)  # Friday → Monday


def test_year_without_calendar_data_falls_back_to_weekdays_and_warns():
    period = rules.publicity_period(date(2031, 3, 3))  # a Monday
    assert period.end == date(2031, 3, 7)
    assert period.start_is_workday and period.uncovered_years == (2031,)
    assert rules.publicity_period(date(2031, 3, 7)).end == date(2031, 3, 13)  # over a weekend


def test_entering_a_year_counts_its_holidays_and_confirming_it_clears_the_warning():
    from achievements.models import CalendarYearConfirmation

    WorkdayOverride.objects.create(day=date(2031, 3, 5), is_workday=False, note="测试假日")
    period = rules.publicity_period(date(2031, 3, 3))
    assert period.uncovered_years == (2031,) and period.end == date(2031, 3, 10)
    CalendarYearConfirmation.objects.create(year=2031, confirmed_at=timezone.now())
    assert rules.publicity_period(date(2031, 3, 3)).uncovered_years == ()


def test_workdays_left_counts_today_and_stops_at_the_end():
    start, end = date(2026, 9, 28), date(2026, 10, 9)
    assert rules.workdays_left(start=start, end=end, today=date(2026, 9, 27)) == 5
    assert rules.workdays_left(start=start, end=end, today=date(2026, 10, 2)) == 2
    assert rules.workdays_left(start=start, end=end, today=date(2026, 10, 9)) == 1
    assert rules.workdays_left(start=start, end=end, today=date(2026, 10, 10)) == 0
