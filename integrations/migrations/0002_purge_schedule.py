from django.db import migrations


def create_purge_schedule(apps, schema_editor):
    """Every night at 03:40: token-use audit rows past their keeping time are deleted."""
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    nightly, _ = CrontabSchedule.objects.get_or_create(
        minute="40", hour="3", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.get_or_create(
        name="integrations.purge-token-uses",
        defaults={
            "task": "integrations.tasks.purge_token_uses",
            "crontab": nightly,
            "description": "删除超过保存期限（API_TOKEN_USE_KEEP_DAYS）的 API 令牌使用记录。",
        },
    )


def remove_purge_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name="integrations.purge-token-uses").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0001_service_accounts_tokens_audit_deletions"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_purge_schedule, remove_purge_schedule)]
