"""Benchmark group: EXPLAIN (ANALYZE, BUFFERS) of the queries a city's pages and computation run
(inside Django: `python -m bench.explain`). Prints Markdown; everything runs in rolled-back
transactions, so the database is unchanged."""

from __future__ import annotations

import os


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from datetime import date, timedelta

    from django.db import connection, transaction
    from django.db.models import Count
    from django.utils import timezone

    from achievements.models import DailyLog
    from evaluations.models import Period, QuarterlyResult
    from evaluations.selectors import results_queryset
    from evaluations.services import scoring

    period = Period.objects.get(kind="quarterly", state__in=["computed", "published"])
    busiest = QuarterlyResult.objects.filter(period=period).values("unit_id").order_by("-unit_size").first()["unit_id"]
    rank_id = QuarterlyResult.objects.filter(period=period).values("rank_id").order_by("-rank_level_size")[0]["rank_id"]
    cadre_id = QuarterlyResult.objects.filter(period=period, unit_id=busiest).values("cadre_id")[0]["cadre_id"]

    def query_sql(queryset) -> tuple[str, list]:
        sql, params = queryset.query.sql_with_params()
        return sql, list(params)

    captured: list[tuple[str, str, list]] = []
    real_execute = scoring.execute

    def capture(sql: str, params: list) -> int:
        captured.append(("", sql, params))
        return real_execute(sql, params)

    # The computation's two statements, as it sends them (settings included), captured in a rollback.
    with transaction.atomic():
        scoring.execute = capture
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = '64MB'")
                cursor.execute("SET LOCAL enable_memoize = off")
            from evaluations.models import GroupResult

            QuarterlyResult.objects.filter(period=period).delete()
            GroupResult.objects.filter(period=period).delete()
            scoring._group_results(period)
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_nestloop = off")
                cursor.execute("SET LOCAL jit = off")
            scoring._quarter_results(period, timezone.now())
        finally:
            scoring.execute = real_execute
        transaction.set_rollback(True)

    from achievements.deductions import deduction_reports
    from achievements.rules import quarter_bounds
    from cadres.models import Cadre
    from core.paging import PAGE_SIZE

    start, end = quarter_bounds(period.year, period.quarter)

    # The query a unit's deduction figures count logs with (the unit overview), captured.
    counted: list[tuple[str, list]] = []

    def capture_count(execute, sql, params, many, context):
        if "achievements_dailylog" in sql and "COUNT(" in sql:
            counted.append((sql, list(params or [])))
        return execute(sql, params, many, context)

    unit_cadres = Cadre.objects.filter(unit_id=busiest)
    with connection.execute_wrapper(capture_count):
        deduction_reports(cadres=unit_cadres, year=period.year, quarter=period.quarter)
    feed_unit = DailyLog.objects.values("unit_id").order_by().annotate(n=Count("pk")).order_by("-n")[0]["unit_id"]
    week = (end - timedelta(days=6), end)
    items = [
        (
            "Log calendar: one cadre's logs in a month (achievements/selectors.py `log_month`)",
            *query_sql(DailyLog.objects.filter(author_id=cadre_id, day__range=(date(2026, 9, 1), date(2026, 9, 30)))),
            "",
        ),
        (
            "Unit feed: the first page of the busiest unit's logs over a week (`unit_feed`)",
            *query_sql(
                DailyLog.objects.filter(unit_id=feed_unit, day__range=week)
                .select_related("author", "author__rank")
                .order_by("-day", "author__role", "author__code")[:PAGE_SIZE]
            ),
            "",
        ),
        (
            "Deduction count: each member's logs in the quarter, one range of the (author, day) index "
            "per member, as the computation counts them",
            "SELECT m.cadre_id, (SELECT COUNT(*) FROM achievements_dailylog l WHERE l.author_id = m.cadre_id "
            "AND l.day >= CASE WHEN c.records_from > %s THEN c.records_from ELSE %s END AND l.day <= %s) "
            "FROM cadres_snapshotmember m JOIN cadres_cadre c ON c.id = m.cadre_id WHERE m.snapshot_id = %s",
            [start, start, end, period.snapshot_id],
            "c",
        ),
        (
            "Deduction count for one unit's cadres (achievements/deductions.py, the unit overview)",
            *counted[0],
            "",
        ),
        ("Computation, statement 1: group results from the period's scores", captured[0][1], captured[0][2], "w"),
        ("Computation, statement 2: every result row, written once", captured[1][1], captured[1][2], "q"),
        (
            "Ranking table: one unit's results in rank order",
            *query_sql(QuarterlyResult.objects.filter(period=period, unit_id=busiest).order_by("rank_in_unit")),
            "",
        ),
        (
            "Ranking table: one rank level's first page by score (the results page, `results_queryset`)",
            *query_sql(results_queryset(period, {"rank": rank_id})[:50]),
            "",
        ),
    ]
    for title, sql, params, kind in items:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = '64MB'")
                if kind == "c":
                    cursor.execute("SET LOCAL jit = off")  # as the computation's results statement runs
                elif kind:
                    cursor.execute("SET LOCAL enable_memoize = off")  # as the computation runs them
                    from evaluations.models import GroupResult

                    if kind == "w":
                        GroupResult.objects.filter(period=period).delete()
                    QuarterlyResult.objects.filter(period=period).delete()
                if kind == "q":
                    cursor.execute("SET LOCAL enable_nestloop = off")
                    cursor.execute("SET LOCAL jit = off")
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            transaction.set_rollback(True)
        print(f"### {title}\n\n```\n{plan}\n```\n")


if __name__ == "__main__":
    main()
