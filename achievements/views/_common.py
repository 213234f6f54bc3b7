"""Small helpers the views of this app share."""

from __future__ import annotations

from datetime import date
from typing import Any

from core.ids import MAX_ID

from .. import rules

YEARS = rules.RECORD_YEARS


def parse_day(value: str | None) -> date | None:
    try:
        day = date.fromisoformat(value) if value else None
    except ValueError:
        return None
    return day if day is not None and day.year in YEARS else None


def parse_int(value: Any, default: int | None = None, *, low: int | None = None, high: int | None = None) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    if (low is not None and number < low) or (high is not None and number > high):
        return default
    if abs(number) > MAX_ID:  # no database column holds it: unknown, like any other id that is not there
        return default
    return number


def this_year() -> int:
    return rules.today_in_shanghai().year


def record_years(cadre: Any) -> list[int]:
    """Years to pick from on a cadre's pages: this year back to the records' start, at most five."""
    current = this_year()
    return list(range(current, max(cadre.records_from.year, current - 4) - 1, -1))
