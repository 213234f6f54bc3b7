"""Benchmark group: a quarter's computation against its floor, one hand-written SQL statement and a
naive per-cadre ORM loop, side by side in each round (run inside Django: `python -m bench.computation`).

Every round runs the four in turn in one process on one connection, with the same session settings
(work_mem as the computation sets it), so each ratio compares figures taken a few seconds apart.
The database is a copy of the size's template after the box was opened and the quarter computed
once: the timed computation is a recompute (box already open), as when staff compute again.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from pathlib import Path

SQL = Path(__file__).resolve().parent / "sql"


def psql_vars(period) -> dict[str, str]:
    """The values floor.sql and full.sql take, for the generated organization's period."""
    from django.utils import timezone

    from achievements.rules import WorkCalendar, quarter_bounds, rules_table
    from evaluations import rules
    from evaluations.services.scoring import cents

    start, end = quarter_bounds(period.year, period.quarter)
    rule = rules_table(period.year)[""]
    settings = rules.settings_for(period.year)
    calendar = WorkCalendar.load(start, end)
    now = timezone.now()
    closed = [
        d
        for d in calendar.workdays(start, min(end, now.date()))
        if calendar.deadline_after(d, rule.backfill_workdays) <= now
    ]
    return {
        "period": str(period.pk),
        "snapshot": str(period.snapshot_id),
        "start": start.isoformat(),
        "end": end.isoformat(),
        "closed": "{" + ",".join(d.isoformat() for d in closed) + "}",
        "wl": str(cents(settings.leader_weight)),
        "wp": str(cents(settings.peer_weight)),
        "wo": str(cents(settings.other_weight)),
        "drop_on": "1" if settings.drop_extremes else "0",
        "drop_min": str(settings.drop_extremes_min_raters),
        "log_rate": str(cents(rule.missing_log_deduction)),
        "summary_rate": str(cents(rule.missing_quarterly_summary_deduction)),
        "summary_due": "1" if calendar.deadline_after(end, rule.backfill_workdays) <= now else "0",
        "year": str(period.year),
        "quarter": str(period.quarter),
    }


def substitute(sql: str, values: dict[str, str]) -> list[str]:
    """psql variables (:name, :'name') replaced as psql would, then split into statements."""
    lines = [line for line in sql.splitlines() if not line.lstrip().startswith("--")]
    text = "\n".join(lines)
    for name in sorted(values, key=len, reverse=True):
        text = text.replace(f":'{name}'", "'" + values[name].replace("'", "''") + "'")
        text = text.replace(f":{name}", values[name])
    return [s.strip() for s in text.split(";") if s.strip()]


class Clock:
    """Wall seconds, and CPU seconds of this process plus its PostgreSQL backend (from /proc, so
    only with the server on this machine; parallel workers' CPU is not counted). On a loaded,
    shared machine the CPU seconds vary far less than the wall clock."""

    def __init__(self, connection):
        self.connection = connection
        self.tick = os.sysconf("SC_CLK_TCK")

    def backend(self) -> float:
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        return (int(fields[11]) + int(fields[12])) / self.tick

    def now(self) -> tuple[float, float]:
        return time.perf_counter(), time.process_time() + self.backend()

    def since(self, start: tuple[float, float], scale: float = 1.0) -> tuple[float, float]:
        wall, cpu = self.now()
        return (wall - start[0]) * scale, (cpu - start[1]) * scale


def timed_sql(cursor, statements: list[str], clock: Clock) -> tuple[float, float]:
    started = clock.now()
    for statement in statements:
        cursor.execute(statement)
    return clock.since(started)


COMPARED = (
    "cadre_id, rater_count, weighted_score, missing_log_days, missing_summary, deduction, score, "
    "rank_in_unit, unit_size, rank_in_rank_level, rank_level_size, rank_in_category, category_size"
)


def same_results(cursor, period_id: int) -> bool:
    cursor.execute(
        f"""SELECT (SELECT COUNT(*) FROM (SELECT {COMPARED} FROM full_result
                    EXCEPT SELECT {COMPARED} FROM evaluations_quarterlyresult WHERE period_id = %s) a),
                   (SELECT COUNT(*) FROM (SELECT {COMPARED} FROM evaluations_quarterlyresult WHERE period_id = %s
                    EXCEPT SELECT {COMPARED} FROM full_result) b),
                   (SELECT COUNT(*) FROM full_result),
                   (SELECT COUNT(*) FROM evaluations_quarterlyresult WHERE period_id = %s)""",
        [period_id, period_id, period_id],
    )
    extra, missing, ours, theirs = cursor.fetchone()
    return extra == 0 and missing == 0 and ours == theirs


def naive_loop(period, cadre_ids: list[int]) -> None:
    """What a computation written cadre by cadre with the ORM does: per cadre the snapshot row, the
    settings, one aggregate per rater group, the deduction report and a saved result; then the
    ranks in Python, saved row by row. Run inside a transaction that is rolled back."""
    from achievements.deductions import deduction_reports
    from cadres.models import Cadre, SnapshotMember
    from evaluations import rules
    from evaluations.models import RATER_GROUPS, QuarterlyResult, RateeScores

    rows = []
    for cadre_id in cadre_ids:
        member = SnapshotMember.objects.get(snapshot_id=period.snapshot_id, cadre_id=cadre_id)
        settings = rules.settings_for(period.year, member.unit_category)
        groups = {}
        raters = 0
        for group in RATER_GROUPS:
            values = [
                v
                for scores in RateeScores.objects.filter(
                    period=period, ratee_id=cadre_id, rater_group=group
                ).values_list("scores", flat=True)
                for v in scores
            ]
            raters += len(values)
            groups[group] = rules.used_scores(
                len(values), sum(values), min(values, default=0), max(values, default=0), settings
            )
        weighted = rules.weighted_score(groups, rules.group_weights(settings))
        report = deduction_reports(
            cadres=Cadre.objects.filter(pk=cadre_id),
            year=period.year,
            quarter=period.quarter,
            categories={cadre_id: member.unit_category},
        )[cadre_id]
        row = QuarterlyResult(
            period=period,
            cadre_id=cadre_id,
            unit_id=member.unit_id,
            unit_category=member.unit_category,
            role=member.role,
            rank_id=member.rank_id,
            rater_count=raters,
            weighted_score=weighted,
            missing_log_days=report.missing_day_count,
            missing_summary=bool(report.missing_quarterly_summaries),
            deduction=report.quarterly_deduction,
            score=None if weighted is None else weighted - report.quarterly_deduction,
        )
        row.save()
        rows.append(row)
    scored = [r for r in rows if r.score is not None]
    for key, rank_field, size_field in (
        ("unit_id", "rank_in_unit", "unit_size"),
        ("rank_id", "rank_in_rank_level", "rank_level_size"),
        ("unit_category", "rank_in_category", "category_size"),
    ):
        by: dict = {}
        for r in scored:
            by.setdefault(getattr(r, key), []).append(r)
        for members in by.values():
            for r, rank in zip(members, rules.competition_ranks([m.score for m in members]), strict=True):
                setattr(r, rank_field, rank)
                setattr(r, size_field, len(members))
    for r in scored:
        r.save(
            update_fields=[
                "rank_in_unit",
                "unit_size",
                "rank_in_rank_level",
                "rank_level_size",
                "rank_in_category",
                "category_size",
            ]
        )


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import connection, transaction

    from cadres.models import SnapshotMember
    from evaluations.models import Period, PeriodState
    from evaluations.services import scoring

    runs, sample = int(sys.argv[1]), int(sys.argv[2])
    period = Period.objects.get(state__in=[PeriodState.COMPUTED, PeriodState.PUBLISHED], kind="quarterly")
    values = psql_vars(period)
    floor = substitute((SQL / "floor.sql").read_text(), values)
    full = substitute((SQL / "full.sql").read_text(), values)
    members = list(SnapshotMember.objects.filter(snapshot_id=period.snapshot_id).values_list("cadre_id", flat=True))
    size = len(members)
    sample_ids = random.Random(1).sample(members, min(sample, size))
    out = {"cadres": size, "sample": len(sample_ids), "vars": values, "rounds": []}

    def vacuum() -> None:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE evaluations_quarterlyresult, evaluations_groupresult")

    clock = Clock(connection)

    def in_rollback(work, *, computation_settings: bool = True) -> tuple[float, float]:
        with transaction.atomic():
            with connection.cursor() as cursor:
                if computation_settings:
                    # The session settings the computation's results statement runs with.
                    cursor.execute("SET LOCAL work_mem = '64MB'")
                    cursor.execute("SET LOCAL enable_nestloop = off")
                    cursor.execute("SET LOCAL jit = off")
                seconds = work(cursor)
            transaction.set_rollback(True)
        return seconds

    def computation() -> tuple[float, float]:
        run = scoring.computation_request(period=period, queue=False)
        started = clock.now()
        run = scoring.computation_execute(run_id=run.pk)
        seconds = clock.since(started)
        assert run.status == "succeeded", run.error
        return seconds

    def naive() -> tuple[float, float]:
        def work(cursor) -> tuple[float, float]:
            from evaluations.models import QuarterlyResult

            QuarterlyResult.objects.filter(period=period).delete()
            started = clock.now()
            naive_loop(period, sample_ids)
            return clock.since(started, size / len(sample_ids))

        # The ORM loop runs with the server's own settings (its per-cadre lookups want nested loops).
        return in_rollback(work, computation_settings=False)

    checked = {}

    def full_sql(cursor) -> tuple[float, float]:
        seconds = timed_sql(cursor, full, clock)
        checked.setdefault("identical", same_results(cursor, period.pk))
        return seconds

    order = ["floor", "full", "computation", "naive"]
    for number in range(runs):
        figures = {}
        for name in order[number % 4 :] + order[: number % 4]:  # rotate, so drift hits each alike
            if name == "floor":
                wall, cpu = in_rollback(lambda cursor: timed_sql(cursor, floor, clock))
            elif name == "full":
                wall, cpu = in_rollback(full_sql)
            elif name == "computation":
                vacuum()
                wall, cpu = computation()
            else:
                wall, cpu = naive()
            figures[name], figures[f"{name}_cpu"] = wall, cpu
        out["rounds"].append(figures)
        print(json.dumps({"round": number + 1, **figures}), file=sys.stderr, flush=True)
    out["identical"] = checked.get("identical")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
