from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from cadres import demo


class Command(BaseCommand):
    help = "Load the demo district (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=date.fromisoformat,
            default=None,
            help="The day the demo district is seeded as of (YYYY-MM-DD; default today). The tests use a fixed day.",
        )

    def handle(self, *args, **options):
        logins = demo.seed_district(options["date"] or timezone.localdate())
        self.stdout.write(self.style.SUCCESS(f"演示数据已就绪（青山区）。演示账号，密码均为 {demo.DEMO_PASSWORD}："))
        for login in logins:
            self.stdout.write(f"  {login.role:<16} {login.username:<10} {login.name}  {login.unit}")
        self.stdout.write(f"  {'公众':<16} 无需登录     {settings.SITE_URL}/notices/")
