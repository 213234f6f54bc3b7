"""Register the beat jobs of 晒实绩 in django-celery-beat's tables: the daily log reminder (time
settable by org staff, 16:30 Asia/Shanghai to start with) and the hourly filing of
self-assessments whose posting has ended."""

from datetime import time
from zoneinfo import ZoneInfo

from django.db import migrations

REMINDER_TASK = "achievements.daily-log-reminders"
FILING_TASK = "achievements.file-self-assessments"


def create_schedules(apps, schema_editor):
    ReminderSettings = apps.get_model("achievements", "ReminderSettings")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    settings, _ = ReminderSettings.objects.get_or_create(pk=1, defaults={"send_at": time(16, 30)})
    shanghai = ZoneInfo("Asia/Shanghai")

    def crontab(minute, hour):
        schedule, _ = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*", timezone=shanghai
        )
        return schedule

    PeriodicTask.objects.get_or_create(
        name=REMINDER_TASK,
        defaults={
            "task": "achievements.tasks.send_log_reminders",
            "crontab": crontab(str(settings.send_at.minute), str(settings.send_at.hour)),
            "enabled": settings.enabled,
            "description": "每个工作日提醒未写当天日志的干部，并提醒补记期限将到的缺记日志。",
        },
    )
    PeriodicTask.objects.get_or_create(
        name=FILING_TASK,
        defaults={
            "task": "achievements.tasks.file_due_self_assessments",
            "crontab": crontab("5", "*"),
            "description": "把公示期满的实绩自评表归档。",
        },
    )


def remove_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[REMINDER_TASK, FILING_TASK]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("achievements", "0003_self_assessment_exports_reminders"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
