"""The org-staff card of 任前公示 on the home page."""

from typing import Any

from django import template
from django.utils import timezone

from cadres.access import is_org_staff

from ..selectors import tab_counts

register = template.Library()


@register.inclusion_tag("publicity/_home_cards.html", takes_context=True)
def publicity_home_cards(context: dict) -> dict[str, Any]:
    if not is_org_staff(context["request"].user):
        return {"staff": False}
    return {"staff": True, "counts": tab_counts(timezone.localdate())}
