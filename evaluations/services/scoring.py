"""The computation of a period (rules.md §4): set-based SQL, idempotent, swapped in atomically.

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
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TypeAlias

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from achievements.models import DailyLog, LeavePeriod, Summary
from achievements.rules import WorkCalendar, quarter_bounds, records_final_deadline, rules_table
from cadres.background import queue_after_commit
from cadres.models import Cadre, SnapshotMember, UnitCategory, User
from core.jobs import Progress, job_run
from core.models import UNFINISHED, JobStatus
from ops import outbox

from .. import rules
from ..errors import WrongState
from ..models import (
    BoxOpening,
    ComputationRun,
    EvaluationSettings,
    GroupResult,
    Period,
    PeriodState,
    QuarterlyResult,
    RateeScores,
)
from .box import box_open
from .figures import distribution_store
from .periods import lock_period

logger = logging.getLogger(__name__)

# A value SQL statements here take as a parameter.
SqlValue: TypeAlias = bool | int | Decimal | str | date | None

QUARTER_STEPS = (
    gettext_noop("开箱计票"),
    gettext_noop("清除上次结果"),
    gettext_noop("计算各评价组均分"),
    gettext_noop("计算季度得分"),
)


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

    return run.status == JobStatus.QUEUED and outbox.is_pending(compute_period_task, run.pk)


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
    ).exclude(runs__status__in=UNFINISHED)
    for period in due:
        with transaction.atomic():
            runs.append(computation_request(period=period))
    return runs


def computation_execute(
    *, run_id: int, progress: Progress | None = None, now: datetime | None = None
) -> ComputationRun:
    """Run one requested computation (core.jobs records it). Safe to call again for the same run
    (redelivery, retry). `progress` also receives each step (the management command prints them)."""
    now = now or timezone.now()

    def work(run: ComputationRun, report: Progress) -> str:
        with transaction.atomic():
            period = lock_period(run.period_id)
            if not computable(period):
                raise WrongState(period, _("计算结果"))
            if period.is_annual:
                from .annual import compute_annual

                count = compute_annual(period=period, progress=report, now=now)
            else:
                count = compute_quarter(period=period, progress=report, now=now)
            if period.state != PeriodState.PUBLISHED:
                period.state = PeriodState.COMPUTED
            period.computed_at = now
            final = records_final_deadline(period.year, period.quarter)
            period.provisional_until = final if now < final else None
            period.save(update_fields=["state", "computed_at", "provisional_until"])
            ComputationRun.objects.filter(pk=run.pk).update(result_count=count)
        return _("计算完成：%(n)s 人") % {"n": count}

    worker = f"{socket.gethostname()}:{os.getpid()}"
    return job_run(ComputationRun, run_id, work, echo=progress, running={"worker": worker})


# --- SQL helpers ------------------------------------------------------------------------------


def table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def cents(value: Decimal) -> int:
    """A weight or rate as whole hundredths, for exact integer arithmetic in SQL."""
    return int((Decimal(value) * 100).to_integral_value())


def config_cte(
    name: str, columns: Mapping[str, Callable[[EvaluationSettings], SqlValue]], year: int
) -> tuple[str, list[SqlValue]]:
    """`name(category, …) AS (VALUES …)`: the year's settings per unit category, as a table SQL can join."""
    table_rows = rules.settings_table(year)
    placeholders = "(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"
    params: list[SqlValue] = []
    for category in UnitCategory.values:
        params.append(category)
        params.extend(get(table_rows[category]) for get in columns.values())
    header = ", ".join(["category", *columns])
    values = ", ".join([placeholders] * len(UnitCategory.values))
    return f"{name}({header}) AS (VALUES {values})", params


def refresh_statistics(*models_: type[Model]) -> None:
    """ANALYZE the tables a step reads. A period's scores arrive in bulk between two runs; on
    tables whose statistics predate them PostgreSQL picked plans a hundred times slower
    (51 s instead of 0.4 s for 5,000 cadres). ANALYZE samples, so it costs milliseconds."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models_:
            cursor.execute(f"ANALYZE {table(model)}")


def execute(sql: str, params: Sequence[SqlValue]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        written: int = cursor.rowcount  # DB-API's rowcount, typed Any in the stubs
        return written


# --- The quarter ------------------------------------------------------------------------------


def compute_quarter(*, period: Period, progress: Progress, now: datetime) -> int:
    """Group averages, weighted score, deductions, final score and rankings of a quarter.

    Two statements write the results: the group results (one INSERT … SELECT over the period's
    scores only), then every QuarterlyResult row exactly once (one INSERT … SELECT that counts the
    logs, applies leave and summaries, weighs the groups and ranks with window functions).
    """
    total = len(QUARTER_STEPS)

    def step(number: int) -> None:
        progress(number, total, _(QUARTER_STEPS[number - 1]))

    step(1)
    opened_now = not BoxOpening.objects.filter(period=period).exists()
    box_open(period=period, now=now)
    step(2)
    for model in (QuarterlyResult, GroupResult):
        model.objects.filter(period=period).delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The rankings sort a city's results three ways: in memory, not on disk.
            cursor.execute("SET LOCAL work_mem = '64MB'")
            # The commit does not wait for its WAL to reach the disk (the WAL writer flushes it
            # within a fraction of a second). A crash in that window loses this run as a whole,
            # never part of it: the previous results stay and the run is computed again.
            cursor.execute("SET LOCAL synchronous_commit = off")
            # The group statement unnests each score list once; a memo of lists by value (the
            # planner's Memoize) hashed 106 thousand arrays to save a few cheap unnests: a fifth
            # of that statement's CPU at 50,000 cadres.
            cursor.execute("SET LOCAL enable_memoize = off")
    step(3)
    if opened_now:
        # The scores arrived in bulk in this transaction; a recompute reads them as analyzed then.
        refresh_statistics(RateeScores)
    _group_results(period)
    step(4)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Every join of the results statement is a bulk join of whole tables; the planner,
            # blind to the row counts of its CTEs, picked nested loops that ran minutes instead of
            # a second. JIT compiles hundreds of functions for it and saves nothing at this size.
            cursor.execute("SET LOCAL enable_nestloop = off")
            cursor.execute("SET LOCAL jit = off")
    count = _quarter_results(period, now)
    distribution_store(period=period)
    return count


def _group_results(period: Period) -> None:
    cte, params = config_cte(
        "cfg",
        {"drop_on": lambda s: int(s.drop_extremes), "drop_min": lambda s: s.drop_extremes_min_raters},
        period.year,
    )
    dropping = "MAX(cfg.drop_on) = 1 AND COUNT(*) >= MAX(cfg.drop_min)"
    # Each RateeScores row holds a (ratee, group)'s scores as a list: one row per score again.
    # Written in key order: the unique index takes them in sequence (a fifth less work than hashed order).
    if connection.vendor == "postgresql":
        scores = f"{table(RateeScores)} s CROSS JOIN LATERAL unnest(s.scores) AS e(value)"
    else:
        scores = f"{table(RateeScores)} s JOIN json_each(s.scores) AS e"
    sql = f"""
        WITH {cte}
        INSERT INTO {table(GroupResult)} (period_id, cadre_id, rater_group, rater_count, score_sum, score_min,
                                          score_max, used_count, used_sum, dropped_extremes)
        SELECT %s, s.ratee_id, s.rater_group, COUNT(*), SUM(e.value), MIN(e.value), MAX(e.value),
               CASE WHEN {dropping} THEN COUNT(*) - 2 ELSE COUNT(*) END,
               CASE WHEN {dropping} THEN SUM(e.value) - MIN(e.value) - MAX(e.value) ELSE SUM(e.value) END,
               CASE WHEN {dropping} THEN TRUE ELSE FALSE END
        FROM {scores}
        JOIN {table(SnapshotMember)} m ON m.cadre_id = s.ratee_id AND m.snapshot_id = %s
        JOIN cfg ON cfg.category = m.unit_category
        WHERE s.period_id = %s
        GROUP BY s.ratee_id, s.rater_group
        ORDER BY s.ratee_id, s.rater_group
    """  # noqa: S608  (table names from model metadata; every value is a parameter)
    execute(sql, [*params, period.pk, period.snapshot_id, period.pk])


def quarter_of(period: Period) -> int:
    """The quarter of a quarterly period (only those reach the quarter's steps)."""
    assert period.quarter is not None, "an annual period has no quarter"
    return period.quarter


def _deduction_inputs(
    period: Period, now: datetime
) -> tuple[str, list[SqlValue], str, list[SqlValue], str, list[SqlValue], list[date]]:
    """The quarter's record rules as small tables SQL can join.

    - rr(category, w, log_rate, summary_rate, summary_due, last): per unit category the backfill
      window, the rates in hundredths, whether the quarter's summary is due, and the last working
      day whose window has closed as of `now` (the day before the quarter when none has);
    - closed(w, day): per window the working days whose window has closed (only those can be missing);
    - excluded(w, day): per window the other days from the quarter's start to its last closed day
      (weekends, holidays), so that logs can be counted over a range of days and those taken off.
    The last list is every excluded day, for an index lookup of the logs written on them."""
    year, quarter = period.year, quarter_of(period)
    start, end = quarter_bounds(year, quarter)
    calendar = WorkCalendar.load(start, end)
    table_rows = rules_table(year)
    by_category = {c: table_rows.get(c) or table_rows[""] for c in UnitCategory.values}
    workdays = calendar.workdays(start, min(end, now.date()))
    closed_by_window = {
        window: [day for day in workdays if calendar.deadline_after(day, window) <= now]
        for window in sorted({r.backfill_workdays for r in by_category.values()})
    }
    last_by_window = {w: (days[-1] if days else start - timedelta(days=1)) for w, days in closed_by_window.items()}
    params: list[SqlValue] = []
    for category, rule in by_category.items():
        due = calendar.deadline_after(end, rule.backfill_workdays) <= now
        params += [
            category,
            rule.backfill_workdays,
            cents(rule.missing_log_deduction),
            cents(rule.missing_quarterly_summary_deduction),
            1 if due else 0,
            last_by_window[rule.backfill_workdays],
        ]
    rules_cte = "rr(category, w, log_rate, summary_rate, summary_due, last) AS (VALUES {})".format(
        ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(by_category))
    )
    days: list[SqlValue] = []
    excluded: list[SqlValue] = []
    excluded_days: set[date] = set()
    for window, closed in closed_by_window.items():
        closed_set = set(closed)
        day = start
        while day <= last_by_window[window]:
            if day in closed_set:
                days += [window, day]
            else:
                excluded += [window, day]
                excluded_days.add(day)
            day += timedelta(days=1)
    return (
        rules_cte,
        params,
        _pairs_cte("closed", days),
        days or [0, start],
        _pairs_cte("excluded", excluded),
        excluded or [0, start],
        sorted(excluded_days),
    )


def _pairs_cte(name: str, values: Sequence[SqlValue]) -> str:
    """`name(w, day)` from flat (window, day) values; with none, a table with no rows of that shape."""
    if not values:
        return f"{name}(w, day) AS (SELECT %s, %s WHERE 1 = 0)"
    return f"{name}(w, day) AS (VALUES {', '.join(['(%s, %s)'] * (len(values) // 2))})"


def _quarter_results(period: Period, now: datetime) -> int:
    """Every QuarterlyResult row of the period, written once by one INSERT … SELECT.

    Deductions (as achievements.deductions reports them): a closed working day on or after the
    cadre's records_from, not on leave and without a log, costs the category's log rate; a due
    quarterly summary that is missing costs the summary rate. Each member's logs are counted from
    the (author, day) index alone, over the range from the later of the quarter's start and
    records_from to the last closed day (one index range per member, no join of the log table);
    the logs on the few days in that range that are not closed working days, and on closed days
    of leave, are looked up by day and taken off. Leave days come from the leave rows only.
    Q = Σ w·avg / Σ w over non-empty groups, in exact integer hundredths, half-up: with n_g
    scores summing to s_g per group and m_g = n_g (or 1 for an empty group),
    N = Σ w_g·s_g·Π_{h≠g} m_h, D = (Σ_{non-empty} w_g)·Π m_g and
    round_half_up(100·Q) = ⌊(200·N + D) / (2·D)⌋. Ranks are competition ranks (1, 2, 2, 4)
    among the scored cadres of the unit, the rank level and the unit category.
    """
    start, end = quarter_bounds(period.year, quarter_of(period))
    cfg_cte, cfg_params = config_cte(
        "cfg",
        {
            "wl": lambda s: cents(s.leader_weight),
            "wp": lambda s: cents(s.peer_weight),
            "wo": lambda s: cents(s.other_weight),
        },
        period.year,
    )
    rules_cte, rules_params, days_cte, days_params, excluded_cte, excluded_params, excluded_days = _deduction_inputs(
        period, now
    )
    member, cadre, log = table(SnapshotMember), table(Cadre), table(DailyLog)
    leave, summary = table(LeavePeriod), table(Summary)
    if excluded_days:
        off_days = f"""
            SELECT mem.cadre_id, COUNT(*) AS n
            FROM {log} l
            JOIN excluded ON excluded.day = l.day
            JOIN mem ON mem.cadre_id = l.author_id AND mem.w = excluded.w
            WHERE l.day IN ({", ".join(["%s"] * len(excluded_days))}) AND l.day >= mem.first
            GROUP BY mem.cadre_id"""  # noqa: S608  (a table name from model metadata; values are parameters)
    else:
        off_days = "SELECT cadre_id, 0 AS n FROM mem WHERE 1 = 0"
    sql = f"""
        WITH {cfg_cte}, {rules_cte}, {days_cte}, {excluded_cte},
        mem AS MATERIALIZED (
            SELECT x.*,
                   (SELECT COUNT(*) FROM {log} l
                    WHERE l.author_id = x.cadre_id AND l.day >= x.first AND l.day <= x.last) AS in_range
            FROM (
                SELECT m.cadre_id, m.unit_id, m.unit_category, m.role, m.rank_id, c.records_from AS rf,
                       CASE WHEN c.records_from > %s THEN c.records_from ELSE %s END AS first,
                       rr.w, rr.last, rr.log_rate, rr.summary_rate, rr.summary_due
                FROM {member} m JOIN {cadre} c ON c.id = m.cadre_id JOIN rr ON rr.category = m.unit_category
                WHERE m.snapshot_id = %s
            ) x
        ),
        required AS (
            SELECT x.w, x.rf, COUNT(closed.day) AS n
            FROM (SELECT DISTINCT w, rf FROM mem) x LEFT JOIN closed ON closed.w = x.w AND closed.day >= x.rf
            GROUP BY x.w, x.rf
        ),
        spans AS MATERIALIZED (
            SELECT lp.cadre_id, mem.w, CASE WHEN lp.start > mem.first THEN lp.start ELSE mem.first END AS a,
                   lp."end" AS b
            FROM {leave} lp JOIN mem ON mem.cadre_id = lp.cadre_id
            WHERE lp.start <= %s AND lp."end" >= %s
        ),
        leave_days AS (
            SELECT DISTINCT spans.cadre_id, closed.day
            FROM spans JOIN closed ON closed.w = spans.w AND closed.day >= spans.a AND closed.day <= spans.b
        ),
        on_leave AS (
            SELECT ld.cadre_id, COUNT(*) AS n,
                   SUM(CASE WHEN EXISTS (SELECT 1 FROM {log} l WHERE l.author_id = ld.cadre_id AND l.day = ld.day)
                            THEN 1 ELSE 0 END) AS logged
            FROM leave_days ld GROUP BY ld.cadre_id
        ),
        off_days AS ({off_days}
        ),
        written AS (
            SELECT author_id FROM {summary} WHERE kind = 'quarterly' AND year = %s AND quarter = %s
        ),
        d AS (
            SELECT mem.cadre_id, mem.unit_id, mem.unit_category, mem.role, mem.rank_id, mem.log_rate,
                   mem.summary_rate,
                   required.n - COALESCE(on_leave.n, 0)
                       - (mem.in_range - COALESCE(off_days.n, 0) - COALESCE(on_leave.logged, 0)) AS missing,
                   CASE WHEN mem.summary_due = 1 AND mem.rf <= %s AND written.author_id IS NULL THEN 1 ELSE 0 END
                       AS no_summary
            FROM mem
            JOIN required ON required.w = mem.w AND required.rf = mem.rf
            LEFT JOIN off_days ON off_days.cadre_id = mem.cadre_id
            LEFT JOIN on_leave ON on_leave.cadre_id = mem.cadre_id
            LEFT JOIN written ON written.author_id = mem.cadre_id
        ),
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
            SELECT d.*, g.raters, g.s_lead, g.s_peer, g.s_oth,
                   d.missing * d.log_rate + d.no_summary * d.summary_rate AS ded,
                   CASE WHEN g.n_lead > 0 THEN cfg.wl ELSE 0 END AS el,
                   CASE WHEN g.n_peer > 0 THEN cfg.wp ELSE 0 END AS ep,
                   CASE WHEN g.n_oth > 0 THEN cfg.wo ELSE 0 END AS eo,
                   CASE WHEN g.n_lead > 0 THEN g.n_lead ELSE 1 END AS ml,
                   CASE WHEN g.n_peer > 0 THEN g.n_peer ELSE 1 END AS mp,
                   CASE WHEN g.n_oth > 0 THEN g.n_oth ELSE 1 END AS mo
            FROM d JOIN cfg ON cfg.category = d.unit_category LEFT JOIN g ON g.cadre_id = d.cadre_id
        ),
        f AS (
            SELECT t.*,
                   CAST(el AS BIGINT) * s_lead * mp * mo + CAST(ep AS BIGINT) * s_peer * ml * mo
                       + CAST(eo AS BIGINT) * s_oth * ml * mp AS num,
                   CAST(el + ep + eo AS BIGINT) * ml * mp * mo AS den
            FROM t
        ),
        c AS (
            SELECT f.*, CASE WHEN den > 0 THEN (200 * num + den) / (2 * den) END AS hundredths FROM f
        ),
        s AS MATERIALIZED (
            SELECT c.*, hundredths - ded AS final FROM c
        ),
        ranked AS (
            -- The three rankings sort only what they rank (not whole result rows), then join back.
            SELECT cadre_id,
                   CASE WHEN final IS NOT NULL
                        THEN RANK() OVER (PARTITION BY unit_id, final IS NULL ORDER BY final DESC) END AS in_unit,
                   CASE WHEN final IS NOT NULL THEN COUNT(final) OVER (PARTITION BY unit_id) END AS unit_n,
                   CASE WHEN final IS NOT NULL
                        THEN RANK() OVER (PARTITION BY rank_id, final IS NULL ORDER BY final DESC) END AS in_rank,
                   CASE WHEN final IS NOT NULL THEN COUNT(final) OVER (PARTITION BY rank_id) END AS rank_n,
                   CASE WHEN final IS NOT NULL
                        THEN RANK() OVER (PARTITION BY unit_category, final IS NULL ORDER BY final DESC) END
                       AS in_category,
                   CASE WHEN final IS NOT NULL THEN COUNT(final) OVER (PARTITION BY unit_category) END AS category_n
            FROM (SELECT cadre_id, unit_id, rank_id, unit_category, final FROM s) narrow
        )
        INSERT INTO {table(QuarterlyResult)} (
            period_id, cadre_id, unit_id, unit_category, role, rank_id, rater_count, weighted_score,
            missing_log_days, missing_summary, log_deduction_rate, summary_deduction_rate, deduction, score,
            rank_in_unit, unit_size, rank_in_rank_level, rank_level_size, rank_in_category, category_size)
        SELECT %s, s.cadre_id, unit_id, unit_category, role, rank_id, COALESCE(raters, 0), hundredths / 100.0,
               missing, no_summary = 1, log_rate / 100.0, summary_rate / 100.0, ded / 100.0, final / 100.0,
               in_unit, unit_n, in_rank, rank_n, in_category, category_n
        FROM s JOIN ranked ON ranked.cadre_id = s.cadre_id
    """  # noqa: S608  (table names from model metadata; every value is a parameter)
    params = [
        *cfg_params,
        *rules_params,
        *days_params,
        *excluded_params,
        start,
        start,
        period.snapshot_id,
        end,
        start,
        *excluded_days,
        period.year,
        period.quarter,
        end,
        period.pk,
        period.pk,
    ]
    written = execute(sql, params)
    if written < 0:
        # Python's sqlite3 before 3.12 reports no row count for a statement that starts with WITH.
        written = QuarterlyResult.objects.filter(period=period).count()
    return written
