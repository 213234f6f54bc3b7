"""Figures the results page shows, stored when they change instead of recomputed per view.

- `UnitCompletion`: sheets and submitted sheets per rated unit, written when a period opens and
  refreshed for the unit of each submission (and after bulk loads), set-based;
- `ScoreDistribution`: the quarter's score histogram for all results and per unit category,
  written by the computation in its transaction.
"""

from __future__ import annotations

from collections import Counter

from django.db import connection
from django.db.models import Count, F
from django.db.models.functions import Floor

from cadres.models import UnitCategory

from .. import page_cache, rules
from ..models import (
    Period,
    QuarterlyResult,
    ScoreDistribution,
    SheetAssignment,
    SheetSubmission,
    UnitCompletion,
)


def completion_refresh(*, period: Period, unit_id: int | None = None) -> None:
    """Count a period's sheets and submissions per unit again (one unit, or all), in two statements:
    after the opening and after bulk loads, never concurrently with submissions."""
    quote = connection.ops.quote_name
    rows = UnitCompletion.objects.filter(period=period)
    where, params = "a.period_id = %s", [period.pk]
    if unit_id is not None:
        rows = rows.filter(unit_id=unit_id)
        where, params = where + " AND a.unit_id = %s", [*params, unit_id]
    rows._raw_delete(rows.db)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {quote(UnitCompletion._meta.db_table)} (period_id, unit_id, sheets, submitted)
                SELECT a.period_id, a.unit_id, COUNT(*), COUNT(s.id)
                FROM {quote(SheetAssignment._meta.db_table)} a
                LEFT JOIN {quote(SheetSubmission._meta.db_table)} s ON s.assignment_id = a.id
                WHERE {where}
                GROUP BY a.period_id, a.unit_id""",  # noqa: S608  (table names from model metadata)
            params,
        )
    page_cache.invalidate()


def completion_count_submission(*, period_id: int, unit_id: int) -> None:
    """One more submitted sheet for a unit, in the submission's transaction. An increment, not a
    recount: two submissions for one unit at once each add their own (the row lock orders them)."""
    UnitCompletion.objects.filter(period_id=period_id, unit_id=unit_id).update(submitted=F("submitted") + 1)
    page_cache.invalidate()


def distribution_store(*, period: Period) -> None:
    """Store the quarter's histogram for all results and for each unit category (the computation):
    one GROUP BY (category, bin) over the period's results, summed for the whole period."""
    from ..selectors import score_histogram  # the page's own histogram, for the finer filters

    found: dict[str, Counter[int]] = {category: Counter() for category in ["", *UnitCategory.values]}
    for row in (
        QuarterlyResult.objects.filter(period=period, score__isnull=False)
        .order_by()
        .values("unit_category", b=Floor(F("score") / 2))
        .annotate(n=Count("pk"))
    ):
        start = int(row["b"]) * 2
        found.setdefault(row["unit_category"], Counter())[start] += row["n"]
        found[""][start] += row["n"]
    ScoreDistribution.objects.filter(period=period).delete()
    ScoreDistribution.objects.bulk_create(
        ScoreDistribution(
            period=period,
            category=category,
            **score_histogram(dict(found[category]), rules.settings_for(period.year, category)),
        )
        for category in ["", *UnitCategory.values]
    )
