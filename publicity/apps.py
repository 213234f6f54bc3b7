from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicityConfig(AppConfig):
    name = "publicity"
    verbose_name = _("任前公示")

    def ready(self) -> None:
        from . import audit  # noqa: F401  (registers models with the audit trail)
        from .public_pages import connect_signals

        connect_signals()
