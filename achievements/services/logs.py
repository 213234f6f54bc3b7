"""Daily logs, quarterly and annual summaries, and leave periods."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.models import Cadre, User
from core.fields import field_limit

from .. import rules
from ..errors import (
    BackfillClosed,
    FutureDay,
    LeaveOverlaps,
    LogChanged,
    RecordLocked,
    SummaryClosed,
    SummaryNotOpen,
    TextTooLong,
    TextTooShort,
    YearOutOfRange,
)
from ..models import DailyLog, LeaveKind, LeavePeriod, Summary, SummaryKind

LOG_MAX_CHARS = field_limit(DailyLog, "text")
SUMMARY_MAX_CHARS = field_limit(Summary, "text")
# A leave period longer than this is a typo, not a secondment.
LEAVE_MAX_DAYS = 400


def check_length(text: str, minimum: int, maximum: int, field: str = "text") -> None:
    """Refuse a text shorter than `minimum` or longer than `maximum` characters, naming both counts."""
    length = len(text)
    if length < minimum:
        raise TextTooShort(minimum=minimum, actual=length, field=field)
    if length > maximum:
        raise TextTooLong(maximum=maximum, actual=length, field=field)


def _require_active(author: Cadre) -> None:
    if not author.is_active:
        raise RecordLocked(reason=_("离任干部不能再填写实绩记录。"))


# --- Daily logs --------------------------------------------------------------------------------


def daily_log_check(*, author: Cadre, day: date, text: str, now: datetime | None = None) -> str:
    """Refuse a log the rules do not accept; return the text as it will be stored.

    Every path that writes a log (page, API, admin) goes through here.
    """
    now = now or timezone.now()
    _require_active(author)
    if day > rules.today_in_shanghai(now):
        raise FutureDay(day=day)
    # The unit's rules once: the window (log_deadline) and the minimum length come from the same row.
    limits = rules.rules_for_unit(day.year, author.unit)
    deadline = rules.backfill_deadline(day, rules=limits)
    if now >= deadline:
        raise BackfillClosed(day=day, deadline=deadline)
    text = rules.normalize_text(text)
    check_length(text, limits.daily_log_min_chars, LOG_MAX_CHARS)
    return text


@transaction.atomic
def daily_log_save(
    *, author: Cadre, day: date, text: str, expected_version: str | None = None, now: datetime | None = None
) -> DailyLog:
    """Create or update the author's log for `day`, inside the backfill window.

    `expected_version` is the `DailyLog.version` the author was editing ("" for none): when the
    stored log differs, nothing is saved and LogChanged carries the stored text, so no save
    replaces text its author did not see. Pages and the API always pass it.
    """
    text = daily_log_check(author=author, day=day, text=text, now=now)
    log, created = DailyLog.objects.select_for_update().get_or_create(
        author=author, day=day, defaults={"text": text, "unit": author.unit}
    )
    if not created and expected_version is not None and expected_version != log.version and log.text != text:
        raise LogChanged(day=day, current_text=log.text, current_version=log.version, saved_at=log.updated_at)
    if not created and log.text != text:
        log.text = text
        log.save(update_fields=["text", "updated_at"])
    return log


# --- Summaries ---------------------------------------------------------------------------------


def summary_label(kind: str, year: int, quarter: int | None) -> str:
    if kind == SummaryKind.QUARTERLY:
        return _("%(year)s年第%(quarter)s季度小结") % {"year": year, "quarter": quarter}
    return _("%(year)s年度总结") % {"year": year}


def summary_check(
    *, author: Cadre, kind: str, year: int, quarter: int | None, text: str, now: datetime | None = None
) -> str:
    now = now or timezone.now()
    _require_active(author)
    if year not in rules.RECORD_YEARS:
        raise YearOutOfRange(year=year)
    if kind == SummaryKind.ANNUAL:
        quarter = None
    elif quarter not in (1, 2, 3, 4):
        raise RecordLocked(reason=_("季度必须是 1 到 4。"), field="quarter")
    label = summary_label(kind, year, quarter)
    opens = rules.summary_opens(year, quarter)
    if rules.today_in_shanghai(now) < opens:
        raise SummaryNotOpen(label=label, opens=opens)
    limits = rules.rules_for_unit(year, author.unit)
    deadline = rules.summary_deadline(year, quarter, rules=limits)
    if now >= deadline:
        raise SummaryClosed(label=label, deadline=deadline)
    text = rules.normalize_text(text)
    minimum = limits.quarterly_summary_min_chars if kind == SummaryKind.QUARTERLY else limits.annual_summary_min_chars
    check_length(text, minimum, SUMMARY_MAX_CHARS)
    return text


@transaction.atomic
def summary_save(
    *, author: Cadre, kind: str, year: int, quarter: int | None = None, text: str, now: datetime | None = None
) -> Summary:
    """Create or update a quarterly or annual summary, until its due date."""
    quarter = quarter if kind == SummaryKind.QUARTERLY else None
    text = summary_check(author=author, kind=kind, year=year, quarter=quarter, text=text, now=now)
    summary, created = Summary.objects.select_for_update().get_or_create(
        author=author, kind=kind, year=year, quarter=quarter, defaults={"text": text, "unit": author.unit}
    )
    if not created and summary.text != text:
        summary.text = text
        summary.save(update_fields=["text", "updated_at"])
    return summary


# --- Leave -------------------------------------------------------------------------------------


@transaction.atomic
def leave_mark(
    *, cadre: Cadre, start: date, end: date, kind: str = LeaveKind.LEAVE, note: str = "", actor: User
) -> LeavePeriod:
    """Record days a cadre was on leave or seconded; they never count as missing logs."""
    if end < start:
        raise RecordLocked(reason=_("结束日期不能早于开始日期。"), field="end")
    if (end - start) > timedelta(days=LEAVE_MAX_DAYS):
        raise RecordLocked(reason=_("一次登记不能超过 %(days)s 天。") % {"days": LEAVE_MAX_DAYS}, field="end")
    # Lock the cadre so two leaders marking at once cannot both pass the overlap check.
    Cadre.objects.select_for_update().filter(pk=cadre.pk).first()
    overlapping = LeavePeriod.objects.filter(cadre=cadre, start__lte=end, end__gte=start).order_by("start").first()
    if overlapping:
        raise LeaveOverlaps(start=overlapping.start, end=overlapping.end)
    return LeavePeriod.objects.create(cadre=cadre, start=start, end=end, kind=kind, note=note.strip(), marked_by=actor)


@transaction.atomic
def leave_delete(*, period: LeavePeriod) -> None:
    period.delete()
