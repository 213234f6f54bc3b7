from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ManualConfig(AppConfig):
    """操作手册: one help page per role, with screenshots the browser tests take of the demo pages."""

    name = "manual"
    verbose_name = _("操作手册")
