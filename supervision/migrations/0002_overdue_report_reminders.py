"""The daily reminder job for reports past their step's deadline, in django-celery-beat's schedule."""

from django.db import migrations


def schedule(apps, schema_editor):
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _created = crontab_model.objects.get_or_create(
        minute="30", hour="8", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    task_model.objects.get_or_create(
        name="举报受理：提醒超过办理期限的举报",
        defaults={"task": "supervision.tasks.remind_overdue_reports", "crontab": crontab, "enabled": True},
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        task="supervision.tasks.remind_overdue_reports"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0001_supervision_records_reports_info"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
