from django.db import migrations

from core.beat import schedule_operation


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0001_service_accounts_tokens_audit_deletions"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        # Every night at 03:40: token-use audit rows past their keeping time are deleted.
        schedule_operation(
            name="integrations.purge-token-uses",
            task="integrations.tasks.purge_token_uses",
            crontab=("3", "40"),
            description="删除超过保存期限（API_TOKEN_USE_KEEP_DAYS）的 API 令牌使用记录。",
        ),
    ]
