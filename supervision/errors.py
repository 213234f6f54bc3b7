"""Domain errors of supervision: each carries the sentence shown to the user and the field it is about."""

from __future__ import annotations


class SupervisionError(Exception):
    """`message` is shown to the user (on the form field `field`, or above the page)."""

    def __init__(self, message: str, *, field: str | None = None):
        self.message, self.field = str(message), field
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message
