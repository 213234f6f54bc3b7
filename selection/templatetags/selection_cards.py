"""The home-page card of selection work: a cadre's ballots waiting; org staff's open selections."""

from typing import Any

from django import template

from cadres.access import cadre_of, is_org_staff

from ..selectors import pending_ballots, selection_list

register = template.Library()


@register.inclusion_tag("selection/_home_cards.html", takes_context=True)
def selection_home_cards(context: dict) -> dict[str, Any]:
    user = context["request"].user
    cadre = cadre_of(user)
    pending = pending_ballots(cadre) if cadre else []
    data: dict[str, Any] = {"pending": len(pending)}
    if is_org_staff(user):
        data["open_count"] = selection_list().exclude(state__in=["candidates", "cancelled"]).count()
    return data
