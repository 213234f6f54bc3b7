from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelectionConfig(AppConfig):
    name = "selection"
    verbose_name = _("选拔任用")

    def ready(self) -> None:
        from publicity import gate_hints

        from . import (
            audit,  # noqa: F401  (registers models with the audit trail)
            checks,
            record_signals,
        )
        from .inspection_selectors import discipline_gate_answer, discipline_gate_hint
        from .selectors import quota_gate_hint
        from .services.probation import probation_failures

        record_signals.connect()
        checks.register("selection.probation", probation_failures)
        gate_hints.register("quota", quota_gate_hint)
        gate_hints.register("discipline", discipline_gate_hint)
        gate_hints.register_answer("discipline", discipline_gate_answer)
