import importlib

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from cadres import demo


def demo_apps() -> list[str]:
    """Every installed app after cadres, in INSTALLED_APPS order: each may add its own demo data in
    <app>/demo.py, and later apps use earlier ones. Naming no app keeps this floor from importing
    the ones above it."""
    names = [config.name for config in apps.get_app_configs()]
    return names[names.index("cadres") + 1 :]


class Command(BaseCommand):
    help = "Load the demo district (idempotent) and print the demo logins."

    def handle(self, *args, **options):
        today = timezone.localdate()
        logins = demo.seed(today)
        for app in demo_apps():
            try:
                module = importlib.import_module(f"{app}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"{app}.demo":
                    raise
                continue
            module.seed(today)
        self.stdout.write(self.style.SUCCESS(f"演示数据已就绪（青山区）。演示账号，密码均为 {demo.DEMO_PASSWORD}："))
        for login in logins:
            self.stdout.write(f"  {login.role:<16} {login.username:<10} {login.name}  {login.unit}")
        self.stdout.write(f"  {'公众':<16} 无需登录     {settings.SITE_URL}/notices/")
