"""Daily reminders: who has not logged today, and whose backfill window closes on the next working day.

The beat schedule lives in django-celery-beat's tables (so `celery beat` with the database
scheduler picks changes up without a restart); ReminderSettings is what org staff edit and what
the audit trail records, and saving it moves the schedule.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.models import Cadre
from core.dates import format_day, format_deadline
from core.models import Notification, NotificationKind
from core.notifications import notify

from .. import rules
from ..models import DailyLog, LeavePeriod, ReminderSettings

REMINDER_TASK = "achievements.daily-log-reminders"
FILING_TASK = "achievements.file-self-assessments"
PURGE_TASK = "achievements.purge-old-exports"
LOG_PAGE = "/achievements/logs/"
# How far back a day can still be open: the longest holiday block plus any sane window.
LOOKBACK_DAYS = 60


@dataclass(frozen=True)
class ReminderResult:
    workday: bool
    missing_today: int = 0
    window_closing: int = 0


def _candidates() -> QuerySet[Cadre]:
    return Cadre.objects.filter(is_active=True, user__isnull=False, user__is_active=True)


def _already_told(key: str) -> QuerySet[Notification]:
    """Notices with this key already sent (the unique key also stops duplicates; this keeps counts true)."""
    return Notification.objects.filter(recipient_id=OuterRef("user_id"), dedupe_key=key)


def send_log_reminders(*, now: datetime | None = None) -> ReminderResult:
    """Notify, once per day each, cadres without today's log and cadres with logs about to freeze."""
    now = now or timezone.now()
    today = rules.today_in_shanghai(now)
    calendar = rules.WorkCalendar.load(today - timedelta(days=LOOKBACK_DAYS), today)
    settings = ReminderSettings.load()
    if not settings.enabled or not calendar.is_workday(today):
        return ReminderResult(workday=calendar.is_workday(today))

    key = f"log-missing:{today.isoformat()}"
    on_leave_today = LeavePeriod.objects.filter(cadre=OuterRef("pk"), start__lte=today, end__gte=today)
    logged_today = DailyLog.objects.filter(author=OuterRef("pk"), day=today)
    missing = (
        _candidates()
        .filter(records_from__lte=today)
        .filter(~Exists(logged_today), ~Exists(on_leave_today), ~Exists(_already_told(key)))
    )
    sent_missing = notify(
        recipients=list(missing.values_list("user_id", flat=True)),
        title=_("今天（%(day)s）的工作日志还没有填写") % {"day": format_day(today)},
        body=_("花几十秒记下今天做了什么，约 50 字即可。"),
        url=LOG_PAGE,
        dedupe_key=key,
        kind=NotificationKind.LOG_REMINDER,
    )
    closing = _warn_window_closing(today, calendar) if settings.warn_window_closing else 0
    return ReminderResult(workday=True, missing_today=sent_missing, window_closing=closing)


def _warn_window_closing(today: date, calendar: rules.WorkCalendar) -> int:
    """Cadres with unlogged working days whose window ends with the next working day."""
    last_day = calendar.add_workdays(today, 1)
    deadline = datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=rules.SHANGHAI)
    start = today - timedelta(days=LOOKBACK_DAYS)
    workdays = calendar.workdays(start, today)
    tables = {year: rules.rules_table(year) for year in {start.year, today.year}}

    def closing_days(category: str) -> list[date]:
        def window(day: date) -> int:
            table = tables[day.year]
            return table.get(category, table[""]).backfill_workdays

        return [d for d in workdays if calendar.add_workdays(d, window(d)) == last_day]

    key = f"log-window:{today.isoformat()}"
    people = list(
        _candidates().filter(~Exists(_already_told(key))).values_list("pk", "user_id", "records_from", "unit__category")
    )
    days_by_category = {category: closing_days(category) for category in {p[3] for p in people}}
    all_days = sorted({d for days in days_by_category.values() for d in days})
    if not all_days:
        return 0
    logged: set[tuple[int, date]] = set(
        DailyLog.objects.filter(day__in=all_days, author__in=_candidates()).values_list("author_id", "day")
    )
    leave: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for cadre_id, first, last in LeavePeriod.objects.filter(start__lte=all_days[-1], end__gte=all_days[0]).values_list(
        "cadre_id", "start", "end"
    ):
        leave[cadre_id].append((first, last))

    groups: dict[tuple[date, ...], list[int]] = defaultdict(list)
    for cadre_id, user_id, records_from, category in people:
        missing = tuple(
            d
            for d in days_by_category[category]
            if d >= records_from
            and (cadre_id, d) not in logged
            and not any(first <= d <= last for first, last in leave.get(cadre_id, ()))
        )
        if missing:
            groups[missing].append(user_id)
    sent = 0
    for days, users in groups.items():
        sent += notify(
            recipients=users,
            title=_("%(days)s 的工作日志将于 %(deadline)s 停止补记")
            % {"days": "、".join(format_day(d) for d in days), "deadline": format_deadline(deadline)},
            body=_("补记期限过后系统不再接收，缺记将按规定扣分。"),
            url=f"{LOG_PAGE}?day={days[0].isoformat()}",
            dedupe_key=key,
            kind=NotificationKind.LOG_REMINDER,
        )
    return sent


# --- The schedule --------------------------------------------------------------------------------


def _crontab(*, minute: str, hour: str) -> object:
    from django_celery_beat.models import CrontabSchedule

    schedule, _created = CrontabSchedule.objects.get_or_create(
        minute=minute,
        hour=hour,
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone=ZoneInfo("Asia/Shanghai"),
    )
    return schedule


@transaction.atomic
def ensure_schedules() -> None:
    """Register the beat jobs if they are missing (the data migration does this once; demo too)."""
    from django_celery_beat.models import PeriodicTask

    settings = ReminderSettings.load()
    jobs = [
        (
            REMINDER_TASK,
            "achievements.tasks.send_log_reminders",
            {"minute": str(settings.send_at.minute), "hour": str(settings.send_at.hour)},
            settings.enabled,
            "每个工作日提醒未写当天日志的干部，并提醒补记期限将到的缺记日志。",
        ),
        (
            FILING_TASK,
            "achievements.tasks.file_due_self_assessments",
            {"minute": "5", "hour": "*"},
            True,
            "把公示期满的实绩自评表归档。",
        ),
        (
            PURGE_TASK,
            "achievements.tasks.purge_old_exports",
            {"minute": "20", "hour": "3"},
            True,
            "删除超过保留期限的档案批量导出文件。",
        ),
    ]
    for name, task, when, enabled, description in jobs:
        if not PeriodicTask.objects.filter(name=name).exists():
            PeriodicTask.objects.create(
                name=name, task=task, crontab=_crontab(**when), enabled=enabled, description=description
            )


@transaction.atomic
def reminder_settings_save(*, enabled: bool, send_at: time, warn_window_closing: bool) -> ReminderSettings:
    """Save what org staff chose and move the beat schedule with it."""
    from django_celery_beat.models import PeriodicTask

    settings = ReminderSettings.load()
    settings.enabled = enabled
    settings.send_at = send_at.replace(second=0, microsecond=0)
    settings.warn_window_closing = warn_window_closing
    settings.save()
    ensure_schedules()
    task = PeriodicTask.objects.get(name=REMINDER_TASK)
    task.crontab = _crontab(minute=str(send_at.minute), hour=str(send_at.hour))
    task.enabled = enabled
    task.save()
    return settings
