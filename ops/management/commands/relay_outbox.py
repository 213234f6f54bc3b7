from datetime import timedelta

from django.core.management.base import BaseCommand

from ops import outbox


class Command(BaseCommand):
    help = "发送 Redis 中断期间登记在数据库中的后台任务（beat 每分钟自动执行一次）。"

    def handle(self, *args, **options) -> None:
        sent = outbox.relay(min_age=timedelta(0))
        self.stdout.write(f"sent {sent}, still waiting {outbox.pending_count()}")
