"""Qualification checks supplied by apps above selection (supervision's 影响期, for example).

Selection never imports those apps: an app registers a provider
`provider(cadre_ids, day) -> {cadre_id: [reason, ...]}` when it starts, and every qualification
check (eligibility, candidates, nominations) adds the reasons it returns. One call per check
covers a whole list of cadres, so the eligibility page stays a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

Provider = Callable[[list[int], date], dict[int, list[str]]]

_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    """Register (or replace, on a reload) the provider known as `name`."""
    _providers[name] = provider


def extra_failures(cadre_ids: Iterable[int], day: date) -> dict[int, list[str]]:
    ids = list(cadre_ids)
    found: dict[int, list[str]] = {}
    for provider in _providers.values():
        for cadre_id, reasons in provider(ids, day).items():
            found.setdefault(cadre_id, []).extend(reasons)
    return found
