"""Domain errors of supervision: each carries the sentence shown to the user and the field it is about."""

from __future__ import annotations

from core.errors import DomainError


class SupervisionError(DomainError):
    """`message` is shown to the user (on the form field `field`, or above the page)."""
