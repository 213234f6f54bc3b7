"""Register the daily reminder of reserves due for review in django-celery-beat's tables
(08:30 Asia/Shanghai)."""

from zoneinfo import ZoneInfo

from django.db import migrations

TASK = "selection.reserve-review-reminders"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="8", day_of_week="*", day_of_month="*", month_of_year="*", timezone=ZoneInfo("Asia/Shanghai")
    )
    PeriodicTask.objects.get_or_create(
        name=TASK,
        defaults={
            "task": "selection.tasks.remind_reserve_reviews",
            "crontab": schedule,
            "description": "提醒考核办：后备干部到了复核日期。",
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("selection", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
