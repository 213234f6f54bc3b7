from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = _("考实绩")

    def ready(self) -> None:
        from achievements.results import register_provider

        from . import audit  # noqa: F401  (registers models with the audit trail)
        from .archive import PublishedResults

        register_provider(PublishedResults())

        from . import page_cache, sheet_cache

        page_cache.connect()
        sheet_cache.connect()
