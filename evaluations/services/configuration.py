"""Evaluation settings (per year and unit category) and evaluator scopes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from achievements.models import RecordRules
from cadres.models import Cadre, Unit, User

from ..inputs import DEDUCTION_FIELDS, SETTINGS_FIELDS
from ..models import EvaluationSettings, EvaluatorScope

# The two per-year-and-category settings tables this module edits.
Row = TypeVar("Row", EvaluationSettings, RecordRules)


def _effective_row(model: type[Row], year: int, unit_category: str) -> Row:
    """The row a (year, category) pair reads today: its own, else the year's default, else field defaults."""
    rows = {r.unit_category: r for r in model.objects.filter(year=year, unit_category__in=[unit_category, ""])}
    return rows.get(unit_category) or rows.get("") or model(year=year)


def _row_to_edit(model: type[Row], year: int, unit_category: str, fields: Iterable[str]) -> Row:
    """The (year, category) row itself; a new one starts from what that pair reads today, so
    saving only some fields never changes the others."""
    row = model.objects.select_for_update().filter(year=year, unit_category=unit_category).first()
    if row is None:
        source = _effective_row(model, year, unit_category)
        row = model(year=year, unit_category=unit_category, **{name: getattr(source, name) for name in fields})
    return row


@transaction.atomic
def evaluation_settings_save(
    *, year: int, unit_category: str, values: Mapping[str, Any], deductions: Mapping[str, Any]
) -> EvaluationSettings:
    """Save the evaluation numbers and the deduction rates (achievements.RecordRules) of a year and category."""
    settings_row = _row_to_edit(EvaluationSettings, year, unit_category, SETTINGS_FIELDS)
    for name in SETTINGS_FIELDS:
        if name in values:
            setattr(settings_row, name, values[name])
    settings_row.full_clean()
    settings_row.save()

    rule_fields = [f.name for f in RecordRules._meta.concrete_fields if f.name not in ("id", "year", "unit_category")]
    rules_row = _row_to_edit(RecordRules, year, unit_category, [f for f in rule_fields if f != "updated_at"])
    changed = False
    for name in DEDUCTION_FIELDS:
        if name in deductions and getattr(rules_row, name) != deductions[name]:
            setattr(rules_row, name, deductions[name])
            changed = True
    if changed:
        rules_row.full_clean()
        rules_row.save()
    return settings_row


def effective_settings(*, year: int, unit_category: str) -> tuple[EvaluationSettings, RecordRules]:
    return _effective_row(EvaluationSettings, year, unit_category), _effective_row(RecordRules, year, unit_category)


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
