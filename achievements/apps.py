from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AchievementsConfig(AppConfig):
    name = "achievements"
    verbose_name = _("晒实绩")

    def ready(self) -> None:
        from . import audit  # noqa: F401  (registers models with the audit trail)
        from .page_cache import connect

        connect()
