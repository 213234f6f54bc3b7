from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared infrastructure every domain app uses; it imports none of them."""

    name = "core"
    verbose_name = _("公共基础")
