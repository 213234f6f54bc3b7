from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Running the product: the task outbox, health and readiness, fault handling, backups.

    The lowest app: it imports no other app of the product.
    """

    name = "ops"
    verbose_name = _("运行维护")

    def ready(self) -> None:
        from . import metrics, sessions, signals  # noqa: F401  (connects the worker signals)

        metrics.register_collectors()
