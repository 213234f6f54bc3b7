"""The computation of a period (SPEC §4): set-based SQL, idempotent, swapped in atomically.

One run is one transaction. It locks the period row (so two runs never interleave: the second
waits and then produces the same result set again), deletes the period's previous results,
computes the new ones with a handful of INSERT … SELECT / UPDATE … FROM statements (aggregates
and window functions, never a query per cadre) and commits them together with the period's new
state. Readers see the old results until that commit; a worker killed mid-run leaves them
untouched (its transaction rolls back) and the redelivered task computes again.

All arithmetic on scores is exact integer arithmetic in hundredths, so PostgreSQL and the
embedded SQLite give the same, correctly half-up rounded numbers.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from achievements.deductions import deduction_reports
from achievements.rules import records_final_deadline
from cadres.background import queue_after_commit
from cadres.models import Cadre, SnapshotMember, UnitCategory, User
from ops import outbox

from .. import rules
from ..errors import EvaluationError, WrongState
from ..models import (
    ComputationRun,
    EvaluationSettings,
    GroupResult,
    Period,
    PeriodState,
    QuarterlyResult,
    RunStatus,
    Score,
)
from .box import box_open
from .periods import lock_period

logger = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]

QUARTER_STEPS = (
    gettext_noop("开箱计票"),
    gettext_noop("清除上次结果"),
    gettext_noop("统计缺记扣分"),
    gettext_noop("计算各评价组均分"),
    gettext_noop("计算季度得分"),
    gettext_noop("计算排名"),
)


def _quiet(step: int, total: int, label: str) -> None:
    return None


def progress_key(run_id: int) -> str:
    return f"evaluations:run:{run_id}:progress"


class CacheProgress:
    """Progress the page polls: the run's own row is inside the computation's transaction."""

    def __init__(self, run_id: int):
        self.run_id = run_id

    def __call__(self, step: int, total: int, label: str) -> None:
        cache.set(progress_key(self.run_id), {"step": step, "total": total, "label": label}, timeout=24 * 3600)


def run_progress(run: ComputationRun) -> dict | None:
    if run.status != RunStatus.RUNNING:
        return None
    return cache.get(progress_key(run.pk))


# --- Requesting and running -----------------------------------------------------------------


def computation_request(*, period: Period, actor: User | None = None, queue: bool = True) -> ComputationRun:
    """Request a computation of a closed (or already computed) period.

    With `queue` the background job starts after commit; without, the caller runs it itself
    (`manage.py compute_period`) through computation_execute, the same code the job runs.
    """
    from ..tasks import compute_period_task

    period = Period.objects.get(pk=period.pk)
    if not computable(period):
        raise WrongState(period, _("计算结果"))
    run = ComputationRun.objects.create(period=period, requested_by=actor)
    if queue:
        queue_after_commit(compute_period_task, run.pk)
    return run


def waiting_for_broker(run: ComputationRun) -> bool:
    """Whether a requested computation is recorded in the outbox but not yet handed to the broker."""
    from ..tasks import compute_period_task

    return run.status == RunStatus.QUEUED and outbox.is_pending(compute_period_task, run.pk)


def computable(period: Period) -> bool:
    """Closed or computed; published too while its results are provisional (the recompute after
    the backfill windows close keeps them published)."""
    return period.state in (PeriodState.CLOSED, PeriodState.COMPUTED) or (
        period.state == PeriodState.PUBLISHED and period.provisional_until is not None
    )


def provisional_recompute_due(*, now: datetime | None = None) -> list[ComputationRun]:
    """The beat job: recompute every provisional period whose last backfill window has closed.

    A period with a run still queued or running is left to that run (it computes as of its own
    start, so it may leave the period provisional; the next beat picks it up again).
    """
    now = now or timezone.now()
    runs = []
    due = Period.objects.filter(
        provisional_until__lte=now, state__in=[PeriodState.COMPUTED, PeriodState.PUBLISHED]
    ).exclude(runs__status__in=[RunStatus.QUEUED, RunStatus.RUNNING])
    for period in due:
        with transaction.atomic():
            runs.append(computation_request(period=period))
    return runs


def computation_execute(
    *, run_id: int, progress: Progress | None = None, now: datetime | None = None
) -> ComputationRun:
    """Run one requested computation. Safe to call again for the same run (redelivery, retry)."""
    progress = progress or _quiet
    run = ComputationRun.objects.select_related("period").get(pk=run_id)
    if run.status == RunStatus.SUCCEEDED:
        return run
    now = now or timezone.now()
    ComputationRun.objects.filter(pk=run_id).update(
        status=RunStatus.RUNNING,
        started_at=now,
        attempts=F("attempts") + 1,
        worker=f"{socket.gethostname()}:{os.getpid()}",
        error="",
    )
    try:
        with transaction.atomic():
            period = lock_period(run.period_id)
            if not computable(period):
                raise WrongState(period, _("计算结果"))
            if period.is_annual:
                from .annual import compute_annual

                count = compute_annual(period=period, progress=progress, now=now)
            else:
                count = compute_quarter(period=period, progress=progress, now=now)
            if period.state != PeriodState.PUBLISHED:
                period.state = PeriodState.COMPUTED
            period.computed_at = now
            final = records_final_deadline(period.year, period.quarter)
            period.provisional_until = final if now < final else None
            period.save(update_fields=["state", "computed_at", "provisional_until"])
            ComputationRun.objects.filter(pk=run_id).update(
                status=RunStatus.SUCCEEDED, finished_at=timezone.now(), result_count=count
            )
    except EvaluationError as error:
        ComputationRun.objects.filter(pk=run_id).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), error=error.message
        )
    except Exception as error:
        logger.exception("computation run %s failed", run_id)
        ComputationRun.objects.filter(pk=run_id).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), error=f"{type(error).__name__}: {error}"[:2000]
        )
        raise
    finally:
        cache.delete(progress_key(run_id))
    run.refresh_from_db()
    return run


# --- SQL helpers ------------------------------------------------------------------------------


def table(model: type) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def cents(value: Decimal) -> int:
    """A weight or rate as whole hundredths, for exact integer arithmetic in SQL."""
    return int((Decimal(value) * 100).to_integral_value())


def config_cte(name: str, columns: Mapping[str, Callable[[EvaluationSettings], object]], year: int) -> tuple[str, list]:
    """`name(category, …) AS (VALUES …)`: the year's settings per unit category, as a table SQL can join."""
    table_rows = rules.settings_table(year)
    placeholders = "(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"
    params: list = []
    for category in UnitCategory.values:
        params.append(category)
        params.extend(get(table_rows[category]) for get in columns.values())
    header = ", ".join(["category", *columns])
    values = ", ".join([placeholders] * len(UnitCategory.values))
    return f"{name}({header}) AS (VALUES {values})", params


def refresh_statistics(*models_: type) -> None:
    """ANALYZE the tables a step reads. A period's scores arrive in bulk between two runs; on
    tables whose statistics predate them PostgreSQL picked plans a hundred times slower
    (51 s instead of 0.4 s for 5,000 cadres). ANALYZE samples, so it costs milliseconds."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models_:
            cursor.execute(f"ANALYZE {table(model)}")


def execute(sql: str, params: list) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


# --- The quarter ------------------------------------------------------------------------------


def compute_quarter(*, period: Period, progress: Progress, now: datetime) -> int:
    """Group averages, weighted score, deductions, final score and rankings of a quarter."""
    total = len(QUARTER_STEPS)

    def step(number: int) -> None:
        progress(number, total, _(QUARTER_STEPS[number - 1]))

    step(1)
    box_open(period=period, now=now)
    step(2)
    for model in (QuarterlyResult, GroupResult):
        model.objects.filter(period=period).delete()

    step(3)
    members = list(
        SnapshotMember.objects.filter(snapshot_id=period.snapshot_id).values_list(
            "cadre_id", "unit_id", "unit_category", "role", "rank_id"
        )
    )
    categories = {cadre_id: category for cadre_id, _u, category, _r, _k in members}
    reports = deduction_reports(
        cadres=Cadre.objects.filter(
            pk__in=SnapshotMember.objects.filter(snapshot_id=period.snapshot_id).values("cadre_id")
        ),
        year=period.year,
        quarter=period.quarter,
        as_of=now,
        categories=categories,
    )
    QuarterlyResult.objects.bulk_create(
        (
            QuarterlyResult(
                period=period,
                cadre_id=cadre_id,
                unit_id=unit_id,
                unit_category=category,
                role=role,
                rank_id=rank_id,
                missing_log_days=reports[cadre_id].missing_day_count,
                missing_summary=bool(reports[cadre_id].missing_quarterly_summaries),
                log_deduction_rate=reports[cadre_id].log_rate,
                summary_deduction_rate=reports[cadre_id].quarterly_summary_rate,
                deduction=reports[cadre_id].quarterly_deduction,
            )
            for cadre_id, unit_id, category, role, rank_id in members
        ),
        batch_size=2000,
    )

    step(4)
    refresh_statistics(Score, SnapshotMember, QuarterlyResult)
    _group_results(period)
    step(5)
    refresh_statistics(GroupResult)
    _scores(period)
    step(6)
    _rankings(period)
    return len(members)


def _group_results(period: Period) -> None:
    cte, params = config_cte(
        "cfg",
        {"drop_on": lambda s: int(s.drop_extremes), "drop_min": lambda s: s.drop_extremes_min_raters},
        period.year,
    )
    dropping = "MAX(cfg.drop_on) = 1 AND COUNT(*) >= MAX(cfg.drop_min)"
    sql = f"""
        WITH {cte}
        INSERT INTO {table(GroupResult)} (period_id, cadre_id, rater_group, rater_count, score_sum, score_min,
                                          score_max, used_count, used_sum, dropped_extremes)
        SELECT %s, s.ratee_id, s.rater_group, COUNT(*), SUM(s.score), MIN(s.score), MAX(s.score),
               CASE WHEN {dropping} THEN COUNT(*) - 2 ELSE COUNT(*) END,
               CASE WHEN {dropping} THEN SUM(s.score) - MIN(s.score) - MAX(s.score) ELSE SUM(s.score) END,
               CASE WHEN {dropping} THEN TRUE ELSE FALSE END
        FROM {table(Score)} s
        JOIN {table(SnapshotMember)} m ON m.cadre_id = s.ratee_id AND m.snapshot_id = %s
        JOIN cfg ON cfg.category = m.unit_category
        WHERE s.period_id = %s
        GROUP BY s.ratee_id, s.rater_group
    """  # noqa: S608  (table names from model metadata; every value is a parameter)
    execute(sql, [*params, period.pk, period.snapshot_id, period.pk])


def _scores(period: Period) -> None:
    """Q = Σ w·avg / Σ w over non-empty groups, in exact integer hundredths, half-up; minus deductions.

    With n_g scores summing to s_g per group and m_g = n_g (or 1 for an empty group):
    Q = N / D, N = Σ w_g·s_g·Π_{h≠g} m_h, D = (Σ_{non-empty} w_g)·Π m_g, and
    round_half_up(100·Q) = ⌊(200·N + D) / (2·D)⌋ — integer division only.
    """
    cte, params = config_cte(
        "cfg",
        {
            "wl": lambda s: cents(s.leader_weight),
            "wp": lambda s: cents(s.peer_weight),
            "wo": lambda s: cents(s.other_weight),
        },
        period.year,
    )
    qr = table(QuarterlyResult)
    sql = f"""
        WITH {cte},
        g AS (
            SELECT cadre_id,
                   SUM(CASE WHEN rater_group = 'leader' THEN used_count ELSE 0 END) AS n_lead,
                   SUM(CASE WHEN rater_group = 'leader' THEN used_sum ELSE 0 END) AS s_lead,
                   SUM(CASE WHEN rater_group = 'peer' THEN used_count ELSE 0 END) AS n_peer,
                   SUM(CASE WHEN rater_group = 'peer' THEN used_sum ELSE 0 END) AS s_peer,
                   SUM(CASE WHEN rater_group = 'other' THEN used_count ELSE 0 END) AS n_oth,
                   SUM(CASE WHEN rater_group = 'other' THEN used_sum ELSE 0 END) AS s_oth,
                   SUM(rater_count) AS raters
            FROM {table(GroupResult)} WHERE period_id = %s GROUP BY cadre_id
        ),
        t AS (
            SELECT q.id AS result_id, g.raters, g.s_lead, g.s_peer, g.s_oth,
                   CASE WHEN g.n_lead > 0 THEN cfg.wl ELSE 0 END AS el,
                   CASE WHEN g.n_peer > 0 THEN cfg.wp ELSE 0 END AS ep,
                   CASE WHEN g.n_oth > 0 THEN cfg.wo ELSE 0 END AS eo,
                   CASE WHEN g.n_lead > 0 THEN g.n_lead ELSE 1 END AS ml,
                   CASE WHEN g.n_peer > 0 THEN g.n_peer ELSE 1 END AS mp,
                   CASE WHEN g.n_oth > 0 THEN g.n_oth ELSE 1 END AS mo,
                   CAST(ROUND(q.deduction * 100) AS INTEGER) AS ded
            FROM {qr} q
            JOIN g ON g.cadre_id = q.cadre_id
            JOIN cfg ON cfg.category = q.unit_category
            WHERE q.period_id = %s
        ),
        f AS (
            SELECT result_id, raters, ded,
                   CAST(el AS BIGINT) * s_lead * mp * mo + CAST(ep AS BIGINT) * s_peer * ml * mo
                       + CAST(eo AS BIGINT) * s_oth * ml * mp AS num,
                   CAST(el + ep + eo AS BIGINT) * ml * mp * mo AS den
            FROM t
        ),
        c AS (
            SELECT result_id, raters, ded,
                   CASE WHEN den > 0 THEN (200 * num + den) / (2 * den) END AS hundredths
            FROM f
        )
        UPDATE {qr}
        SET rater_count = c.raters,
            weighted_score = c.hundredths / 100.0,
            score = (c.hundredths - c.ded) / 100.0
        FROM c
        WHERE {qr}.id = c.result_id
    """  # noqa: S608
    execute(sql, [*params, period.pk, period.pk])


def _rankings(period: Period) -> None:
    """Competition ranking (1, 2, 2, 4) within the unit, the rank level and the unit category."""
    qr = table(QuarterlyResult)
    sql = f"""
        UPDATE {qr}
        SET rank_in_unit = r.ru, unit_size = r.us,
            rank_in_rank_level = r.rr, rank_level_size = r.rs,
            rank_in_category = r.rc, category_size = r.cs
        FROM (
            SELECT id,
                   RANK() OVER (PARTITION BY unit_id ORDER BY score DESC) AS ru,
                   COUNT(*) OVER (PARTITION BY unit_id) AS us,
                   RANK() OVER (PARTITION BY rank_id ORDER BY score DESC) AS rr,
                   COUNT(*) OVER (PARTITION BY rank_id) AS rs,
                   RANK() OVER (PARTITION BY unit_category ORDER BY score DESC) AS rc,
                   COUNT(*) OVER (PARTITION BY unit_category) AS cs
            FROM {qr}
            WHERE period_id = %s AND score IS NOT NULL
        ) r
        WHERE {qr}.id = r.id
    """  # noqa: S608
    execute(sql, [period.pk])
