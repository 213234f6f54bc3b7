"""Computed hints beside the manual gate checks, from apps above publicity (SPEC §6, §9).

Publicity never imports those apps: an app registers a function `hint(notice) -> GateHint | None`
for a check kind (selection registers the 职数 check). The hint is shown beside the check; the
check itself stays a recorded decision with who and when.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class GateHint:
    ok: bool | None  # None: the data cannot say
    text: str


_providers: dict[str, Callable[[Any], GateHint | None]] = {}


def register(kind: str, provider: Callable[[Any], GateHint | None]) -> None:
    _providers[kind] = provider


def hint_for(kind: str, notice: Any) -> GateHint | None:
    provider = _providers.get(kind)
    return provider(notice) if provider else None
