"""Shared by every section: years, random ids, rounding and plain numbers."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from uuid import uuid4

CENT = Decimal("0.01")
# The years periods, settings and unit scores may have; period codes and the API say so plainly.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def new_id():
    """Random primary keys for anonymous rows: their order says nothing about submission order."""
    return uuid4()


def half_up(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def plain(value: Decimal | int) -> str:
    """A number without trailing zeros: 4, 3.5, 0.1."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
