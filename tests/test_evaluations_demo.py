"""The demo data of the evaluations app: every page has something to show; running it twice changes nothing."""

from datetime import date

import pytest
from django.db.models import Count

from cadres import demo as cadres_demo
from evaluations import demo
from evaluations.models import (
    AnnualResult,
    FollowUp,
    GradeChange,
    Period,
    PeriodKind,
    PeriodState,
    QuarterlyResult,
    RateeScores,
    SheetAssignment,
    SheetDraft,
    SheetQuality,
    SheetSubmission,
)

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 22)


def counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (Period, SheetAssignment, SheetSubmission, RateeScores, QuarterlyResult, AnnualResult, FollowUp)
    }


def test_demo_shows_every_state_and_is_idempotent():
    cadres_demo.seed(TODAY)
    demo.seed(TODAY)
    first = counts()
    cadres_demo.seed(TODAY)
    demo.seed(TODAY)
    assert counts() == first

    states = dict(Period.objects.filter(kind=PeriodKind.QUARTERLY).values_list("quarter", "state").filter(year=2026))
    assert states == {1: PeriodState.PUBLISHED, 2: PeriodState.PUBLISHED, 3: PeriodState.OPEN}
    assert Period.objects.filter(year=2025, state=PeriodState.PUBLISHED).count() == 5  # four quarters and the year
    open_period = Period.objects.get(year=2026, quarter=3)
    done = SheetSubmission.objects.filter(assignment__period=open_period).count()
    total = SheetAssignment.objects.filter(period=open_period).count()
    assert 0.4 < done / total < 0.8  # partial completion
    assert not SheetSubmission.objects.filter(assignment__period=open_period, assignment__rater__code="QSZ008").exists()
    assert SheetDraft.objects.filter(assignment__rater__code="QSZ008").exists()

    assert QuarterlyResult.objects.filter(period__year=2026, period__quarter=2, score__isnull=False).count() > 80
    assert SheetQuality.objects.filter(is_flat=True).exists() and SheetQuality.objects.filter(is_outlier=True).exists()
    by_year = dict(AnnualResult.objects.filter(is_published=True).values_list("year").annotate(n=Count("pk")))
    assert set(by_year) == {2023, 2024, 2025} and min(by_year.values()) > 80
    assert GradeChange.objects.count() == 2
    kinds = set(FollowUp.objects.filter(year=2025).values_list("kind", flat=True))
    assert kinds == {"reminder_talk", "admonition_talk", "organizational"}
