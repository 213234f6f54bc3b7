"""Supervision's panels on lower apps' pages (profile, archive, notice gate, selection).

The lower apps' templates load these tags; their Python never imports supervision. Each panel
checks the viewer itself: reports and supervision information only for org and discipline staff.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from .. import access, selectors
from ..models import RewardSanction

register = template.Library()


def _viewer(context: Any) -> Any:
    return context["request"].user


@register.inclusion_tag("supervision/_panel.html", takes_context=True)
def supervision_profile(context: Any, cadre: Any) -> dict[str, Any]:
    user = _viewer(context)
    staff = access.is_supervision_staff(user)
    return {
        "staff": staff,
        "panel_id": "supervision-profile",
        "rows": selectors.supervision_rows([cadre], timezone.localdate()) if staff else [],
        "records": selectors.cadre_records(cadre.pk) if access.may_see_records(user, cadre) else None,
        "cadre": cadre,
    }


@register.inclusion_tag("supervision/_archive.html")
def supervision_archive(cadre: Any, year: int, viewer: Any, pdf: bool = False) -> dict[str, Any]:
    """The year's rewards and sanctions in the archive page and the PDF dossier (same access as results)."""
    if viewer is None or not access.may_see_records(viewer, cadre):
        return {"records": None}
    records = list(RewardSanction.objects.filter(cadre=cadre, date__year=year).order_by("date", "pk"))
    return {"records": records, "pdf": pdf}


@register.inclusion_tag("supervision/_panel.html", takes_context=True)
def supervision_gate(context: Any, notice: Any) -> dict[str, Any]:
    staff = access.is_supervision_staff(_viewer(context))
    day = max(filter(None, [notice.start_date, timezone.localdate()]))
    return {
        "staff": staff,
        "panel_id": "supervision-gate",
        "rows": selectors.supervision_rows([notice.cadre], day) if staff else [],
        "about": list(selectors.open_reports(notice_id=notice.pk)) if staff else [],
    }


@register.inclusion_tag("supervision/_panel.html", takes_context=True)
def supervision_selection(context: Any, selection: Any) -> dict[str, Any]:
    staff = access.is_supervision_staff(_viewer(context))
    if not staff:
        return {"staff": False}
    cadres = [c.cadre for c in selection.candidates.select_related("cadre__unit")]
    return {
        "staff": True,
        "panel_id": "supervision-selection",
        "rows": selectors.supervision_rows(cadres, timezone.localdate()),
        "about": list(selectors.open_reports(selection_id=selection.pk)),
    }
