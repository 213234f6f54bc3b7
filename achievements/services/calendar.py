"""The working-day override table org staff keep for years the statutory calendar package lacks,
and their confirmation that such a year is complete."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.models import User
from core.dates import format_day

from .. import rules
from ..errors import RecordLocked, YearOutOfRange
from ..models import CalendarYearConfirmation, WorkdayOverride

# A holiday block plus its adjusted days fits in this; a longer range is a typing mistake.
MAX_RANGE_DAYS = 31


@transaction.atomic
def workday_overrides_set(*, start: date, end: date, is_workday: bool, note: str = "") -> list[WorkdayOverride]:
    """Mark every day from start to end (inclusive) as working or free; existing rows are updated."""
    for day, field in ((start, "start"), (end, "end")):
        if day.year not in rules.RECORD_YEARS:
            raise YearOutOfRange(year=day.year, field=field)
    if end < start:
        raise RecordLocked(reason=_("结束日期不能早于开始日期。"), field="end")
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise RecordLocked(reason=_("一次最多设置 %(days)s 天。") % {"days": MAX_RANGE_DAYS}, field="end")
    rows = []
    day = start
    while day <= end:
        # update_or_create (not a bulk upsert) so each change reaches the audit trail.
        row, _created = WorkdayOverride.objects.update_or_create(
            day=day, defaults={"is_workday": is_workday, "note": note.strip()}
        )
        rows.append(row)
        day += timedelta(days=1)
    return rows


@transaction.atomic
def workday_override_delete(*, override: WorkdayOverride) -> None:
    override.delete()


@dataclass(frozen=True)
class HolidayRange:
    start: date
    end: date
    note: str = ""


@transaction.atomic
def calendar_year_enter(
    *,
    year: int,
    holidays: list[HolidayRange],
    workdays: list[tuple[date, str]],
    actor: User,
    confirm: bool = False,
) -> tuple[int, int]:
    """A year's 放假安排 at once: its holiday ranges and its 调休 working days, and, with
    `confirm`, the actor's confirmation that the year is complete.

    Everything or nothing: a date outside the year or a 调休 day inside a holiday refuses the lot.
    Returns (holiday days, working days) written.
    """
    if year not in rules.RECORD_YEARS:
        raise YearOutOfRange(year=year)
    free_days: set[date] = set()
    for block in holidays:
        if block.start.year != year or block.end.year != year:
            raise RecordLocked(
                reason=_("放假日期 %(day)s 不在 %(year)s 年内。") % {"day": format_day(block.start), "year": year},
                field="holidays",
            )
        if block.end < block.start or (block.end - block.start).days + 1 > MAX_RANGE_DAYS:
            raise RecordLocked(
                reason=_("放假区间 %(start)s 至 %(end)s 无效：结束不能早于开始，且一段最多 %(days)s 天。")
                % {"start": format_day(block.start), "end": format_day(block.end), "days": MAX_RANGE_DAYS},
                field="holidays",
            )
        free_days |= {block.start + timedelta(days=n) for n in range((block.end - block.start).days + 1)}
    for day, _note in workdays:
        if day.year != year:
            raise RecordLocked(
                reason=_("调休上班日 %(day)s 不在 %(year)s 年内。") % {"day": format_day(day), "year": year},
                field="workdays",
            )
        if day in free_days:
            raise RecordLocked(
                reason=_("%(day)s 既在放假区间内，又列为调休上班日，请核对。") % {"day": format_day(day)},
                field="workdays",
            )
    written_free = sum(
        len(workday_overrides_set(start=b.start, end=b.end, is_workday=False, note=b.note)) for b in holidays
    )
    for day, note in workdays:
        workday_overrides_set(start=day, end=day, is_workday=True, note=note)
    if confirm:
        calendar_year_confirm(year=year, actor=actor)
    return written_free, len(workdays)


@transaction.atomic
def calendar_year_confirm(
    *, year: int, actor: User, note: str = "", now: datetime | None = None
) -> CalendarYearConfirmation:
    """Record who confirmed, and when, that a year's holidays and 调休 days are all entered."""
    if rules.package_covers(year):
        raise RecordLocked(reason=_("内置数据已包含 %(year)s 年的法定节假日，无需确认。") % {"year": year})
    if not WorkdayOverride.objects.filter(day__year=year, is_workday=False).exists():
        raise RecordLocked(reason=_("%(year)s 年还没有录入任何放假日期，请先录入放假安排再确认。") % {"year": year})
    confirmation, _created = CalendarYearConfirmation.objects.update_or_create(
        year=year, defaults={"confirmed_by": actor, "confirmed_at": now or timezone.now(), "note": note.strip()}
    )
    return confirmation


@transaction.atomic
def calendar_year_unconfirm(*, year: int) -> None:
    """Withdraw a confirmation (the arrangement changed): the year is provisional again."""
    for confirmation in CalendarYearConfirmation.objects.filter(year=year):
        confirmation.delete()  # one by one, so the audit trail records it
