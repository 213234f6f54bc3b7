"""Pieces the shared pages include: home-page cards and the results section of a cadre's profile."""

from typing import Any

from django import template

from cadres.access import cadre_of, is_org_staff

from ..models import AnnualResult, PeriodState, QuarterlyResult
from ..selectors import pending_sheet_count, periods

register = template.Library()


@register.inclusion_tag("evaluations/_home_cards.html", takes_context=True)
def evaluation_home_cards(context: dict) -> dict[str, Any]:
    user = context["request"].user
    cadre = cadre_of(user)
    data: dict[str, Any] = {"pending": pending_sheet_count(cadre) if cadre else None}
    if is_org_staff(user):
        data["active_periods"] = list(periods().exclude(state=PeriodState.PUBLISHED)[:3])
    return data


@register.inclusion_tag("evaluations/_profile_results.html", takes_context=True)
def evaluation_profile_results(context: dict, cadre: Any) -> dict[str, Any]:
    """Staff see a cadre's recent results; the cadre sees their own published ones; nobody else."""
    user = context["request"].user
    staff = is_org_staff(user)
    own = cadre_of(user)
    if not staff and not (own and own.pk == cadre.pk):
        return {"show": False}
    quarterly = QuarterlyResult.objects.filter(cadre=cadre).select_related("period")
    annual = AnnualResult.objects.filter(cadre=cadre).select_related("period")
    if not staff:
        quarterly = quarterly.filter(period__state=PeriodState.PUBLISHED)
        annual = annual.published()
    else:
        quarterly = quarterly.filter(period__state__in=[PeriodState.COMPUTED, PeriodState.PUBLISHED])
    return {
        "show": True,
        "staff": staff,
        "cadre": cadre,
        "quarterly": list(quarterly.order_by("-period__year", "-period__quarter")[:4]),
        "annual": list(annual.order_by("-year")[:3]),
    }
