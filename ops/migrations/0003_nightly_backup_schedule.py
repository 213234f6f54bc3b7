from django.db import migrations

from core.beat import schedule_operation


class Migration(migrations.Migration):
    dependencies = [
        ("ops", "0002_relay_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        # Every night at 02:20 (Asia/Shanghai): a backup set, as `manage.py backup` writes it.
        schedule_operation(
            name="ops.nightly-backup",
            task="ops.tasks.nightly_backup",
            crontab=("2", "20"),
            description="每晚备份数据库和上传文件，测评密钥另存（manage.py backup）。",
        ),
    ]
