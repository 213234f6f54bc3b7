"""Rewrite the tables that held sealed sheets, drafts and ordered records (PostgreSQL VACUUM FULL).

Runs by itself after every box opening; run it by hand after an upgrade, or if that run was
refused a lock (the log says so).
"""

from django.core.management.base import BaseCommand, CommandError

from ...services.box import box_sweep


class Command(BaseCommand):
    help = "清理票箱相关数据表中已删除的行（PostgreSQL VACUUM FULL），使其不留在数据库文件中。"

    def handle(self, *args, **options):
        if not box_sweep(everything=True):
            raise CommandError("未能完成清理：请查看日志（可能是数据表被长时间占用），稍后重试。")
        self.stdout.write(self.style.SUCCESS("票箱相关数据表已清理。"))
