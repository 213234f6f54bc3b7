"""Writes of the record rules (RecordRules) that other apps' pages edit."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.db import transaction

from cadres.models import User

from ..models import RecordRules


@transaction.atomic
def record_rules_deductions_set(
    *, year: int, unit_category: str, deductions: Mapping[str, Decimal], actor: User | None = None
) -> RecordRules:
    """Set the missing-record deduction rates of a year and unit category (RecordRules.DEDUCTION_FIELDS).

    A pair without its own row gets one only when a rate changes; it starts from what the pair reads
    today, so its other numbers stay as they were.
    """
    row = RecordRules.row_to_edit(year, unit_category)
    changed = False
    for name in RecordRules.DEDUCTION_FIELDS:
        if name in deductions and getattr(row, name) != deductions[name]:
            setattr(row, name, deductions[name])
            changed = True
    if changed:
        row.full_clean()
        row.save()
    return row
