from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared infrastructure every domain app uses; it imports none of them."""

    name = "core"
    verbose_name = _("公共基础")

    def ready(self) -> None:
        # The header's unread count follows every saved or deleted notice (core.notifications).
        from . import notifications  # noqa: F401
