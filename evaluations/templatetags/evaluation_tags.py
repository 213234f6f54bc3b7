"""Small formatting helpers for the evaluation pages."""

from decimal import Decimal
from typing import Any

from django import template

from ..models import plain as plain_number

register = template.Library()


@register.filter
def plain(value: Any) -> str:
    """4.00 → 4, 3.50 → 3.5."""
    if value is None or value == "":
        return ""
    return plain_number(Decimal(value))


@register.filter
def percent(value: Any) -> str:
    """A share (0.4) as a percentage with at most one decimal (40%)."""
    if value is None:
        return ""
    return plain_number((Decimal(value) * 100).quantize(Decimal("0.1"))) + "%"


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None
