"""The daily reminder job for raters with sheets due soon, in django-celery-beat's schedule."""

from django.db import migrations


def schedule(apps, schema_editor):
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _created = crontab_model.objects.get_or_create(
        minute="0", hour="9", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    task_model.objects.get_or_create(
        name="考实绩：提醒尚未提交测评表的评价人",
        defaults={"task": "evaluations.tasks.remind_pending_raters", "crontab": crontab, "enabled": True},
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        task="evaluations.tasks.remind_pending_raters"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("evaluations", "0003_settings_reminder_days"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
