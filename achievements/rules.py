"""The calendar and numbers 晒实绩 runs on: working days, backfill deadlines, record rules.

Working days follow the Chinese statutory calendar with its adjusted workdays (调休) through the
`chinesecalendar` package, which knows 2004–2026. Org staff's WorkdayOverride rows win over it;
for a year the package does not know, the calendar falls back to Monday–Friday plus overrides
(and `uncovered_years` warns until staff confirm that year's holidays are complete). Nothing here ever raises for
a missing year.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import chinese_calendar
from django.conf import settings
from django.utils.translation import get_language, gettext

# The calendar day and its zone are shared by every app; this app's rules speak them too.
from cadres.models import UnitCategory
from core.dates import SHANGHAI as SHANGHAI  # re-exported: the rules speak Shanghai time
from core.dates import last_day_of_window as last_day_of_window
from core.dates import now_in_shanghai as now_in_shanghai
from core.dates import today_in_shanghai as today_in_shanghai

from .models import CalendarYearConfirmation, RecordRules, WorkdayOverride

# The years records can be kept for. Outside them a date is a typo or a probe, and the calendar
# arithmetic would run off the end of Python's dates.
RECORD_YEARS = range(2000, 2101)
_PACKAGE_YEARS = range(min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1)


def package_covers(year: int) -> bool:
    return year in _PACKAGE_YEARS


class WorkCalendar:
    """Working days over a span of years, with the override table loaded once (one query)."""

    def __init__(self, overrides: dict[date, bool] | None = None, notes: dict[date, str] | None = None):
        self.overrides = overrides if overrides is not None else {}
        self.notes = notes or {}
        # Days already answered: deadlines of neighbouring days walk over the same days again
        # (a page's open days ask some 25,000 times for about 100 days).
        self._workdays: dict[date, bool] = {}

    @classmethod
    def load(cls, start: date | None = None, end: date | None = None) -> WorkCalendar:
        rows = WorkdayOverride.objects.all()
        if start is not None and end is not None:
            # Deadlines can reach a few weeks past `end` (long holidays plus the backfill window).
            rows = rows.filter(day__gte=start, day__lte=end + timedelta(days=60))
        triples = list(rows.values_list("day", "is_workday", "note"))
        return cls({d: w for d, w, _ in triples}, {d: n for d, _, n in triples if n})

    def is_workday(self, day: date) -> bool:
        known = self._workdays.get(day)
        if known is None:
            known = self._workdays[day] = self._is_workday(day)
        return known

    def _is_workday(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if package_covers(day.year):
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5

    def describe(self, day: date) -> tuple[bool, str]:
        """Whether `day` is a working day, and why it differs from an ordinary week ("" if it doesn't).

        The reason is the holiday's name, 调休上班 for an adjusted working weekend day, or the note
        org staff gave an override.
        """
        workday = self.is_workday(day)
        if day in self.overrides:
            return workday, self.notes.get(day) or (gettext("调休上班") if workday else gettext("放假"))
        if not package_covers(day.year):
            return workday, ""
        if workday:
            return True, gettext("调休上班") if day.weekday() >= 5 else ""
        _holiday, name = chinese_calendar.get_holiday_detail(day)
        return False, _holiday_name(name) if name else ""

    def workdays(self, start: date, end: date) -> list[date]:
        """Working days from start to end, both included."""
        days = []
        day = start
        while day <= end:
            if self.is_workday(day):
                days.append(day)
            day += timedelta(days=1)
        return days

    def add_workdays(self, day: date, count: int) -> date:
        """The `count`-th working day after `day` (day itself not counted); count 0 gives `day`."""
        current = day
        remaining = count
        while remaining > 0:
            current += timedelta(days=1)
            if self.is_workday(current):
                remaining -= 1
        return current

    def deadline_after(self, day: date, workdays: int) -> datetime:
        """End of the `workdays`-th working day after `day`, Asia/Shanghai (an exclusive bound)."""
        last_day = self.add_workdays(day, workdays)
        return datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=SHANGHAI)


def _holiday_name(name: str) -> str:
    """The package names holidays in English; show the Chinese name in a Chinese UI."""
    try:
        holiday = chinese_calendar.Holiday(name)
    except ValueError:
        return name
    return holiday.chinese if (get_language() or "zh").startswith("zh") else holiday.value


def uncovered_years(years: list[int] | range) -> list[int]:
    """Years the statutory calendar package does not know and staff have not yet confirmed as
    complete. A single override is not enough: the rest of the year would still run Mon–Fri."""
    missing = [y for y in years if not package_covers(y)]
    if not missing:
        return []
    confirmed = set(CalendarYearConfirmation.objects.filter(year__in=missing).values_list("year", flat=True))
    return [y for y in missing if y not in confirmed]


# --- Record rules -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Rules:
    daily_log_min_chars: int
    daily_log_target_chars: int
    quarterly_summary_min_chars: int
    annual_summary_min_chars: int
    backfill_workdays: int
    missing_log_deduction: Decimal
    missing_quarterly_summary_deduction: Decimal
    missing_annual_summary_deduction: Decimal
    self_assessment_min_chars: int = 100
    self_assessment_posting_days: int = 3
    quarterly_summary_target_chars: int = 200
    annual_summary_target_chars: int = 500


_RULE_FIELDS = [f.name for f in fields(Rules)]


def _as_rules(row: RecordRules) -> Rules:
    return Rules(**{name: getattr(row, name) for name in _RULE_FIELDS})


def rules_for(year: int, unit_category: str = "") -> Rules:
    """The record rules of a year and unit category (see RecordRules for the lookup order)."""
    return _as_rules(RecordRules.for_year(year, unit_category))


def rules_table(year: int) -> dict[str, Rules]:
    """All rule sets of a year by unit category ("" = the default), in one query."""
    return {category: _as_rules(row) for category, row in RecordRules.table(year, UnitCategory.values).items()}


# --- Deadlines -------------------------------------------------------------------------------


def backfill_deadline(day: date, *, calendar: WorkCalendar | None = None, rules: Rules | None = None) -> datetime:
    """A log for `day` may be written until the end of the 5th working day after it."""
    calendar = calendar or WorkCalendar.load(day, day)
    rules = rules or rules_for(day.year)
    return calendar.deadline_after(day, rules.backfill_workdays)


def posting_end(posted_at: datetime, workdays: int, *, calendar: WorkCalendar | None = None) -> datetime:
    """A self-assessment posted at `posted_at` stays open for objections for `workdays` full working
    days after the day it was posted (weekends, holidays and overrides skipped), until the end of the
    last one (Asia/Shanghai). Approved on a Friday, three working days run Monday to Wednesday."""
    day = posted_at.astimezone(SHANGHAI).date()
    calendar = calendar or WorkCalendar.load(day, day + timedelta(days=workdays * 2 + 14))
    return calendar.deadline_after(day, workdays)


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, end - timedelta(days=1)


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def summary_deadline(
    year: int, quarter: int | None = None, *, calendar: WorkCalendar | None = None, rules: Rules | None = None
) -> datetime:
    """A summary is due by the end of its period plus the same backfill window as logs."""
    _, end = quarter_bounds(year, quarter) if quarter else year_bounds(year)
    calendar = calendar or WorkCalendar.load(end, end)
    rules = rules or rules_for(year)
    return calendar.deadline_after(end, rules.backfill_workdays)


def records_final_deadline(year: int, quarter: int | None = None) -> datetime:
    """When every record of a quarter (or a whole year) is final: the last log and summary window
    of the period closes, over every unit category's window. Deductions computed before this
    moment still miss the days whose windows are open."""
    _, end = quarter_bounds(year, quarter) if quarter else year_bounds(year)
    calendar = WorkCalendar.load(end, end)
    windows = {r.backfill_workdays for r in rules_table(year).values()}
    return max(calendar.deadline_after(end, w) for w in windows)


def rules_for_unit(year: int, unit: Any) -> Rules:
    """The rules that apply to someone in `unit` (its category's row, else the year's default)."""
    return rules_for(year, getattr(unit, "category", "") or "")


def log_deadline(day: date, *, unit: Any, calendar: WorkCalendar | None = None) -> datetime:
    """When the log for `day` of a cadre in `unit` freezes (the window of the unit's category)."""
    return backfill_deadline(day, calendar=calendar, rules=rules_for_unit(day.year, unit))


class LogDeadlines:
    """Log deadlines for many days and units: the override table read once, each year's rules once.

    For lists (API pages, open days) where `log_deadline` would cost two queries per row.
    """

    def __init__(self, calendar: WorkCalendar | None = None):
        self.calendar = calendar or WorkCalendar.load()
        self._tables: dict[int, dict[str, Rules]] = {}
        self._deadlines: dict[tuple[date, str], datetime] = {}

    def window(self, day: date, unit: Any) -> int:
        if day.year not in self._tables:
            self._tables[day.year] = rules_table(day.year)
        table = self._tables[day.year]
        return table.get(getattr(unit, "category", "") or "", table[""]).backfill_workdays

    def deadline(self, day: date, *, unit: Any) -> datetime:
        key = (day, getattr(unit, "category", "") or "")
        if key not in self._deadlines:
            self._deadlines[key] = self.calendar.deadline_after(day, self.window(day, unit))
        return self._deadlines[key]


def summary_opens(year: int, quarter: int | None = None) -> date:
    """A summary can be written from the first day of its period."""
    start, _ = quarter_bounds(year, quarter) if quarter else year_bounds(year)
    return start


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


# --- Text -----------------------------------------------------------------------------------


def normalize_text(text: str) -> str:
    """Browsers submit CRLF; the live counter counts LF. Store what the writer saw."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


# --- Evidence attachments -----------------------------------------------------------------------

# Extension -> (content type, accepted leading bytes). The bytes are checked, not only the name,
# so a renamed executable or HTML page is refused.
ATTACHMENT_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", (b"PK\x03\x04",)),
    "doc": ("application/msword", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    "xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    "ofd": ("application/ofd", (b"PK\x03\x04",)),
}


def attachment_max_bytes() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_BYTES", 10 * 1024 * 1024))


def attachment_max_count() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_FILES", 10))


def attachment_content_type(name: str, head: bytes) -> str | None:
    """The content type of an allowed evidence file, or None when the name or bytes are not allowed."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = ATTACHMENT_TYPES.get(extension)
    if allowed is None or not any(head.startswith(magic) for magic in allowed[1]):
        return None
    return allowed[0]
