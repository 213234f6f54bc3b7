from django.db import migrations


def create_sweep_schedule(apps, schema_editor):
    """Every five minutes: queue again deliveries whose task the broker lost."""
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_five, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.get_or_create(
        name="messaging.sweep-deliveries",
        defaults={
            "task": "messaging.tasks.sweep_deliveries",
            "interval": every_five,
            "description": "重新排队发送因 Redis 中断而未执行的通知（邮件、短信、企业微信）。",
        },
    )


def remove_sweep_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name="messaging.sweep-deliveries").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0001_channels_contacts_deliveries"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_sweep_schedule, remove_sweep_schedule)]
