from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    """Other systems reading the product: service accounts with scoped API tokens (django-rest-knox),
    every token use audited, and the HR export with its deletions feed (docs/hr-export.md).

    The top floor: it reads every app below it and none imports it.
    """

    name = "integrations"
    verbose_name = _("系统对接")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (records deletions for the HR export)
