"""用实绩 (rules.md §5): democratic evaluation, unit scores, annual scores, grades and follow-ups.

The annual period's computation works like the quarter's (set-based SQL in one transaction,
exact hundredths), and keeps what org staff decided: a confirmed grade survives a recompute.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from achievements.deductions import deduction_reports
from cadres.models import Cadre, SnapshotMember, Unit, User
from core.jobs import Progress
from core.spreadsheets import cell_text

from .. import rules
from ..errors import GradesLocked, GradesNotConfirmed, ImportFailed, ImportIssue, WrongState
from ..models import (
    AnnualResult,
    DemocraticScore,
    DemocraticSummary,
    FollowUp,
    FollowUpStatus,
    Grade,
    GradeChange,
    Period,
    PeriodKind,
    PeriodState,
    ProblemCount,
    ProblemTick,
    QuarterlyResult,
    UnitAnnualScore,
    UnitSheetTally,
)
from ..selectors.last_place import last_place_streaks
from ..tables import read_table
from .box import box_open
from .scoring import cents, config_cte, execute, refresh_statistics, table

ANNUAL_STEPS = (
    gettext_noop("开箱计票"),
    gettext_noop("汇总民主测评"),
    gettext_noop("统计反测评"),
    gettext_noop("统计缺年度总结扣分"),
    gettext_noop("计算年度得分"),
    gettext_noop("计算排名"),
    gettext_noop("按名额提出优秀建议"),
)

COMPUTED_FIELDS = {
    "democratic_score": None,
    "democratic_raw": None,
    "democratic_rater_count": 0,
    "unit_score": None,
    "quarterly_mean": None,
    "quarter_count": 0,
    "annual_score": None,
    "rank_in_unit": None,
    "unit_size": None,
    "rank_in_rank_level": None,
    "rank_level_size": None,
    "democratic_weight": None,
    "unit_weight": None,
    "quarterly_weight": None,
    "excellent_quota": None,
    "quota_tie": False,
    "proposed_grade": "",
}


def compute_annual(*, period: Period, progress: Progress, now: datetime) -> int:
    total = len(ANNUAL_STEPS)

    def step(number: int) -> None:
        progress(number, total, _(ANNUAL_STEPS[number - 1]))

    step(1)
    box_open(period=period, now=now)
    step(2)
    DemocraticSummary.objects.filter(period=period).delete()
    ProblemCount.objects.filter(period=period).delete()
    refresh_statistics(DemocraticScore, ProblemTick, UnitSheetTally)
    execute(
        f"""
        INSERT INTO {table(DemocraticSummary)} (period_id, cadre_id, rater_count, virtue_sum, ability_sum,
                                                diligence_sum, performance_sum, integrity_sum)
        SELECT %s, d.ratee_id, COUNT(*), SUM(d.virtue), SUM(d.ability), SUM(d.diligence), SUM(d.performance),
               SUM(d.integrity)
        FROM {table(DemocraticScore)} d
        WHERE d.period_id = %s
        GROUP BY d.ratee_id
        """,  # noqa: S608
        [period.pk, period.pk],
    )

    step(3)
    pc, pt = table(ProblemCount), table(ProblemTick)
    execute(
        f"""
        INSERT INTO {pc} (period_id, cadre_id, unit_id, item, count, sheet_count)
        SELECT %s, t.ratee_id, NULL, t.item, COUNT(*), MAX(ds.rater_count)
        FROM {pt} t
        JOIN {table(DemocraticSummary)} ds ON ds.period_id = t.period_id AND ds.cadre_id = t.ratee_id
        WHERE t.period_id = %s AND t.ratee_id IS NOT NULL
        GROUP BY t.ratee_id, t.item
        """,  # noqa: S608
        [period.pk, period.pk],
    )
    execute(
        f"""
        INSERT INTO {pc} (period_id, cadre_id, unit_id, item, count, sheet_count)
        SELECT %s, NULL, t.unit_id, t.item, COUNT(*), MAX(n.sheets)
        FROM {pt} t
        JOIN {table(UnitSheetTally)} n ON n.period_id = t.period_id AND n.unit_id = t.unit_id
        WHERE t.period_id = %s AND t.ratee_id IS NULL
        GROUP BY t.unit_id, t.item
        """,  # noqa: S608
        [period.pk, period.pk],
    )

    step(4)
    members = list(
        SnapshotMember.objects.filter(snapshot_id=period.snapshot_id).values_list(
            "cadre_id", "unit_id", "unit_category", "role", "rank_id"
        )
    )
    reports = deduction_reports(
        cadres=Cadre.objects.filter(pk__in=[m[0] for m in members]),
        year=period.year,
        quarter=None,
        as_of=now,
        categories={m[0]: m[2] for m in members},
    )
    _upsert_rows(period, {cid: r.annual_deduction for cid, r in reports.items()}, now)

    step(5)
    refresh_statistics(AnnualResult, DemocraticSummary, QuarterlyResult)
    _democratic_scores(period)
    _unit_and_quarterly(period)
    _annual_scores(period)
    step(6)
    _annual_rankings(period)
    step(7)
    _proposals(period)
    return len(members)


def _upsert_rows(period: Period, deductions: dict[int, Decimal], now: datetime) -> None:
    """One AnnualResult per snapshot member, set-based; grades already decided are kept."""
    ar, sm = table(AnnualResult), table(SnapshotMember)
    in_snapshot = SnapshotMember.objects.filter(snapshot_id=period.snapshot_id).values("cadre_id")
    AnnualResult.objects.filter(year=period.year, grade="").exclude(cadre_id__in=in_snapshot).delete()
    reset = ", ".join(f"{name} = %s" for name in COMPUTED_FIELDS)
    execute(
        f"""
        UPDATE {ar}
        SET unit_id = m.unit_id, unit_category = m.unit_category, role = m.role, rank_id = m.rank_id,
            period_id = %s, computed_at = %s, democratic_deduction = 0, {reset}
        FROM {sm} m
        WHERE m.snapshot_id = %s AND m.cadre_id = {ar}.cadre_id AND {ar}.year = %s
        """,  # noqa: S608
        [period.pk, now, *COMPUTED_FIELDS.values(), period.snapshot_id, period.year],
    )
    columns = ", ".join(COMPUTED_FIELDS)
    placeholders = ", ".join(["%s"] * len(COMPUTED_FIELDS))
    execute(
        f"""
        INSERT INTO {ar} (cadre_id, year, unit_id, unit_category, role, rank_id, period_id, computed_at,
                          democratic_deduction, grade, is_published, {columns})
        SELECT m.cadre_id, %s, m.unit_id, m.unit_category, m.role, m.rank_id, %s, %s, 0, '', FALSE, {placeholders}
        FROM {sm} m
        WHERE m.snapshot_id = %s AND NOT EXISTS (SELECT 1 FROM {ar} a WHERE a.cadre_id = m.cadre_id AND a.year = %s)
        """,  # noqa: S608
        [period.year, period.pk, now, *COMPUTED_FIELDS.values(), period.snapshot_id, period.year],
    )
    charged = [(cadre_id, amount) for cadre_id, amount in deductions.items() if amount]
    for start in range(0, len(charged), 1000):
        batch = charged[start : start + 1000]
        values = ", ".join(["(%s, %s)"] * len(batch))
        execute(
            f"""
            WITH v(cadre_id, amount) AS (VALUES {values})
            UPDATE {ar} SET democratic_deduction = v.amount
            FROM v
            WHERE {ar}.cadre_id = v.cadre_id AND {ar}.year = %s
            """,  # noqa: S608
            [value for pair in batch for value in pair] + [period.year],
        )


def _democratic_scores(period: Period) -> None:
    """D = mean of the five dimensions over all raters, half-up to cents, minus the annual-summary deduction."""
    ar, ds = table(AnnualResult), table(DemocraticSummary)
    execute(
        f"""
        WITH d AS (
            SELECT cadre_id, rater_count AS n,
                   CAST(virtue_sum AS BIGINT) + ability_sum + diligence_sum + performance_sum + integrity_sum AS total
            FROM {ds} WHERE period_id = %s
        ),
        x AS (
            SELECT a.id, d.n,
                   CASE WHEN d.n > 0 THEN (200 * d.total + 5 * d.n) / (10 * d.n) END AS raw,
                   CAST(ROUND(a.democratic_deduction * 100) AS INTEGER) AS ded
            FROM {ar} a JOIN d ON d.cadre_id = a.cadre_id
            WHERE a.period_id = %s
        )
        UPDATE {ar}
        SET democratic_rater_count = x.n, democratic_raw = x.raw / 100.0, democratic_score = (x.raw - x.ded) / 100.0
        FROM x WHERE {ar}.id = x.id
        """,  # noqa: S608
        [period.pk, period.pk],
    )


def _unit_and_quarterly(period: Period) -> None:
    """U from the unit's annual score; Q̄ = mean of the year's computed quarterly scores (half-up)."""
    ar, qr, p = table(AnnualResult), table(QuarterlyResult), table(Period)
    execute(
        f"""
        WITH q AS (
            SELECT r.cadre_id, COUNT(*) AS n, CAST(SUM(CAST(ROUND(r.score * 100) AS BIGINT)) AS BIGINT) AS total
            FROM {qr} r JOIN {p} per ON per.id = r.period_id
            WHERE per.kind = %s AND per.year = %s AND per.state IN (%s, %s) AND r.score IS NOT NULL
            GROUP BY r.cadre_id
        ),
        x AS (
            SELECT a.id, q.n, CASE WHEN q.n > 0 THEN (2 * q.total + q.n) / (2 * q.n) END AS qmean, u.score AS uscore
            FROM {ar} a
            LEFT JOIN q ON q.cadre_id = a.cadre_id
            LEFT JOIN {table(UnitAnnualScore)} u ON u.unit_id = a.unit_id AND u.year = %s
            WHERE a.period_id = %s
        )
        UPDATE {ar}
        SET quarter_count = COALESCE(x.n, 0), quarterly_mean = x.qmean / 100.0, unit_score = x.uscore
        FROM x WHERE {ar}.id = x.id
        """,  # noqa: S608
        [
            PeriodKind.QUARTERLY,
            period.year,
            PeriodState.COMPUTED,
            PeriodState.PUBLISHED,
            period.year,
            period.pk,
        ],
    )


def _annual_scores(period: Period) -> None:
    """A = Σ w·part / Σ w over the parts that exist, by role (主要领导 10/30/60, others 10/20/70)."""
    cte, params = config_cte(
        "cfg",
        {
            "ml_d": lambda s: cents(s.main_leader_democratic_weight),
            "ml_u": lambda s: cents(s.main_leader_unit_weight),
            "ml_q": lambda s: cents(s.main_leader_quarterly_weight),
            "ot_d": lambda s: cents(s.others_democratic_weight),
            "ot_u": lambda s: cents(s.others_unit_weight),
            "ot_q": lambda s: cents(s.others_quarterly_weight),
        },
        period.year,
    )
    ar = table(AnnualResult)
    execute(
        f"""
        WITH {cte},
        w AS (
            SELECT a.id,
                   CASE WHEN a.role = 'main_leader' THEN cfg.ml_d ELSE cfg.ot_d END AS wd,
                   CASE WHEN a.role = 'main_leader' THEN cfg.ml_u ELSE cfg.ot_u END AS wu,
                   CASE WHEN a.role = 'main_leader' THEN cfg.ml_q ELSE cfg.ot_q END AS wq,
                   CAST(ROUND(a.democratic_score * 100) AS BIGINT) AS d,
                   CAST(ROUND(a.unit_score * 100) AS BIGINT) AS u,
                   CAST(ROUND(a.quarterly_mean * 100) AS BIGINT) AS q
            FROM {ar} a JOIN cfg ON cfg.category = a.unit_category
            WHERE a.period_id = %s
        ),
        x AS (
            SELECT id, wd, wu, wq,
                   (CASE WHEN d IS NOT NULL THEN wd * d ELSE 0 END)
                   + (CASE WHEN u IS NOT NULL THEN wu * u ELSE 0 END)
                   + (CASE WHEN q IS NOT NULL THEN wq * q ELSE 0 END) AS num,
                   (CASE WHEN d IS NOT NULL THEN wd ELSE 0 END)
                   + (CASE WHEN u IS NOT NULL THEN wu ELSE 0 END)
                   + (CASE WHEN q IS NOT NULL THEN wq ELSE 0 END) AS den
            FROM w
        )
        UPDATE {ar}
        SET democratic_weight = x.wd / 100.0, unit_weight = x.wu / 100.0, quarterly_weight = x.wq / 100.0,
            annual_score = CASE WHEN x.den > 0 THEN ((2 * x.num + x.den) / (2 * x.den)) / 100.0 END
        FROM x WHERE {ar}.id = x.id
        """,  # noqa: S608
        [*params, period.pk],
    )


def _annual_rankings(period: Period) -> None:
    ar = table(AnnualResult)
    execute(
        f"""
        UPDATE {ar}
        SET rank_in_unit = r.ru, unit_size = r.us, rank_in_rank_level = r.rr, rank_level_size = r.rs
        FROM (
            SELECT id,
                   RANK() OVER (PARTITION BY unit_id ORDER BY annual_score DESC) AS ru,
                   COUNT(*) OVER (PARTITION BY unit_id) AS us,
                   RANK() OVER (PARTITION BY rank_id ORDER BY annual_score DESC) AS rr,
                   COUNT(*) OVER (PARTITION BY rank_id) AS rs
            FROM {ar}
            WHERE period_id = %s AND annual_score IS NOT NULL
        ) r
        WHERE {ar}.id = r.id
        """,  # noqa: S608
        [period.pk],
    )


def _proposals(period: Period) -> None:
    """Proposed 优秀 for the unit's best up to its quota. A tie straddling the quota is proposed
    for nobody and marked, so org staff decide it (the count of cadres scoring at least as much
    must fit in the quota)."""
    cte, params = config_cte(
        "cfg",
        {"pct": lambda s: s.excellent_quota_percent, "min_size": lambda s: s.excellent_quota_min_unit_size},
        period.year,
    )
    ar = table(AnnualResult)
    execute(
        f"""
        WITH {cte},
        r AS (
            SELECT a.id, a.rank_in_unit, a.unit_size, cfg.pct, cfg.min_size,
                   COUNT(*) OVER (PARTITION BY a.unit_id ORDER BY a.annual_score DESC) AS at_or_above
            FROM {ar} a JOIN cfg ON cfg.category = a.unit_category
            WHERE a.period_id = %s AND a.annual_score IS NOT NULL
        ),
        q AS (
            SELECT id, rank_in_unit, at_or_above,
                   CASE WHEN unit_size * pct / 100 > 0 THEN unit_size * pct / 100
                        WHEN unit_size >= min_size THEN 1 ELSE 0 END AS quota
            FROM r
        )
        UPDATE {ar}
        SET excellent_quota = q.quota,
            proposed_grade = CASE WHEN q.at_or_above <= q.quota THEN %s ELSE %s END,
            quota_tie = CASE WHEN q.rank_in_unit <= q.quota AND q.at_or_above > q.quota THEN TRUE ELSE FALSE END
        FROM q WHERE {ar}.id = q.id
        """,  # noqa: S608
        [*params, period.pk, Grade.EXCELLENT, Grade.COMPETENT],
    )


# --- Grades and their calibration trail --------------------------------------------------------


def _grades_editable(result: AnnualResult) -> None:
    period = result.period
    if result.is_published or period is None or period.state != PeriodState.COMPUTED:
        raise GradesLocked(result.year)


@transaction.atomic
def grades_confirm(*, period: Period, actor: User, unit: Unit | None = None) -> int:
    """Confirm the proposed grades not yet decided (ties at the quota boundary are left to staff)."""
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.state != PeriodState.COMPUTED:
        raise WrongState(period, _("确定等次"))
    results = (
        AnnualResult.objects.select_for_update()
        .filter(period=period, grade="", quota_tie=False)
        .exclude(proposed_grade="")
    )
    if unit is not None:
        results = results.filter(unit=unit)
    now = timezone.now()
    count = 0
    for result in results:
        result.grade = result.proposed_grade
        result.grade_confirmed_by = actor
        result.grade_confirmed_at = now
        result.save(update_fields=["grade", "grade_confirmed_by", "grade_confirmed_at", "updated_at"])
        count += 1
    return count


@transaction.atomic
def grade_set(*, result: AnnualResult, grade: str, reason: str, actor: User) -> GradeChange | None:
    """Set one cadre's grade. Anything other than the proposal, or a change of a decided grade,
    needs a reason and goes into the calibration trail (before, after, who, when, why)."""
    result = AnnualResult.objects.select_for_update(of=("self",)).select_related("period").get(pk=result.pk)
    _grades_editable(result)
    if grade not in Grade.values:
        raise ValidationError({"grade": _("请选择等次。")})
    before = result.grade or result.proposed_grade
    change = None
    if grade != before:
        if not reason.strip():
            raise ValidationError({"reason": _("调整建议等次须填写理由。")})
        change = GradeChange.objects.create(
            result=result, before=before, after=grade, changed_by=actor, reason=reason.strip()
        )
    result.grade = grade
    result.grade_confirmed_by = actor
    result.grade_confirmed_at = timezone.now()
    result.save(update_fields=["grade", "grade_confirmed_by", "grade_confirmed_at", "updated_at"])
    return change


def annual_results_publish(*, period: Period, actor: User | None = None) -> int:
    """Called by period_publish inside its transaction: every grade decided, then visible, then follow-ups."""
    undecided = AnnualResult.objects.filter(period=period, grade="", annual_score__isnull=False).count()
    if undecided:
        raise GradesNotConfirmed(undecided)
    AnnualResult.objects.filter(period=period).update(is_published=True, updated_at=Now())
    return follow_ups_create(year=period.year)


# --- Use of results (rules.md §5) ----------------------------------------------------------------


def follow_ups_create(*, year: int) -> int:
    """A follow-up task per cadre last in their unit (提醒谈话 / 诫勉谈话 / 组织处理). Idempotent."""
    created = FollowUp.objects.bulk_create(
        [
            FollowUp(
                cadre_id=streak.cadre_id,
                year=year,
                kind=kind,
                annual_result_id=streak.result_id,
                consecutive_years=streak.consecutive,
            )
            for streak in last_place_streaks(year, published_only=True).values()
            if (kind := rules.follow_up_kind(streak.consecutive)) is not None  # a streak is one year or more
        ],
        ignore_conflicts=True,
    )
    return len(created)


SELF_FOLLOW_UP = gettext_lazy("这一跟进事项涉及您本人，您不能办理，请由考核办其他同志办理。")


def follow_up_about_self(follow_up: FollowUp, actor: User | None) -> bool:
    """Nobody handles a follow-up about themselves (conflict of interest)."""
    return actor is not None and follow_up.cadre.user_id is not None and follow_up.cadre.user_id == actor.pk


@transaction.atomic
def follow_up_close(*, follow_up: FollowUp, note: str, actor: User) -> FollowUp:
    follow_up = FollowUp.objects.select_for_update().select_related("cadre").get(pk=follow_up.pk)
    if follow_up_about_self(follow_up, actor):
        raise ValidationError({"note": SELF_FOLLOW_UP})
    if not note.strip():
        raise ValidationError({"note": _("请填写办理情况。")})
    if follow_up.status == FollowUpStatus.CLOSED:
        raise ValidationError({"note": _("该事项已经办结。")})
    follow_up.status = FollowUpStatus.CLOSED
    follow_up.note = note.strip()
    follow_up.closed_by = actor
    follow_up.closed_at = timezone.now()
    follow_up.save()
    return follow_up


# --- Unit annual scores -------------------------------------------------------------------------

COL_UNIT, COL_UNIT_SCORE, COL_NOTE = "单位", "年度考核得分", "说明"


def _parse_unit_score(value: Any) -> Decimal | None:
    try:
        score = Decimal(cell_text(value))
    except (InvalidOperation, ValueError):
        return None
    if not score.is_finite() or not Decimal(0) <= score <= Decimal(100) or score != score.quantize(Decimal("0.01")):
        return None
    return score


@transaction.atomic
def unit_annual_score_save(
    *, unit: Unit, year: int, score: Decimal, note: str = "", actor: User | None
) -> UnitAnnualScore:
    row, _created = UnitAnnualScore.objects.select_for_update().get_or_create(
        unit=unit, year=year, defaults={"score": score, "note": note, "updated_by": actor}
    )
    row.score, row.note, row.updated_by = score, note, actor
    row.full_clean()
    row.save()
    return row


def unit_annual_scores_import(*, content: bytes, filename: str, year: int, actor: User | None) -> int:
    """Columns 单位, 年度考核得分 (, 说明): all rows or none."""
    records = read_table(content, filename, (COL_UNIT, COL_UNIT_SCORE))
    units = {u.name: u for u in Unit.objects.all()}
    issues, rows = [], []
    seen: dict[str, int] = {}
    for line, row in records:
        name = cell_text(row.get(COL_UNIT))
        unit = units.get(name)
        if unit is None:
            issues.append(ImportIssue(line, COL_UNIT, _("单位“%(name)s”不存在。") % {"name": name}))
        elif name in seen:
            issues.append(
                ImportIssue(
                    line, COL_UNIT, _("单位“%(name)s”与第 %(first)s 行重复。") % {"name": name, "first": seen[name]}
                )
            )
        seen.setdefault(name, line)
        score = _parse_unit_score(row.get(COL_UNIT_SCORE))
        if score is None:
            issues.append(
                ImportIssue(
                    line,
                    COL_UNIT_SCORE,
                    _("得分“%(value)s”无效：应为 0–100 之间、最多两位小数的数。")
                    % {"value": cell_text(row.get(COL_UNIT_SCORE))},
                )
            )
        if unit is not None and score is not None:
            rows.append((unit, score, cell_text(row.get(COL_NOTE))[:200]))
    if issues:
        raise ImportFailed(issues)
    with transaction.atomic():
        for unit, score, note in rows:
            unit_annual_score_save(unit=unit, year=year, score=score, note=note, actor=actor)
    return len(rows)
