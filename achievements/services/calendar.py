"""The working-day override table org staff keep for years the statutory calendar package lacks."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from .. import rules
from ..errors import RecordLocked, YearOutOfRange
from ..models import WorkdayOverride

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
