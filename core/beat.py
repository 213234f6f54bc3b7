"""One way for a migration to put a job on django-celery-beat's schedule (and take it off again).

Each app that runs a periodic job ships a data migration with one `schedule_operation(...)`:
the job is created if missing (an administrator's later edits to it are kept) and deleted on reverse.
"""

from __future__ import annotations

from django.db import migrations


def schedule_operation(
    *,
    name: str,
    task: str,
    description: str,
    crontab: tuple[str, str] | None = None,
    every_minutes: int | None = None,
) -> migrations.RunPython:
    """A RunPython that schedules `task` as `name`: daily at crontab=(hour, minute) Asia/Shanghai,
    or every `every_minutes` minutes."""
    if (crontab is None) == (every_minutes is None):
        raise ValueError("give exactly one of crontab and every_minutes")

    def create(apps, schema_editor) -> None:
        periodic_task = apps.get_model("django_celery_beat", "PeriodicTask")
        defaults = {"task": task, "description": description}
        if crontab is not None:
            hour, minute = crontab
            defaults["crontab"], _ = apps.get_model("django_celery_beat", "CrontabSchedule").objects.get_or_create(
                minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
            )
        else:
            defaults["interval"], _ = apps.get_model("django_celery_beat", "IntervalSchedule").objects.get_or_create(
                every=every_minutes, period="minutes"
            )
        periodic_task.objects.get_or_create(name=name, defaults=defaults)

    def remove(apps, schema_editor) -> None:
        apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=name).delete()

    return migrations.RunPython(create, remove)
