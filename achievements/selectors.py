"""Reads of 晒实绩: what each page, the API and the dossier need, in a few queries each."""

from __future__ import annotations

import calendar as pycalendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from cadres.models import Cadre
from cadres.types import Actor

from . import access, results, rules
from .deductions import DeductionReport, deduction_report, deduction_reports, leave_days
from .models import (
    Achievement,
    AchievementParticipant,
    AssessmentState,
    DailyLog,
    LeavePeriod,
    SelfAssessment,
    Summary,
    SummaryKind,
    VerificationStatus,
)
from .results import ResultLine

# --- The cadre's own month calendar ---------------------------------------------------------------


class DayStatus:
    LOGGED = "logged"  # a log exists
    MISSING = "missing"  # working day, no log, window closed
    OPEN = "open"  # working day, no log, still inside the window (today too, but not counted as open)
    LEAVE = "leave"  # on leave or seconded
    REST = "rest"  # weekend or holiday
    FUTURE = "future"
    BEFORE = "before"  # before the cadre's records start


@dataclass
class DayCell:
    day: date
    in_month: bool
    is_today: bool
    is_workday: bool
    label: str
    status: str
    deadline: datetime | None
    writable: bool
    log: DailyLog | None = None


@dataclass
class MonthView:
    year: int
    month: int
    weeks: list[list[DayCell]]
    previous: date
    following: date | None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def logs(self) -> list[DailyLog]:
        return [c.log for week in self.weeks for c in week if c.in_month and c.log]


def _leave_set(cadre: Cadre, start: date, end: date) -> set[date]:
    periods = LeavePeriod.objects.filter(cadre=cadre, start__lte=end, end__gte=start).values_list("start", "end")
    return leave_days(list(periods), start, end)


def log_month(*, cadre: Cadre, year: int, month: int, now: datetime | None = None) -> MonthView:
    """Every day of a month grid (Monday first) with its status for the cadre: four queries."""
    now = now or timezone.now()
    today = rules.today_in_shanghai(now)
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    start, end = weeks[0][0], weeks[-1][-1]
    calendar = rules.WorkCalendar.load(start, end)
    windows = {y: rules.rules_for_unit(y, cadre.unit).backfill_workdays for y in {start.year, end.year}}
    logs = {log.day: log for log in DailyLog.objects.filter(author=cadre, day__range=(start, end))}
    leave = _leave_set(cadre, start, end)
    counts = dict.fromkeys((DayStatus.LOGGED, DayStatus.MISSING, DayStatus.OPEN, DayStatus.LEAVE, DayStatus.REST), 0)
    grid = []
    for week in weeks:
        row = []
        for day in week:
            is_workday, label = calendar.describe(day)
            deadline = calendar.deadline_after(day, windows[day.year]) if day <= today else None
            open_window = deadline is not None and now < deadline
            log = logs.get(day)
            if log is not None:
                status = DayStatus.LOGGED
            elif day > today:
                status = DayStatus.FUTURE
            elif day < cadre.records_from:
                status = DayStatus.BEFORE
            elif day in leave:
                status = DayStatus.LEAVE
            elif not is_workday:
                status = DayStatus.REST
            else:
                status = DayStatus.OPEN if open_window else DayStatus.MISSING
            in_month = day.month == month
            # Today without a log is still to be written, not a day to backfill.
            if in_month and status in counts and not (status == DayStatus.OPEN and day == today):
                counts[status] += 1
            row.append(
                DayCell(
                    day=day,
                    in_month=in_month,
                    is_today=day == today,
                    is_workday=is_workday,
                    label=label,
                    status=status,
                    deadline=deadline,
                    writable=open_window and cadre.is_active,
                    log=log,
                )
            )
        grid.append(row)
    first = date(year, month, 1)
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return MonthView(
        year=year,
        month=month,
        weeks=grid,
        previous=previous,
        following=following if following <= today else None,
        counts=counts,
    )


@dataclass
class Composer:
    """The log form's state for one day: what is there, until when it can change."""

    day: date
    log: DailyLog | None
    deadline: datetime
    writable: bool
    is_future: bool
    min_chars: int
    target_chars: int
    is_workday: bool
    label: str
    # Years of this day's backfill window that run on the Mon–Fri fallback (holidays not confirmed).
    provisional_years: list[int] = field(default_factory=list)

    @property
    def version(self) -> str:
        return self.log.version if self.log else ""


def log_composer(*, cadre: Cadre, day: date, now: datetime | None = None) -> Composer:
    now = now or timezone.now()
    calendar = rules.WorkCalendar.load(day, day)
    limits = rules.rules_for_unit(day.year, cadre.unit)
    deadline = calendar.deadline_after(day, limits.backfill_workdays)
    is_future = day > rules.today_in_shanghai(now)
    is_workday, label = calendar.describe(day)
    return Composer(
        day=day,
        log=DailyLog.objects.filter(author=cadre, day=day).first(),
        deadline=deadline,
        writable=not is_future and now < deadline and cadre.is_active,
        is_future=is_future,
        min_chars=limits.daily_log_min_chars,
        target_chars=limits.daily_log_target_chars,
        is_workday=is_workday,
        label=label,
        provisional_years=rules.uncovered_years(sorted({day.year, rules.last_day_of_window(deadline).year})),
    )


def open_days(*, cadre: Cadre, now: datetime | None = None) -> list[date]:
    """Past working days still open for backfill that have no log, oldest first.

    Today is not one of them: it is not missing yet, it is today's log to write.
    """
    now = now or timezone.now()
    today = rules.today_in_shanghai(now)
    start = max(today - timedelta(days=60), cadre.records_from)
    if start > today:
        return []
    # Each day keeps the window of its own year's rules (early January still shows December's days).
    deadlines = rules.LogDeadlines(rules.WorkCalendar.load(start, today))
    logged = set(DailyLog.objects.filter(author=cadre, day__range=(start, today)).values_list("day", flat=True))
    leave = _leave_set(cadre, start, today)
    return [
        d
        for d in deadlines.calendar.workdays(start, today)
        if d < today and d not in logged and d not in leave and now < deadlines.deadline(d, unit=cadre.unit)
    ]


# --- The unit feed ---------------------------------------------------------------------------------


def unit_feed(
    *, actor: Actor, unit_id: int, start: date, end: date, author_id: int | None = None
) -> QuerySet[DailyLog]:
    """A unit's logs over a date range, newest first (404 outside the actor's scope)."""
    access.require_unit_read(actor, unit_id)
    logs = DailyLog.objects.filter(unit_id=unit_id, day__range=(start, end))
    if author_id:
        logs = logs.filter(author_id=author_id)
    return logs.select_related("author", "author__rank").order_by("-day", "author__role", "author__code")


def feed_authors(*, unit_id: int) -> QuerySet[Cadre]:
    """People with logs in the unit (incl. those who have since moved), for the person filter."""
    # Two index lookups rather than one `OR`, which read the whole cadre table: the unit's members,
    # and the authors of its logs (through the (unit, day) index).
    members = set(Cadre.objects.filter(unit_id=unit_id, is_active=True).values_list("pk", flat=True))
    wrote_here = set(DailyLog.objects.filter(unit_id=unit_id).order_by().values_list("author_id", flat=True).distinct())
    return Cadre.objects.filter(pk__in=sorted(members | wrote_here)).order_by("role", "code")


# --- Summaries -------------------------------------------------------------------------------------


@dataclass
class SummaryPeriod:
    kind: str
    year: int
    quarter: int | None
    label: str
    opens: date
    deadline: datetime
    summary: Summary | None
    writable: bool
    not_yet: bool
    # Periods that ended before the cadre's records start need no summary (as in the deductions).
    required: bool = True

    @property
    def missing(self) -> bool:
        return self.required and self.summary is None and not self.writable and not self.not_yet


def summary_periods(*, cadre: Cadre, year: int, now: datetime | None = None) -> list[SummaryPeriod]:
    from .services.logs import summary_label

    now = now or timezone.now()
    today = rules.today_in_shanghai(now)
    limits = rules.rules_for_unit(year, cadre.unit)
    calendar = rules.WorkCalendar.load(date(year, 1, 1), date(year, 12, 31))
    existing = {(s.kind, s.quarter): s for s in Summary.objects.filter(author=cadre, year=year)}
    periods = []
    for kind, quarter in [(SummaryKind.QUARTERLY, q) for q in (1, 2, 3, 4)] + [(SummaryKind.ANNUAL, None)]:
        opens = rules.summary_opens(year, quarter)
        ends = rules.quarter_bounds(year, quarter)[1] if quarter else date(year, 12, 31)
        deadline = rules.summary_deadline(year, quarter, calendar=calendar, rules=limits)
        periods.append(
            SummaryPeriod(
                kind=kind,
                year=year,
                quarter=quarter,
                label=summary_label(kind, year, quarter),
                opens=opens,
                deadline=deadline,
                summary=existing.get((kind, quarter)),
                writable=opens <= today and now < deadline and cadre.is_active,
                not_yet=today < opens,
                required=ends >= cadre.records_from,
            )
        )
    return periods


# --- Achievements ------------------------------------------------------------------------------------


def _with_details(qs: QuerySet[Achievement]) -> QuerySet[Achievement]:
    return qs.select_related("category", "created_by", "unit", "verified_by").prefetch_related(
        "figures",
        "attachments",
        Prefetch("participants", queryset=AchievementParticipant.objects.select_related("cadre__unit")),
    )


def _of_cadre(cadre: Cadre, start: date | None, end: date | None) -> QuerySet[Achievement]:
    qs = Achievement.objects.filter(Q(created_by=cadre) | Q(participants__cadre=cadre)).distinct()
    if start:
        qs = qs.filter(date__gte=start)
    if end:
        qs = qs.filter(date__lte=end)
    return qs


def _mark_mine(items: list[Achievement], cadre: Cadre) -> list[Achievement]:
    """Set `my_role` / `my_share` of each record: the cadre's line among its participants, if listed."""
    for item in items:
        mine = next((p for p in item.participants.all() if p.cadre_id == cadre.pk), None)
        item.my_role = mine.get_role_display() if mine else ""
        item.my_share = mine.share if mine else None
    return items


def cadre_achievements(*, cadre: Cadre, start: date | None = None, end: date | None = None) -> list[Achievement]:
    """Records the cadre filed or took part in, each with `my_role` / `my_share` where listed."""
    return _mark_mine(list(_with_details(_of_cadre(cadre, start, end)).order_by("-date", "-pk")), cadre)


def verified_achievements(*, cadre: Cadre, start: date, end: date) -> list[Achievement]:
    """The cadre's verified records of a time span, oldest first, with category, figures and
    participants (`my_role` / `my_share` as in `cadre_achievements`): what a public notice may cite."""
    qs = (
        _of_cadre(cadre, start, end)
        .filter(verification_status=VerificationStatus.VERIFIED)
        .select_related("category")
        .prefetch_related("figures", "participants")
        .order_by("date", "pk")
    )
    return _mark_mine(list(qs), cadre)


def achievement_detail(achievement: Achievement) -> Achievement:
    return _with_details(Achievement.objects.filter(pk=achievement.pk)).get()


def verification_queue(
    *,
    status: str = "",
    unit_id: int | None = None,
    category_id: int | None = None,
    year: int | None = None,
    q: str = "",
) -> QuerySet[Achievement]:
    qs = Achievement.objects.select_related("category", "created_by", "unit", "verified_by").prefetch_related(
        "figures", "attachments", "participants"
    )
    if status:
        qs = qs.filter(verification_status=status)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if category_id:
        qs = qs.filter(category_id=category_id)
    if year:
        qs = qs.filter(date__year=year)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(created_by__name__icontains=q) | Q(created_by__code__iexact=q))
    # Oldest waiting first: staff work through the queue in order.
    return qs.order_by("verification_status", "created_at") if status == VerificationStatus.PENDING else qs


def participant_suggestions(q: str, limit: int = 15, scope: QuerySet[Cadre] | None = None) -> list[dict[str, Any]]:
    """Name/code lookup for the pickers: only what is needed to pick a colleague."""
    q = q.strip()
    if not q:
        return []
    found = (
        (scope if scope is not None else Cadre.objects.filter(is_active=True))
        .filter(Q(name__icontains=q) | Q(code__istartswith=q))
        .select_related("unit")
        .order_by("name")[:limit]
    )
    return [{"code": c.code, "name": c.name, "unit": c.unit.name} for c in found]


# --- Archive and dossier ---------------------------------------------------------------------------


@dataclass
class YearRecord:
    year: int
    logs: list[DailyLog]
    summaries: list[Summary]
    achievements: list[Achievement]
    assessment: SelfAssessment | None
    leave: list[LeavePeriod]
    deductions: list[DeductionReport]
    annual_deduction: DeductionReport
    results: list[ResultLine]  # published; empty when the reader may not see them (access.can_see_results)

    @property
    def quarterly_summaries(self) -> list[Summary]:
        return [s for s in self.summaries if s.kind == SummaryKind.QUARTERLY]

    @property
    def annual_summary(self) -> Summary | None:
        return next((s for s in self.summaries if s.kind == SummaryKind.ANNUAL), None)


def year_record(
    *, cadre: Cadre, year: int, with_results: bool, actor: Actor | None = None, now: datetime | None = None
) -> YearRecord:
    now = now or timezone.now()
    start, end = rules.year_bounds(year)
    assessment = (
        # A draft is the author's private notes until submitted: it is not part of the archive.
        SelfAssessment.objects.filter(author=cadre, year=year)
        .exclude(state=AssessmentState.DRAFT)
        .select_related("reviewed_by", "unit")
        .prefetch_related("events__actor", "objections")
        .first()
    )
    today = rules.today_in_shanghai(now)
    quarters = [q for q in (1, 2, 3, 4) if rules.quarter_bounds(year, q)[0] <= today]
    return YearRecord(
        year=year,
        logs=list(DailyLog.objects.filter(author=cadre, day__range=(start, end)).order_by("day")),
        summaries=list(Summary.objects.filter(author=cadre, year=year).order_by("kind", "quarter")),
        achievements=cadre_achievements(cadre=cadre, start=start, end=end),
        assessment=assessment,
        leave=list(LeavePeriod.objects.filter(cadre=cadre, start__lte=end, end__gte=start).order_by("start")),
        deductions=[deduction_report(cadre=cadre, year=year, quarter=q, as_of=now) for q in quarters],
        annual_deduction=deduction_report(cadre=cadre, year=year, as_of=now),
        results=results.year_results(cadre=cadre, year=year, actor=actor) if with_results else [],
    )


def archive_years(cadre: Cadre, today: date, *, with_results: bool = False) -> list[int]:
    """Years a cadre has any record (or, for those who may see it, a published result) in, newest first.

    This year is always there; so are the years of leave and of results, which have no log of their own.
    """
    years = {today.year}
    if with_results:
        years |= results.result_years(cadre)
    years |= {d.year for d in LeavePeriod.objects.filter(cadre=cadre).dates("start", "year")}
    years |= {d.year for d in DailyLog.objects.filter(author=cadre).dates("day", "year")}
    years |= set(Summary.objects.filter(author=cadre).values_list("year", flat=True))
    years |= {d.year for d in cadre_achievement_dates(cadre)}
    years |= set(
        SelfAssessment.objects.filter(author=cadre).exclude(state=AssessmentState.DRAFT).values_list("year", flat=True)
    )
    return sorted((y for y in years if y <= today.year), reverse=True)


def cadre_achievement_dates(cadre: Cadre) -> QuerySet[Achievement, date]:
    return Achievement.objects.filter(Q(created_by=cadre) | Q(participants__cadre=cadre)).dates("date", "year")


# --- Self-assessments ------------------------------------------------------------------------------


def posted_in_unit(*, unit_id: int) -> QuerySet[SelfAssessment]:
    return SelfAssessment.objects.filter(unit_id=unit_id, state=AssessmentState.POSTED).select_related("author")


# --- A unit's missing logs and deductions -----------------------------------------------------------


@dataclass
class OverviewRow:
    cadre: Cadre
    report: DeductionReport


def unit_overview(*, unit_id: int, year: int, quarter: int | None, now: datetime | None = None) -> list[OverviewRow]:
    """Every active cadre of the unit with their missing, open and leave days and points, in a fixed
    number of queries (the deductions are computed for the whole unit at once)."""
    cadres = Cadre.objects.filter(unit_id=unit_id, is_active=True).select_related("rank").order_by("code")
    reports = deduction_reports(cadres=cadres, year=year, quarter=quarter, as_of=now, with_days=True)
    return [OverviewRow(cadre=cadre, report=reports[cadre.pk]) for cadre in cadres]
