"""Template helpers of 晒实绩: deadlines, calendar cells, and the cards other pages include."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import template
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cadres.access import cadre_of, is_leader, is_org_staff
from core.dates import format_deadline

from .. import access, rules, selectors
from ..models import Achievement, VerificationStatus
from ..selectors import DayStatus

register = template.Library()


@register.filter
def deadline(value: datetime | None) -> str:
    """ "2026年11月27日 24:00" for a window that ends at the midnight after that day."""
    return format_deadline(value) if value else ""


@register.filter
def month_day(value: date | None) -> str:
    """11月3日 in Chinese (no leading zero, unlike the locale's m月j日), Nov 3 in English."""
    if value is None:
        return ""
    if (get_language() or "zh").startswith("zh"):
        return f"{value.month}月{value.day}日"
    return formats.date_format(value, "MONTH_DAY_FORMAT")


_TAGS = {
    DayStatus.LOGGED: lambda: _("已写"),
    DayStatus.MISSING: lambda: _("缺记"),
    DayStatus.OPEN: lambda: _("可补记"),
    DayStatus.LEAVE: lambda: _("请假"),
    DayStatus.REST: lambda: _("休"),
}


@register.filter
def cell_tag(cell: selectors.DayCell) -> str:
    if cell.status == DayStatus.OPEN and cell.is_today:
        return _("待写")
    maker = _TAGS.get(cell.status)
    return maker() if maker else ""


@register.filter
def cell_title(cell: selectors.DayCell) -> str:
    tag = cell_tag(cell)
    if cell.writable and cell.deadline:
        return _("%(tag)s，可修改至 %(deadline)s") % {"tag": tag, "deadline": format_deadline(cell.deadline)}
    return tag


@register.simple_tag
def weekday_names() -> list[str]:
    return [_("一"), _("二"), _("三"), _("四"), _("五"), _("六"), _("日")]


@register.inclusion_tag("achievements/_home_cards.html", takes_context=True)
def achievements_home_cards(context: Any) -> dict[str, Any]:
    """Cards on the dashboard: today's log for cadres, queues for leaders and org staff."""
    request = context["request"]
    user = request.user
    cadre = cadre_of(user)
    data: dict[str, Any] = {"request": request, "csrf_token": context.get("csrf_token")}
    if cadre is not None:
        from ..forms import DailyLogForm

        today = rules.today_in_shanghai()
        composer = selectors.log_composer(cadre=cadre, day=today)
        data.update(
            cadre=cadre,
            composer=composer,
            today=today,
            form=DailyLogForm(
                author=cadre,
                min_chars=composer.min_chars,
                target_chars=composer.target_chars,
                initial={"day": today, "text": composer.log.text if composer.log else "", "version": composer.version},
                auto_id="home_%s",
            ),
            open_days=selectors.open_days(cadre=cadre),
            to_review=access.assessments_to_review(user).count() if is_leader(user) else 0,
        )
    if is_org_staff(user):
        this_year = rules.today_in_shanghai().year
        data.update(
            staff=True,
            pending_verification=Achievement.objects.filter(verification_status=VerificationStatus.PENDING).count(),
            uncovered=rules.uncovered_years(range(this_year, this_year + 2)),
        )
    return data


@register.inclusion_tag("achievements/_profile_sections.html", takes_context=True)
def achievements_profile_sections(context: Any, cadre: Any) -> dict[str, Any]:
    today = rules.today_in_shanghai()
    return {
        "cadre": cadre,
        "year": today.year,
        "log_count": cadre.daily_logs.filter(day__year=today.year).count(),
        "achievement_count": len(selectors.cadre_achievements(cadre=cadre, start=rules.year_bounds(today.year)[0])),
        "can_mark_leave": access.leave_cadres_for(context["request"].user).filter(pk=cadre.pk).exists(),
    }
