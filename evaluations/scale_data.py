"""A city-sized organization for benchmarks: `manage.py generate_scale_data --cadres N`.

Everything is written set-based or in fixed-size batches, so the generator's memory does not grow
with N: units and cadres in batches of one unit at a time, evaluator scopes, daily logs, summaries,
leave and last year's results with INSERT … SELECT inside PostgreSQL (random() under setseed, so a
seed gives the same data), the period through the real opening service and the ballots through the
real sealing path (fill_ballots: sealed sheets in each unit's box, as the ballot box expects).
ANALYZE runs at the end. PostgreSQL only.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from achievements.models import DailyLog, LeavePeriod, Summary
from achievements.rules import WorkCalendar, quarter_bounds
from cadres.models import Cadre, Gender, RankLevel, Unit, UnitCategory, UnitRole

from .models import AnnualResult, EvaluatorScope, PeriodKind

PREFIX = "规模"
SHAPES = [  # category, share of the cadres, typical unit size
    (UnitCategory.TOWNSHIP, 0.36, 60),
    (UnitCategory.DISTRICT_DEPARTMENT, 0.45, 25),
    (UnitCategory.SUBORDINATE, 0.19, 9),
]
LOG_TEXTS = [
    "上午参加镇党委会研究秋冬季森林防火工作，下午到青石村督查高标准农田建设进度。",
    "走访辖区企业三家，了解用工和融资需求，协调解决供电线路迁改问题。",
    "整理季度项目台账，核对资金拨付进度，起草专题汇报材料。",
    "参加全区安全生产大检查，对两处隐患点下达整改通知并跟踪落实。",
    "接待来访群众五批次，现场答复政策咨询，对两件诉求转交相关部门办理。",
    "组织支部主题党日活动，讲授专题党课，开展志愿服务。",
]

Say = Callable[[str], None]


def _table(model: type) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _sql(sql: str, params: list | tuple = ()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def prefix_taken() -> bool:
    return Unit.objects.filter(name__startswith=PREFIX).exists()


# --- Organization ------------------------------------------------------------------------------


def _unit_plans(total: int, rng: random.Random) -> Iterator[tuple[str, int]]:
    """(category, cadre count) of each unit, in order: townships, departments, subordinate units."""
    for category, share, size in SHAPES:
        budget = int(total * share)
        while budget > 0:
            n = max(3, min(budget, int(rng.gauss(size, size / 4))))
            budget -= n
            yield category, n


@transaction.atomic
def build_organization(*, cadres: int, seed: int = 1) -> tuple[int, int]:
    """Units and cadres (codes G000001…), one unit's cadres in memory at a time; then evaluator
    scopes set-based: every principal leader has the parent's (or the district's) principal
    leader as superior, units under 8 cadres have up to 10 staff of their parent as externals."""
    rng = random.Random(seed)
    ranks = {r.name: r.pk for r in RankLevel.objects.all()}
    missing = {"正科级", "副科级", "一般干部"} - set(ranks)
    if missing:
        raise ValueError("缺少默认职级：" + "、".join(sorted(missing)))
    sequence = 0

    def people(unit: Unit, n: int) -> list[Cadre]:
        nonlocal sequence
        team = max(1, min(5, n // 6)) if n > 2 else 1
        roles = [(UnitRole.MAIN_LEADER, "正科级" if n > 12 else "副科级")]
        roles += [(UnitRole.TEAM_MEMBER, "副科级")] * team
        roles += [(UnitRole.STAFF, "一般干部")] * (n - team - 1)
        out = []
        for role, rank in roles:
            sequence += 1
            out.append(
                Cadre(
                    code=f"G{sequence:06d}",
                    name=f"测试{sequence}",
                    gender=Gender.MALE if rng.random() < 0.6 else Gender.FEMALE,
                    birth_date=date(rng.randint(1966, 1998), rng.randint(1, 12), rng.randint(1, 28)),
                    rank_id=ranks[rank],
                    role=role,
                    unit=unit,
                    # A few joined this year: their records start later (fewer required days).
                    records_from=date(2000, 1, 1) if rng.random() > 0.02 else date(2026, rng.randint(1, 9), 1),
                )
            )
        return out

    org = Unit.objects.create(name=f"{PREFIX}区委", category=UnitCategory.DISTRICT_DEPARTMENT)
    batch: list[Cadre] = people(org, 2)
    departments: list[int] = []
    units = 1
    plans = list(_unit_plans(cadres, rng))  # a (category, size) pair per unit: 2,500 for a city
    created: list[Unit] = []
    for first in (True, False):  # subordinate units after the departments they hang under
        todo = [
            (number, category, n)
            for number, (category, n) in enumerate(plans, start=1)
            if (category != UnitCategory.SUBORDINATE) == first
        ]
        rows = [
            Unit(
                name=f"{PREFIX}{number:05d}",
                category=category,
                parent_id=rng.choice(departments) if not first and departments else None,
                sort_order=number,
            )
            for number, category, _n in todo
        ]
        created = Unit.objects.bulk_create(rows, batch_size=1000)
        departments += [u.pk for u in created if u.category == UnitCategory.DISTRICT_DEPARTMENT]
        for unit, (_number, _category, n) in zip(created, todo, strict=True):
            batch += people(unit, n)
            units += 1
            if len(batch) >= 5000:
                Cadre.objects.bulk_create(batch)
                batch = []
    Cadre.objects.bulk_create(batch)

    scope, cadre, unit = _table(EvaluatorScope), _table(Cadre), _table(Unit)
    _sql(
        f"""INSERT INTO {scope} (unit_id, note, updated_at)
            SELECT id, '规模测试', now() FROM {unit} WHERE name LIKE %s AND id <> %s""",  # noqa: S608
        [f"{PREFIX}%", org.pk],
    )
    superiors = _table(EvaluatorScope.superior_evaluators.through)
    _sql(
        f"""INSERT INTO {superiors} (evaluatorscope_id, cadre_id)
            SELECT s.id, c.id FROM {scope} s JOIN {unit} u ON u.id = s.unit_id
            JOIN {cadre} c ON c.unit_id = COALESCE(u.parent_id, %s) AND c.role = 'main_leader'
            WHERE s.note = '规模测试'""",  # noqa: S608
        [org.pk],
    )
    externals = _table(EvaluatorScope.external_evaluators.through)
    _sql(
        f"""INSERT INTO {externals} (evaluatorscope_id, cadre_id)
            SELECT id, cadre_id FROM (
                SELECT s.id, c.id AS cadre_id, ROW_NUMBER() OVER (PARTITION BY s.id ORDER BY c.code) AS n
                FROM {scope} s JOIN {unit} u ON u.id = s.unit_id
                JOIN {cadre} c ON c.unit_id = u.parent_id AND c.role = 'staff'
                WHERE s.note = '规模测试' AND (SELECT COUNT(*) FROM {cadre} m WHERE m.unit_id = u.id) < 8
            ) x WHERE n <= 10""",  # noqa: S608
    )
    return units, sequence


# --- Records -----------------------------------------------------------------------------------


def build_records(*, year: int, quarter: int, seed: int = 1) -> dict[str, int]:
    """Leave, daily logs with gaps and quarterly summaries of the generated cadres for a quarter.

    Each cadre has a diligence: most log nearly every working day, some miss a day here and
    there, a few miss a run of days or most of the quarter. Logs fall on working days only, and
    mostly not on leave days.
    """
    start, end = quarter_bounds(year, quarter)
    workdays = WorkCalendar.load(start, end).workdays(start, end)
    cadre, log, leave, summary = _table(Cadre), _table(DailyLog), _table(LeavePeriod), _table(Summary)
    counts = {}
    with transaction.atomic():
        _sql("SELECT setseed(%s)", [((seed * 7919) % 1000) / 1000.0])
        counts["leave"] = _sql(
            f"""INSERT INTO {leave} (cadre_id, start, "end", kind, note, created_at)
                SELECT id, d, d + (3 + floor(random() * 12))::int, 'leave', '规模测试', now()
                FROM (SELECT id, %s::date + floor(random() * 70)::int AS d FROM {cadre}
                      WHERE code LIKE 'G%%' AND random() < 0.03) x""",  # noqa: S608
            [start],
        )
        # Diligence per cadre: 75% log 97–100% of days, 20% 85–97%, 5% 30–80%; 4% also miss a
        # run of 5–15 consecutive working days.
        counts["logs"] = _sql(
            f"""WITH c AS (
                    SELECT id, unit_id,
                           CASE WHEN r < 0.75 THEN 0.97 + random() * 0.03
                                WHEN r < 0.95 THEN 0.85 + random() * 0.12
                                ELSE 0.30 + random() * 0.50 END AS diligence,
                           CASE WHEN random() < 0.04 THEN floor(random() * 50)::int ELSE -100 END AS gap_from,
                           5 + floor(random() * 10)::int AS gap_len
                    FROM (SELECT id, unit_id, random() AS r FROM {cadre} WHERE code LIKE 'G%%') x
                ),
                w AS (SELECT day, (ROW_NUMBER() OVER (ORDER BY day))::int - 1 AS n FROM unnest(%s::date[]) AS day),
                texts AS (SELECT %s::text[] AS t)
                INSERT INTO {log} (author_id, unit_id, day, text, created_at, updated_at)
                SELECT c.id, c.unit_id, w.day, texts.t[1 + floor(random() * cardinality(texts.t))::int],
                       w.day + time '18:30', w.day + time '18:30'
                FROM c CROSS JOIN w CROSS JOIN texts
                WHERE random() < c.diligence AND NOT (w.n >= c.gap_from AND w.n < c.gap_from + c.gap_len)
                  AND NOT EXISTS (SELECT 1 FROM {leave} l WHERE l.cadre_id = c.id AND w.day BETWEEN l.start AND l."end"
                                  AND random() < 0.9)""",  # noqa: S608
            [workdays, LOG_TEXTS],
        )
        counts["summaries"] = _sql(
            f"""INSERT INTO {summary} (author_id, unit_id, kind, year, quarter, text, created_at, updated_at)
                SELECT id, unit_id, 'quarterly', %s, %s, %s, now(), now()
                FROM {cadre} WHERE code LIKE 'G%%' AND random() < 0.93""",  # noqa: S608
            [year, quarter, "".join(LOG_TEXTS)],
        )
    return counts


def build_last_year(*, year: int, seed: int = 1) -> int:
    """Last year's published annual results, ranked in SQL, for the annual views and the dossiers."""
    cadre, unit, result = _table(Cadre), _table(Unit), _table(AnnualResult)
    with transaction.atomic():
        _sql("SELECT setseed(%s)", [((seed * 104729) % 1000) / 1000.0])
        return _sql(
            f"""WITH s AS (
                    SELECT c.id, c.unit_id, u.category, c.role, c.rank_id,
                           round((80 + random() * 15)::numeric, 2) AS d,
                           round((82 + random() * 12)::numeric, 2) AS u_score,
                           round((78 + random() * 18)::numeric, 2) AS q
                    FROM {cadre} c JOIN {unit} u ON u.id = c.unit_id WHERE c.code LIKE 'G%%'
                ),
                a AS (
                    SELECT *, round(CASE WHEN role = 'main_leader' THEN 0.1 * d + 0.3 * u_score + 0.6 * q
                                         ELSE 0.1 * d + 0.2 * u_score + 0.7 * q END, 2) AS score FROM s
                ),
                r AS (
                    SELECT *, RANK() OVER (PARTITION BY unit_id ORDER BY score DESC) AS ru,
                           COUNT(*) OVER (PARTITION BY unit_id) AS us,
                           RANK() OVER (PARTITION BY rank_id ORDER BY score DESC) AS rr,
                           COUNT(*) OVER (PARTITION BY rank_id) AS rs
                    FROM a
                )
                INSERT INTO {result} (cadre_id, year, unit_id, unit_category, role, rank_id, democratic_score,
                    unit_score, quarterly_mean, annual_score, rank_in_unit, unit_size, rank_in_rank_level,
                    rank_level_size, proposed_grade, grade, is_published, computed_at, democratic_raw,
                    democratic_rater_count, democratic_deduction, quarter_count, democratic_weight, unit_weight,
                    quarterly_weight, quota_tie)
                SELECT id, %s, unit_id, category, role, rank_id, d, u_score, q, score, ru, us, rr, rs,
                       g, g, TRUE, %s, d, 20, 0, 4, 10,
                       CASE WHEN role = 'main_leader' THEN 30 ELSE 20 END,
                       CASE WHEN role = 'main_leader' THEN 60 ELSE 70 END, FALSE
                FROM (SELECT *, CASE WHEN ru * 5 <= us THEN 'excellent' WHEN ru < us OR us < 5 THEN 'competent'
                                     ELSE 'basic' END AS g FROM r) x""",  # noqa: S608
            [year, timezone.now()],
        )


def analyze() -> None:
    """VACUUM ANALYZE: statistics for the planner, and the visibility map index-only scans need
    (autovacuum may be off or behind after a bulk load)."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def period_kind() -> str:
    return PeriodKind.QUARTERLY


def timed(say: Say, label: str, work: Callable[[], object]) -> object:
    started = time.perf_counter()
    result = work()
    say(f"{label}: {time.perf_counter() - started:.1f} s")
    return result
