"""Who may see what in 考实绩 / 用实绩, built on cadres.access.

- Org staff (and admins) manage periods and see results, rankings and completion — never which
  rater gave which score: no page, API or export has that to show.
- A rater sees and fills only their own sheets.
- A cadre sees their own results once the period is published, with their explanation.
Outside scope answers 404, like something that does not exist.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Exists, F, OuterRef
from django.http import Http404

from cadres.access import cadre_of, get_object_or_404_in, is_org_staff
from cadres.types import Actor
from core.prepared import PreparedGet

from .models import AnnualResult, Period, PeriodState, QuarterlyResult, SheetAssignment, SheetSubmission

_PERIOD = PreparedGet(lambda pk: Period.objects.select_related("snapshot").filter(pk=pk), arity=1)


def get_period(pk: int | str) -> Period:
    try:
        return _PERIOD.get(pk)
    except (ObjectDoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def get_period_for_receipts(actor: Actor, pk: int | str) -> Period:
    """The receipt list of an opened box: for org staff and for the period's raters."""
    period = get_period(pk)
    cadre = cadre_of(actor)
    is_rater = cadre is not None and SheetAssignment.objects.filter(period=period, rater=cadre).exists()
    if not (is_org_staff(actor) or is_rater):
        raise Http404
    return period


# With whether it was submitted and its sealed draft, which the sheet page reads next: one query,
# compiled once per process (core/prepared.py).
_RATERS_SHEET = PreparedGet(
    lambda pk, rater: (
        SheetAssignment.objects.select_related("period", "unit")
        .annotate(
            is_submitted=Exists(SheetSubmission.objects.filter(assignment=OuterRef("pk"))),
            draft_sealed=F("draft__sealed"),
            draft_saved_at=F("draft__saved_at"),
        )
        .filter(pk=pk, rater_id=rater)
    ),
    arity=2,
)


def get_assignment_for_rater(actor: Actor, pk: int | str) -> SheetAssignment:
    """A sheet the user was assigned as a rater; anybody else's sheet is 404, staff included."""
    cadre = cadre_of(actor)
    if cadre is None:
        raise Http404
    try:
        return _RATERS_SHEET.get(pk, cadre.pk)
    except (ObjectDoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def get_own_quarterly_result(actor: Actor, period_pk: int | str) -> QuarterlyResult:
    cadre = cadre_of(actor)
    if cadre is None:
        raise Http404
    found: QuarterlyResult = get_object_or_404_in(
        QuarterlyResult.objects.select_related("period", "unit", "rank", "cadre"),
        period_id=period_pk,
        cadre=cadre,
        period__state=PeriodState.PUBLISHED,
    )
    return found


def get_annual_result_for_user(actor: Actor, pk: int | str) -> AnnualResult:
    """Org staff any annual result; a cadre their own once it is published."""
    queryset = AnnualResult.objects.select_related("cadre", "unit", "rank", "period", "grade_confirmed_by")
    if is_org_staff(actor):
        found: AnnualResult = get_object_or_404_in(queryset, pk=pk)
        return found
    cadre = cadre_of(actor)
    if cadre is None:
        raise Http404
    own: AnnualResult = get_object_or_404_in(queryset.published(), pk=pk, cadre=cadre)
    return own
