from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CadresConfig(AppConfig):
    name = "cadres"
    verbose_name = _("干部与单位")

    def ready(self) -> None:
        from . import audit  # noqa: F401  (registers models with the audit trail)
