from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("监督与结果运用")

    def ready(self) -> None:
        from publicity import gate_hints
        from selection import appointment_form, checks

        from . import audit  # noqa: F401  (registers models with the audit trail)
        from .selectors import appointment_form_lines, impact_failures, notice_blockers

        checks.register("supervision.impact", impact_failures)
        gate_hints.register_blocker("supervision.impact", notice_blockers)
        appointment_form.register_rewards("supervision.rewards_sanctions", appointment_form_lines)
