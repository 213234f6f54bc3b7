from django.db import migrations


def create_backup_schedule(apps, schema_editor):
    """Every night at 02:20 (Asia/Shanghai): a backup set, as `manage.py backup` writes it."""
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    nightly, _ = CrontabSchedule.objects.get_or_create(
        minute="20", hour="2", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.get_or_create(
        name="ops.nightly-backup",
        defaults={
            "task": "ops.tasks.nightly_backup",
            "crontab": nightly,
            "description": "每晚备份数据库和上传文件，测评密钥另存（manage.py backup）。",
        },
    )


def remove_backup_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name="ops.nightly-backup").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("ops", "0002_relay_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_backup_schedule, remove_backup_schedule)]
