"""Selection's panel on the cadre profile (cadres' template loads it; cadres' Python never imports
selection): the cadre's 任职试用期. Whoever may open the profile sees the periods; the review notes
and the link to the review page are for org staff."""

from __future__ import annotations

from typing import Any

from django import template

from cadres.access import is_org_staff

from ..probation_selectors import cadre_probations

register = template.Library()


@register.inclusion_tag("selection/_probation_panel.html", takes_context=True)
def selection_profile_probation(context: Any, cadre: Any) -> dict[str, Any]:
    return {"probations": cadre_probations(cadre.pk), "staff": is_org_staff(context["request"].user)}
