"""The publicity period (公示期): at least N working days, counting the first day.

Working days come from the one calendar of the product, `achievements.rules.WorkCalendar`
(chinesecalendar with 调休, the staff-edited override table, Monday–Friday for years the package
does not know). The number of days is `PublicitySettings.min_workdays` (《条例》: 不少于五个工作日).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from achievements.rules import WorkCalendar, uncovered_years

from .models import PublicitySettings

# Long holidays plus the period itself fit well inside this many calendar days.
_CALENDAR_SPAN = timedelta(days=90)


def calendar_around(start: date) -> WorkCalendar:
    """The working-day calendar from `start` far enough ahead for any publicity period (one query)."""
    return WorkCalendar.load(start - timedelta(days=1), start + _CALENDAR_SPAN)


def next_workday(after: date, *, calendar: WorkCalendar | None = None) -> date:
    """The first working day after `after`."""
    calendar = calendar or calendar_around(after)
    return calendar.add_workdays(after, 1)


def default_start(today: date, *, calendar: WorkCalendar | None = None) -> date:
    """The proposed first day of a new publicity period: the next working day after today."""
    return next_workday(today, calendar=calendar)


@dataclass(frozen=True)
class PublicityPeriod:
    start: date
    end: date
    workdays: int
    start_is_workday: bool
    # Years in the period the statutory calendar does not know and staff have not entered.
    uncovered_years: tuple[int, ...] = ()


def publicity_period(
    start: date, *, workdays: int | None = None, calendar: WorkCalendar | None = None
) -> PublicityPeriod:
    """The period that starts on `start` and ends on its `workdays`-th working day (start counted).

    When `start` is not a working day the period is still computed from the next working day,
    and `start_is_workday` says so (the service refuses such a start).
    """
    workdays = workdays or PublicitySettings.load().min_workdays
    calendar = calendar or calendar_around(start)
    first = start if calendar.is_workday(start) else calendar.add_workdays(start, 1)
    end = calendar.add_workdays(first, workdays - 1)
    years = tuple(uncovered_years(range(start.year, end.year + 1)))
    return PublicityPeriod(
        start=start,
        end=end,
        workdays=workdays,
        start_is_workday=first == start,
        uncovered_years=years,
    )


def workdays_left(*, start: date, end: date, today: date, calendar: WorkCalendar | None = None) -> int:
    """Working days of the period still to come, today included; 0 once it has ended."""
    if today > end:
        return 0
    calendar = calendar or calendar_around(today)
    return len(calendar.workdays(max(start, today), end))


# --- Placeholders in the channel settings -----------------------------------------------------

# What the shipped defaults and copied templates use where a real name or number belongs.
PLACEHOLDER_MARKS = ("××", "XX", "xx", "＊＊", "0000-", "000000", "某某")


def has_placeholder(text: str) -> bool:
    return any(mark in (text or "") for mark in PLACEHOLDER_MARKS)


def placeholder_settings(notice=None) -> list[str]:
    """The names of the settings (and of the notice's own channels) that still hold placeholder text."""
    settings = PublicitySettings.load()
    names = [
        str(PublicitySettings._meta.get_field(name).verbose_name)
        for name in ("issuer_name", "feedback_channels")
        if has_placeholder(getattr(settings, name))
    ]
    if not settings.issuer_name.strip():
        names.insert(0, str(PublicitySettings._meta.get_field("issuer_name").verbose_name))
    if notice is not None and has_placeholder(notice.feedback_channels):
        names.append(str(notice._meta.get_field("feedback_channels").verbose_name) + str(_("（本公示）")))
    return names
