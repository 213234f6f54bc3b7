"""A model field's label and length limit, typed, for services that check text before they save it."""

from __future__ import annotations

from typing import Any

from django.db.models import Field, Model


def model_field(model: type[Model], name: str) -> Field[Any, Any]:
    """The concrete field `name` of `model` (not the reverse side of a relation)."""
    field = model._meta.get_field(name)
    if not isinstance(field, Field):
        raise TypeError(f"{model.__name__}.{name} is not a concrete field")
    return field


def field_label(model: type[Model], name: str) -> str:
    return str(model_field(model, name).verbose_name)


def field_limit(model: type[Model], name: str) -> int:
    """The field's max_length; a field without one is a programming error here."""
    limit = model_field(model, name).max_length
    if limit is None:
        raise TypeError(f"{model.__name__}.{name} has no max_length")
    return limit
