from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    """Notices beyond the in-app list: email, SMS and 企业微信/政务微信, per person and kind.

    It sits above cadres (it reads accounts and cadres' phone numbers) and below every app that
    sends notices; those call core.notifications.notify, and this app's hook takes it from there.
    """

    name = "messaging"
    verbose_name = _("消息推送")

    def ready(self) -> None:
        from core.notifications import add_delivery_hook

        from . import audit, services  # noqa: F401  (audit registers the settings models)

        add_delivery_hook(services.queue_deliveries)
