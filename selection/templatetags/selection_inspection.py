from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def lookup(mapping: dict, key: Any) -> Any:
    """mapping[key] in a template ("" when absent)."""
    return (mapping or {}).get(key, "")


@register.filter
def get_item(mapping: dict, key: Any) -> Any:
    """mapping[key] in a template (None when absent)."""
    return (mapping or {}).get(key)
