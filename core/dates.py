"""Dates as the product speaks them: the Asia/Shanghai calendar day, and deadlines as offices say them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import formats, timezone
from django.utils.translation import gettext as _

SHANGHAI = ZoneInfo("Asia/Shanghai")


def now_in_shanghai() -> datetime:
    return timezone.now().astimezone(SHANGHAI)


def today_in_shanghai(now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(SHANGHAI).date()


def last_day_of_window(deadline: datetime) -> date:
    """The calendar day a window ends on (deadlines are the exclusive midnight after it)."""
    return (deadline.astimezone(SHANGHAI) - timedelta(microseconds=1)).date()


def format_day(day: date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def format_deadline(deadline: datetime) -> str:
    """A deadline is the midnight after its last day: say "<last day> 24:00", as offices do."""
    return _("%(day)s 24:00") % {"day": format_day(last_day_of_window(deadline))}
