"""Candidate checks from other apps (the extension point for supervision and later work).

An app above selection registers `check(cadre, today) -> list[CandidateFlag]` under a name; the
inspection's analysis and the comparison show every flag the registered checks raise, beside the
qualification flags selection computes itself. Selection never imports those apps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class CandidateFlag:
    source: str  # the registered name
    text: str
    url: str = ""
    serious: bool = False


_checks: dict[str, Callable[[Any, date], list[CandidateFlag]]] = {}


def register(name: str, check: Callable[[Any, date], list[CandidateFlag]]) -> None:
    _checks[name] = check


def unregister(name: str) -> None:
    _checks.pop(name, None)


def flags_for(cadre: Any, today: date) -> list[CandidateFlag]:
    flags: list[CandidateFlag] = []
    for name in sorted(_checks):
        flags += _checks[name](cadre, today)
    return flags
