"""Missing-record deductions (rules.md §3): which working-day logs and summaries are missing, and the points.

A working day is *missing* for a cadre when its backfill window has closed (as of `as_of`) with no
log, the cadre was not on leave that day and was already required to keep records. Past days whose
window is still open are reported as *open*, never as missing; today is neither (it is today's log).
A summary is missing once its due date (end of period plus the backfill window) has passed without one.

Works for one cadre, a unit or the whole organization with a constant number of queries: the
evaluation computation calls it for every cadre of a period.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet

from cadres.models import Cadre

from .models import DailyLog, LeavePeriod, Summary, SummaryKind
from .rules import WorkCalendar, now_in_shanghai, quarter_bounds, rules_table, today_in_shanghai, year_bounds


@dataclass
class DeductionReport:
    """What one cadre is missing in one quarter (or year) and what it costs."""

    cadre_id: int
    year: int
    quarter: int | None
    required_days: int = 0
    logged_days: int = 0
    missing_day_count: int = 0
    missing_days: list[date] = field(default_factory=list)  # only filled with_days=True
    open_days: list[date] = field(default_factory=list)  # unlogged, window open; with_days=True
    leave_days: list[date] = field(default_factory=list)  # only filled with_days=True
    missing_quarterly_summaries: list[int] = field(default_factory=list)
    missing_annual_summary: bool = False
    log_rate: Decimal = Decimal("0")
    quarterly_summary_rate: Decimal = Decimal("0")
    annual_summary_rate: Decimal = Decimal("0")

    @property
    def log_deduction(self) -> Decimal:
        return self.missing_day_count * self.log_rate

    @property
    def summary_deduction(self) -> Decimal:
        return len(self.missing_quarterly_summaries) * self.quarterly_summary_rate

    @property
    def quarterly_deduction(self) -> Decimal:
        """Points off the quarterly score: missing logs plus a missing quarterly summary."""
        return self.log_deduction + self.summary_deduction

    @property
    def annual_deduction(self) -> Decimal:
        """Points off the annual democratic score: a missing annual summary."""
        return self.annual_summary_rate if self.missing_annual_summary else Decimal("0")


def _period(year: int, quarter: int | None) -> tuple[date, date]:
    return quarter_bounds(year, quarter) if quarter else year_bounds(year)


def leave_days(periods: list[tuple[date, date]], start: date, end: date) -> set[date]:
    """The days from start to end that fall in any of the (first, last) leave periods."""
    days: set[date] = set()
    for first, last in periods:
        day = max(first, start)
        while day <= min(last, end):
            days.add(day)
            day += timedelta(days=1)
    return days


def deduction_reports(
    *,
    cadres: QuerySet[Cadre],
    year: int,
    quarter: int | None = None,
    as_of: datetime | None = None,
    categories: Mapping[int, str] | None = None,
    with_days: bool = False,
) -> dict[int, DeductionReport]:
    """Missing records of every cadre in `cadres` for a quarter (or a whole year when quarter is None).

    `categories` maps cadre id to the unit category whose rates apply (an evaluation passes its
    membership snapshot); by default the cadre's current unit category.
    """
    as_of = as_of or now_in_shanghai()
    today = today_in_shanghai(as_of)
    start, end = _period(year, quarter)
    calendar = WorkCalendar.load(start, end)
    rules = rules_table(year)
    default_rules = rules[""]

    # Working days of the period so far: those whose backfill window has closed can be missing.
    # The window is a per-category setting, so each distinct window gets its own split.
    workdays = calendar.workdays(start, min(end, as_of.date()))
    windows = sorted({r.backfill_workdays for r in rules.values()})
    closed_by_window = {w: [d for d in workdays if calendar.deadline_after(d, w) <= as_of] for w in windows}

    people = list(cadres.values_list("pk", "records_from", "unit__category"))
    in_scope = cadres.values("pk")

    leaves: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for cadre_id, first, last in LeavePeriod.objects.filter(
        cadre__in=in_scope, start__lte=end, end__gte=start
    ).values_list("cadre_id", "start", "end"):
        leaves[cadre_id].append((first, last))

    # Logs on closed working days on or after each cadre's start, counted in SQL (one count per window).
    counts = (
        DailyLog.objects.filter(author__in=in_scope, day__range=(start, end), day__gte=F("author__records_from"))
        .values("author_id")
        .annotate(**{f"n{w}": Count("pk", filter=Q(day__in=closed_by_window[w])) for w in windows})
    )
    logged = {row["author_id"]: row for row in counts}
    # The days themselves, only where needed: for the listing, or to discount logs on leave days.
    log_days: dict[int, set[date]] = defaultdict(set)
    wanted = [pk for pk, _, _ in people] if with_days else list(leaves)
    if wanted:
        for author_id, day in DailyLog.objects.filter(author_id__in=wanted, day__gte=start, day__lte=end).values_list(
            "author_id", "day"
        ):
            log_days[author_id].add(day)

    summaries: dict[int, set[tuple[str, int | None]]] = defaultdict(set)
    for author_id, kind, quarter_no in Summary.objects.filter(author__in=in_scope, year=year).values_list(
        "author_id", "kind", "quarter"
    ):
        summaries[author_id].add((kind, quarter_no))

    due_quarters = {w: _due_summaries(calendar, year, quarter, as_of, w) for w in windows}
    annual_due = {w: quarter is None and calendar.deadline_after(end, w) <= as_of for w in windows}

    reports = {}
    for cadre_id, records_from, unit_category in people:
        rule = rules.get((categories or {}).get(cadre_id, unit_category), default_rules)
        window = rule.backfill_workdays
        closed = closed_by_window[window]
        closed_set = set(closed)
        leave_set = leave_days(leaves.get(cadre_id, []), start, end)
        required = [d for d in closed[bisect.bisect_left(closed, records_from) :] if d not in leave_set]
        logs = log_days.get(cadre_id, set())
        on_leave = sum(1 for d in logs if d in leave_set and d in closed_set and d >= records_from)
        kept = logged.get(cadre_id, {}).get(f"n{window}", 0) - on_leave
        report = DeductionReport(
            cadre_id=cadre_id,
            year=year,
            quarter=quarter,
            required_days=len(required),
            logged_days=kept,
            missing_day_count=len(required) - kept,
            log_rate=rule.missing_log_deduction,
            quarterly_summary_rate=rule.missing_quarterly_summary_deduction,
            annual_summary_rate=rule.missing_annual_summary_deduction,
        )
        if with_days:
            report.missing_days = [d for d in required if d not in logs]
            # Open = a past day still inside the window and not logged yet: what the cadre can still backfill.
            report.open_days = [
                d
                for d in workdays
                if d < today and d not in closed_set and d >= records_from and d not in leave_set and d not in logs
            ]
            report.leave_days = sorted(d for d in leave_set if calendar.is_workday(d))
        report.missing_quarterly_summaries = [
            q
            for q, q_end in due_quarters[window]
            if q_end >= records_from and (SummaryKind.QUARTERLY, q) not in summaries[cadre_id]
        ]
        report.missing_annual_summary = (
            annual_due[window] and end >= records_from and (SummaryKind.ANNUAL, None) not in summaries[cadre_id]
        )
        reports[cadre_id] = report
    return reports


def _due_summaries(
    calendar: WorkCalendar, year: int, quarter: int | None, as_of: datetime, backfill: int
) -> list[tuple[int, date]]:
    quarters = [quarter] if quarter else [1, 2, 3, 4]
    due = []
    for q in quarters:
        _, q_end = quarter_bounds(year, q)
        if calendar.deadline_after(q_end, backfill) <= as_of:
            due.append((q, q_end))
    return due


def deduction_report(
    *, cadre: Cadre, year: int, quarter: int | None = None, as_of: datetime | None = None
) -> DeductionReport:
    """One cadre's report with the missing, open and leave days listed (for the explanation page)."""
    return deduction_reports(
        cadres=Cadre.objects.filter(pk=cadre.pk), year=year, quarter=quarter, as_of=as_of, with_days=True
    )[cadre.pk]
