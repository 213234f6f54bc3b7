"""Missing-record deductions: days, summaries, leave, start dates; constant queries for many cadres."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from achievements.deductions import deduction_report, deduction_reports
from achievements.models import DailyLog, LeavePeriod, RecordRules, Summary, SummaryKind
from achievements.rules import SHANGHAI, WorkCalendar
from cadres.models import Cadre, UnitCategory

from .factories import CadreFactory, UnitFactory

pytestmark = pytest.mark.django_db
AFTER_Q1 = datetime(2026, 5, 1, tzinfo=SHANGHAI)  # every Q1 window and the Q1 summary are closed


def log_days(cadre, days):
    DailyLog.objects.bulk_create(DailyLog(author=cadre, unit=cadre.unit, day=d, text="完成材料" * 5) for d in days)


def q1_workdays():
    return WorkCalendar.load().workdays(date(2026, 1, 1), date(2026, 3, 31))


def test_every_day_logged_and_summary_filed_costs_nothing():
    cadre = CadreFactory(records_from=date(2025, 1, 1))
    log_days(cadre, q1_workdays())
    Summary.objects.create(author=cadre, unit=cadre.unit, kind=SummaryKind.QUARTERLY, year=2026, quarter=1, text="x")
    report = deduction_report(cadre=cadre, year=2026, quarter=1, as_of=AFTER_Q1)
    assert (report.required_days, report.missing_day_count, report.quarterly_deduction) == (
        len(q1_workdays()),
        0,
        Decimal("0"),
    )


def test_missing_days_and_summary_are_listed_and_priced():
    cadre = CadreFactory(records_from=date(2025, 1, 1))
    workdays = q1_workdays()
    skipped = [date(2026, 2, 14), date(2026, 3, 2), date(2026, 3, 3)]  # incl. the 调休 Saturday
    log_days(cadre, [d for d in workdays if d not in skipped])
    report = deduction_report(cadre=cadre, year=2026, quarter=1, as_of=AFTER_Q1)
    assert report.missing_days == skipped
    assert report.missing_quarterly_summaries == [1]
    assert report.log_deduction == Decimal("0.30")
    assert report.quarterly_deduction == Decimal("1.30")


def test_leave_days_holidays_and_days_before_the_start_are_never_missing():
    cadre = CadreFactory(records_from=date(2026, 2, 2))
    LeavePeriod.objects.create(cadre=cadre, start=date(2026, 3, 9), end=date(2026, 3, 13))
    log_days(
        cadre, [d for d in q1_workdays() if d >= date(2026, 2, 2) and not date(2026, 3, 9) <= d <= date(2026, 3, 13)]
    )
    DailyLog.objects.create(author=cadre, unit=cadre.unit, day=date(2026, 3, 10), text="请假期间也写了")
    report = deduction_report(cadre=cadre, year=2026, quarter=1, as_of=AFTER_Q1)
    assert report.missing_days == []
    assert report.missing_day_count == 0
    assert date(2026, 3, 10) in report.leave_days
    assert report.required_days == len([d for d in q1_workdays() if d >= date(2026, 2, 2)]) - 5


def test_days_still_inside_the_backfill_window_are_open_not_missing():
    cadre = CadreFactory(records_from=date(2025, 1, 1))
    as_of = datetime(2026, 3, 4, 9, 0, tzinfo=SHANGHAI)
    report = deduction_report(cadre=cadre, year=2026, quarter=1, as_of=as_of)
    # 25 Feb: 26, 27, 28 (调休 Sat) Feb, 2, 3 Mar -> closed at the end of 3 March.
    assert date(2026, 2, 25) in report.missing_days
    # 26 Feb: 27, 28 Feb, 2, 3, 4 Mar -> still open on the morning of 4 March.
    assert date(2026, 2, 26) not in report.missing_days
    assert report.open_days[0] == date(2026, 2, 26)
    assert report.missing_quarterly_summaries == []  # not due yet


def test_rates_follow_the_unit_category_and_year_settings():
    township = UnitFactory(category=UnitCategory.TOWNSHIP)
    cadre = CadreFactory(unit=township, records_from=date(2025, 1, 1))
    RecordRules.objects.create(year=2026, unit_category=UnitCategory.TOWNSHIP, missing_log_deduction="0.20")
    log_days(cadre, q1_workdays()[2:])
    report = deduction_report(cadre=cadre, year=2026, quarter=1, as_of=AFTER_Q1)
    assert report.log_deduction == Decimal("0.40")


def test_missing_annual_summary_costs_the_democratic_score():
    cadre = CadreFactory(records_from=date(2025, 1, 1))
    report = deduction_reports(
        cadres=Cadre.objects.filter(pk=cadre.pk), year=2025, as_of=datetime(2026, 3, 1, tzinfo=SHANGHAI)
    )[cadre.pk]
    assert report.missing_annual_summary and report.annual_deduction == Decimal("1.00")
    assert report.missing_quarterly_summaries == [1, 2, 3, 4]


def test_a_whole_organization_costs_a_constant_number_of_queries():
    unit = UnitFactory()
    few = CadreFactory.create_batch(3, unit=unit, records_from=date(2025, 1, 1))
    with CaptureQueriesContext(connection) as small:
        deduction_reports(cadres=Cadre.objects.all(), year=2026, quarter=1, as_of=AFTER_Q1)
    many = CadreFactory.create_batch(60, unit=unit, records_from=date(2025, 1, 1))
    for cadre in [*few, *many][::7]:
        log_days(cadre, q1_workdays()[:10])
        LeavePeriod.objects.create(cadre=cadre, start=date(2026, 1, 5), end=date(2026, 1, 6))
    with CaptureQueriesContext(connection) as large:
        reports = deduction_reports(cadres=Cadre.objects.all(), year=2026, quarter=1, as_of=AFTER_Q1)
    assert len(reports) == 63
    assert len(large.captured_queries) <= len(small.captured_queries) + 1  # + the leave-day logs query
    assert len(large.captured_queries) <= 8
