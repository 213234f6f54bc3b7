"""Evaluation settings (per year and unit category) and evaluator scopes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from achievements.models import RecordRules
from achievements.services import record_rules_deductions_set
from cadres.models import Cadre, Unit, User

from ..inputs import SETTINGS_FIELDS
from ..models import EvaluationSettings, EvaluatorScope


@transaction.atomic
def evaluation_settings_save(
    *, year: int, unit_category: str, values: Mapping[str, Any], deductions: Mapping[str, Any]
) -> EvaluationSettings:
    """Save the evaluation numbers and the deduction rates (achievements.RecordRules) of a year and category."""
    settings_row = EvaluationSettings.row_to_edit(year, unit_category)
    for name in SETTINGS_FIELDS:
        if name in values:
            setattr(settings_row, name, values[name])
    settings_row.full_clean()
    settings_row.save()

    record_rules_deductions_set(year=year, unit_category=unit_category, deductions=deductions)
    return settings_row


def effective_settings(*, year: int, unit_category: str) -> tuple[EvaluationSettings, RecordRules]:
    return EvaluationSettings.for_year(year, unit_category), RecordRules.for_year(year, unit_category)


@transaction.atomic
def evaluator_scope_save(
    *, unit: Unit, superiors: Iterable[Cadre], externals: Iterable[Cadre], note: str = "", actor: User | None = None
) -> EvaluatorScope:
    """Name the superior evaluators (LEADER group of the 主要领导) and external evaluators (OTHER group)."""
    superiors, externals = list(superiors), list(externals)
    errors = []
    for label, people in ((_("上级评价人"), superiors), (_("外单位评价人"), externals)):
        insiders = [c.name for c in people if c.unit_id == unit.pk]
        if insiders:
            errors.append(
                _("%(label)s中的 %(names)s 是本单位干部，已在评价范围内，无须另行指定。")
                % {"label": label, "names": "、".join(insiders)}
            )
        inactive = [c.name for c in people if not c.is_active]
        if inactive:
            errors.append(_("%(label)s中的 %(names)s 已离任。") % {"label": label, "names": "、".join(inactive)})
    if errors:
        raise ValidationError(errors)
    scope, _created = EvaluatorScope.objects.get_or_create(unit=unit)
    scope.note = note
    scope.save()
    scope.superior_evaluators.set(superiors)
    scope.external_evaluators.set(externals)
    return scope
