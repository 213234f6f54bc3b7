"""Shared by the evaluation commands: find a period by its code (2026Q1, 2026Y)."""

from django.core.management.base import CommandError

from ...models import Period
from ...rules import BadPeriodCode
from ...services.periods import period_for_code


def period_arg(code: str, *, create: bool = False) -> Period:
    try:
        return period_for_code(code, create=create)
    except BadPeriodCode as error:
        raise CommandError(str(error)) from None
    except Period.DoesNotExist as error:
        raise CommandError(str(error)) from None
