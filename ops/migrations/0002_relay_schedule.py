from django.db import migrations


def create_relay_schedule(apps, schema_editor):
    """Every minute: send background work recorded while the broker was unreachable."""
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(
        name="ops.relay-outbox",
        defaults={
            "task": "ops.tasks.relay_outbox",
            "interval": every_minute,
            "description": "发送 Redis 中断期间登记在数据库中的后台任务。",
        },
    )


def remove_relay_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name="ops.relay-outbox").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("ops", "0001_outbox"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_relay_schedule, remove_relay_schedule)]
