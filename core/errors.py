"""One path for domain errors: services raise them, one handler or helper shows them.

Every app's errors subclass `DomainError`. The API's exception handler answers one with a 400
keyed by its field; `show_error` puts one on a form field or into the page's messages. Views and
API views do not translate domain errors one by one.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.forms import BaseForm
from django.http import HttpRequest
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback


class DomainError(Exception):
    """A refusal by a domain rule: `message` is the sentence shown to the user, `field` the input
    it is about (None for the request as a whole).

    A subclass either passes its sentence to `__init__` or, when the sentence is built from data
    it keeps, overrides the `message` property.
    """

    field: str | None = None

    def __init__(self, message: Any = "", field: str | None = None):
        super().__init__(*((str(message),) if message else ()))
        if field is not None:
            self.field = field

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""

    def __str__(self) -> str:
        return self.message

    def field_errors(self) -> dict[str | None, list[str]]:
        """Each refused input (None: the request as a whole) with its sentences; one by default."""
        return {self.field: [self.message]}

    def as_api_errors(self) -> dict[str, list[str]]:
        """The body of the 400 answer: DRF's shape for invalid input."""
        return {field or "non_field_errors": sentences for field, sentences in self.field_errors().items()}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus: a DomainError is a 400 with its field's error (REST_FRAMEWORK setting)."""
    if isinstance(exc, DomainError):
        set_rollback()
        return Response(exc.as_api_errors(), status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)


def show_error(error: DomainError, *, form: BaseForm | None = None, request: HttpRequest | None = None) -> None:
    """Put the error next to its form field (above the form when the form has no such field), or,
    without a form, into the request's messages."""
    if form is not None:
        for field, sentences in error.field_errors().items():
            for sentence in sentences:
                form.add_error(field if field in form.fields else None, sentence)
    elif request is not None:
        messages.error(request, error.message)
    else:
        raise ValueError("show_error needs a form or a request")
