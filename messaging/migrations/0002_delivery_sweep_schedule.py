from django.db import migrations

from core.beat import schedule_operation


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0001_channels_contacts_deliveries"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        # Every five minutes: queue again deliveries whose task the broker lost.
        schedule_operation(
            name="messaging.sweep-deliveries",
            task="messaging.tasks.sweep_deliveries",
            every_minutes=5,
            description="重新排队发送因 Redis 中断而未执行的通知（邮件、短信、企业微信）。",
        ),
    ]
