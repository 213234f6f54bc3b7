"""Demo data for 考实绩 / 用实绩 on the 青山区 demo district.

Runs the real workflow through the services: evaluator scopes, last year's four quarters and
its annual democratic evaluation (computed, graded with one calibration, published), this year's
first quarters (published) and the latest quarter open with partial completion, so every page
has something to show. Annual results of two earlier years are added as imported history, so
the use-of-results page shows consecutive last places and the publicity notices have numbers.

Idempotent: if last year's first quarter exists, nothing is done. Deterministic scores.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from achievements.rules import quarter_bounds
from cadres.models import Cadre, Unit, UnitRole, User
from core import notifications
from core.models import Notification

from . import rules
from .inputs import SheetInput
from .lines import sheet_lines
from .models import (
    DIMENSIONS,
    PERSON_PROBLEMS,
    TEAM_PROBLEMS,
    AnnualResult,
    FollowUp,
    FollowUpStatus,
    Grade,
    Period,
    PeriodKind,
    PeriodState,
    SheetAssignment,
)
from .services import annual, ballots, configuration, periods, scoring

# Cadres who did worse last year (for the last-place follow-ups: LXZ010 three years running,
# DHJ012 two, FGJ010 one), a rater who gives everyone the same score and one far below the rest.
WEAK = {"LXZ010": 14, "DHJ012": 10, "FGJ010": 9}
WEAK_BEFORE = {"LXZ010": (True, True), "DHJ012": (False, True), "FGJ010": (False, False)}
FLAT_RATER = "CZJ009"
HARSH_RATER = "DHJ009"
LOGIN_CODES = {"QSZ008", "QSZ001", "QSZ003", "JYJ001", "JGZX002", "ZZB004"}


def seed(today: date) -> None:
    year = today.year
    if Period.objects.filter(kind=PeriodKind.QUARTERLY, year=year - 1, quarter=1).exists():
        return
    staff = User.objects.filter(username="ZZB004").first()
    _scopes()
    quality = _quality()
    for quarter in (1, 2, 3, 4):
        _quarter(year - 1, quarter, quality, staff, complete=True)
    _annual_period(year - 1, quality, staff)
    current = (today.month - 1) // 3 + 1  # the quarter under way
    for quarter in range(1, current - 1):
        _quarter(year, quarter, quality, staff, complete=True)
    if current > 1:
        _quarter(year, current - 1, quality, staff, complete=False, today=today)
    _history(year, quality)
    # Notices of the past periods would crowd the bell: only the open period's stays unread.
    open_keys = [
        f"evaluations:open:{pk}" for pk in Period.objects.filter(state=PeriodState.OPEN).values_list("pk", flat=True)
    ]
    Notification.objects.filter(dedupe_key__startswith="evaluations:").exclude(dedupe_key__in=open_keys).update(
        read_at=timezone.now()
    )
    notifications.unread_changed()


def _scopes() -> None:
    """Superior evaluators for every main leader; external evaluators for the small units."""
    units = {u.name: u for u in Unit.objects.all()}
    org_leaders = list(Cadre.objects.filter(code__in=["ZZB001", "ZZB002"]))
    for unit in units.values():
        if unit.parent_id:
            superiors = list(Cadre.objects.filter(unit_id=unit.parent_id, role=UnitRole.MAIN_LEADER, is_active=True))
            externals = list(Cadre.objects.filter(unit_id=unit.parent_id, role=UnitRole.STAFF, is_active=True))
        elif unit.name == "中共青山区委组织部":
            continue  # its head is rated by the district leadership, outside this system
        else:
            superiors, externals = org_leaders, []
        configuration.evaluator_scope_save(
            unit=unit,
            superiors=superiors,
            externals=externals,
            note="演示：上级单位主要领导为上级评价人" if unit.parent_id else "演示：组织部领导为上级评价人",
        )


def _quality() -> dict[int, int]:
    """Each cadre's "true" level, around which raters score them."""
    levels = {}
    for cadre in Cadre.objects.filter(is_active=True):
        rng = random.Random(f"quality:{cadre.code}")
        levels[cadre.pk] = rng.randint(80, 92) - WEAK.get(cadre.code, 0)
    return levels


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _scores(assignment: SheetAssignment, quality: dict[int, int], code: str, rng: random.Random) -> dict[int, int]:
    lines = sheet_lines(assignment)
    settings = rules.settings_for(assignment.period.year, assignment.unit.category)
    if code == FLAT_RATER:
        return {line.ratee_id: 85 for line in lines}
    leniency = -22 if code == HARSH_RATER else rng.randint(-3, 3)
    scores = {
        line.ratee_id: max(
            settings.score_min, min(settings.score_max, quality[line.ratee_id] + leniency + rng.randint(-3, 3))
        )
        for line in lines
    }
    limit = rules.band_limit(len(lines), settings)
    high = sorted((r for r, s in scores.items() if s >= settings.band_threshold), key=lambda r: -scores[r])
    for ratee in high[limit:]:  # a real rater would have to choose too
        scores[ratee] = settings.band_threshold - rng.randint(1, 3)
    return scores


def _fill(period: Period, quality: dict[int, int], share: float, skip: set[str] = frozenset()) -> None:
    assignments = list(
        SheetAssignment.objects.filter(period=period).select_related("rater", "unit", "period").order_by("pk")
    )
    for assignment in assignments:
        rng = random.Random(f"{period.code}:{assignment.rater.code}:{assignment.unit_id}")
        if assignment.rater.code in skip or rng.random() > share:
            continue
        if period.is_annual:
            data = _democratic(assignment, quality, rng)
        else:
            data = SheetInput(scores=_scores(assignment, quality, assignment.rater.code, rng))
        ballots.sheet_submit(assignment_id=assignment.pk, rater=assignment.rater, data=data)


def _democratic(assignment: SheetAssignment, quality: dict[int, int], rng: random.Random) -> SheetInput:
    data = SheetInput()
    for line in sheet_lines(assignment):
        base = quality[line.ratee_id] + rng.randint(-2, 4)
        data.dimensions[line.ratee_id] = {d.value: max(50, min(100, base + rng.randint(-3, 3))) for d in DIMENSIONS}
        if quality[line.ratee_id] < 78 and rng.random() < 0.5:
            data.problems[line.ratee_id] = [rng.choice(PERSON_PROBLEMS).value]
    if rng.random() < 0.15:
        data.team_problems = [rng.choice(TEAM_PROBLEMS).value]
    return data


def _compute(period: Period, staff: User | None) -> None:
    run = periods.period_close(period=period, actor=staff)
    # Runs here whether or not a worker took the queued job (that one finds it done).
    scoring.computation_execute(run_id=run.pk)


def _quarter(
    year: int, quarter: int, quality: dict[int, int], staff: User | None, *, complete: bool, today: date | None = None
) -> Period:
    _start, end = quarter_bounds(year, quarter)
    opened = end + timedelta(days=3)
    deadline = end + timedelta(days=20)
    if not complete and today:
        deadline = max(today + timedelta(days=8), deadline)  # the open period is still running today
    # The deadline is set before opening, so the opening notice and the period page give one date.
    period = periods.period_create(
        kind=PeriodKind.QUARTERLY, year=year, quarter=quarter, deadline=deadline, actor=staff
    )
    periods.period_open(period=period, actor=staff, as_of=opened)
    if not complete:
        Period.objects.filter(pk=period.pk).update(opened_at=_at(opened))
        _fill(period, quality, share=0.6, skip=LOGIN_CODES)
        _draft_for_demo_login(period, quality)
        return period
    _fill(period, quality, share=0.96)
    _compute(period, staff)
    periods.period_publish(period=period, actor=staff)
    Period.objects.filter(pk=period.pk).update(
        opened_at=_at(opened),
        closed_at=_at(end + timedelta(days=18), 17),
        computed_at=_at(end + timedelta(days=18), 18),
        published_at=_at(end + timedelta(days=22)),
    )
    return period


def _draft_for_demo_login(period: Period, quality: dict[int, int]) -> None:
    """The demo cadre has half of one sheet saved as a draft, to show "continue"."""
    assignment = SheetAssignment.objects.filter(period=period, rater__code="QSZ008").select_related("rater").first()
    if assignment is None:
        return
    rng = random.Random(f"draft:{period.code}")
    scores = _scores(assignment, quality, "QSZ008", rng)
    half = dict(list(scores.items())[: len(scores) // 2])
    ballots.sheet_save_draft(assignment_id=assignment.pk, rater=assignment.rater, data=SheetInput(scores=half))


def _annual_period(year: int, quality: dict[int, int], staff: User | None) -> Period:
    period = periods.period_create(kind=PeriodKind.ANNUAL, year=year, quarter=None, actor=staff)
    periods.period_open(period=period, actor=staff, as_of=date(year, 12, 20))
    _fill(period, quality, share=0.95)
    for unit in Unit.objects.all():
        rng = random.Random(f"unit-score:{year}:{unit.name}")
        annual.unit_annual_score_save(
            unit=unit, year=year, score=Decimal(rng.randint(8600, 9800)) / 100, note="演示数据", actor=staff
        )
    _compute(period, staff)
    _calibrate(period, staff)
    annual.grades_confirm(period=period, actor=staff)
    for result in AnnualResult.objects.filter(period=period, grade="", quota_tie=True):
        annual.grade_set(
            result=result, grade=Grade.COMPETENT, reason="同分并列，经考核办研究按名额确定为称职。", actor=staff
        )
    periods.period_publish(period=period, actor=staff)
    Period.objects.filter(pk=period.pk).update(
        opened_at=_at(date(year, 12, 20)),
        closed_at=_at(date(year + 1, 1, 10), 17),
        computed_at=_at(date(year + 1, 1, 10), 18),
        published_at=_at(date(year + 1, 1, 20)),
    )
    return period


def _calibrate(period: Period, staff: User | None) -> None:
    """Two calibrations org staff made, with reasons (the trail the annual page shows)."""
    weakest = AnnualResult.objects.filter(period=period, cadre__code="LXZ010").first()
    if weakest:
        annual.grade_set(
            result=weakest,
            grade=Grade.BASICALLY_COMPETENT,
            reason="连续三年单位末位，年度民主测评反测评票较多，经考核委员会研究定为基本称职。",
            actor=staff,
        )
    runner_up = (
        AnnualResult.objects.filter(period=period, proposed_grade=Grade.COMPETENT, unit__name="青石镇")
        .order_by("rank_in_unit")
        .first()
    )
    if runner_up:
        annual.grade_set(
            result=runner_up,
            grade=Grade.EXCELLENT,
            reason="在防汛抢险中表现突出，受到区委通报表扬，经研究在单位名额外增加一名优秀。",
            actor=staff,
        )


@transaction.atomic
def _history(year: int, quality: dict[int, int]) -> None:
    """Annual results of the two years before last, as imported history (no ballots behind them)."""
    cadres = list(Cadre.objects.filter(is_active=True).select_related("unit"))
    for past in (year - 3, year - 2):
        rows = []
        for cadre in cadres:
            rng = random.Random(f"history:{past}:{cadre.code}")
            weak_then = WEAK_BEFORE.get(cadre.code, (True, True))[past - (year - 3)]
            level = quality[cadre.pk] + (0 if weak_then else WEAK.get(cadre.code, 0))
            score = Decimal(level * 100 + rng.randint(-250, 250)) / 100
            rows.append(
                AnnualResult(
                    cadre=cadre,
                    year=past,
                    unit=cadre.unit,
                    unit_category=cadre.unit.category,
                    role=cadre.role,
                    rank=cadre.rank,
                    annual_score=score,
                    is_published=True,
                    computed_at=_at(date(past + 1, 1, 15)),
                )
            )
        _rank(rows)
        for row in rows:
            row.grade = row.proposed_grade
        AnnualResult.objects.bulk_create(rows)
        annual.follow_ups_create(year=past)
    # Follow-ups of last year were created when it was published, before its history existed.
    FollowUp.objects.filter(year=year - 1).delete()
    annual.follow_ups_create(year=year - 1)
    _close_old_follow_ups(year)


def _rank(rows: list[AnnualResult]) -> None:
    by_unit: dict[int, list[AnnualResult]] = {}
    by_rank: dict[int, list[AnnualResult]] = {}
    for row in rows:
        by_unit.setdefault(row.unit_id, []).append(row)
        by_rank.setdefault(row.rank_id, []).append(row)
    for group in by_unit.values():
        ranks = rules.competition_ranks([r.annual_score for r in group])
        settings = rules.settings_for(group[0].year, group[0].unit_category)
        quota = rules.excellent_quota(len(group), settings)
        for row, position in zip(group, ranks, strict=True):
            row.rank_in_unit, row.unit_size = position, len(group)
            at_or_above = sum(1 for other in group if other.annual_score >= row.annual_score)
            row.proposed_grade = Grade.EXCELLENT if at_or_above <= quota else Grade.COMPETENT
            row.excellent_quota = quota
    for group in by_rank.values():
        for row, position in zip(group, rules.competition_ranks([r.annual_score for r in group]), strict=True):
            row.rank_in_rank_level, row.rank_level_size = position, len(group)


def _close_old_follow_ups(year: int) -> None:
    office = list(User.objects.filter(is_org_staff=True, is_active=True).order_by("username"))
    for follow_up in FollowUp.objects.filter(year__lt=year - 1, status=FollowUpStatus.OPEN).select_related("cadre"):
        # Nobody closes a follow-up about themselves: another member of the office does.
        staff = next((u for u in office if u.pk != follow_up.cadre.user_id), None)
        annual.follow_up_close(
            follow_up=follow_up, note="已由单位主要领导进行谈话，本人表示认真改进。（演示数据）", actor=staff
        )
