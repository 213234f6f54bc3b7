"""Evaluation results in the archive and the dossier, supplied by the app that computes them.

The archive belongs to 晒实绩, the results to 考实绩 (evaluations), which sits a floor above and
imports this app. So this app never imports evaluations: evaluations registers a provider here
when it starts (`EvaluationsConfig.ready`), and the archive asks the registered providers.
Without a provider (evaluations not installed) the archive simply has no results.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from cadres.models import Cadre
from cadres.types import Actor


@dataclass(frozen=True)
class Ranking:
    label: str
    rank: int | None
    size: int | None


@dataclass(frozen=True)
class ResultLine:
    """One published result: a quarter's or the year's, with its ranks and where it is explained."""

    label: str
    score: Decimal | None
    rankings: list[Ranking] = field(default_factory=list)
    grade: str = ""
    explained_url: str = ""
    is_annual: bool = False
    # Computed before the period's last backfill window closed: recomputed automatically later.
    provisional: bool = False


class ResultsProvider(Protocol):
    def result_years(self, cadre: Cadre) -> set[int]:
        """Years in which the cadre has a published result."""

    def year_results(self, *, cadre: Cadre, year: int, actor: Actor | None) -> list[ResultLine]:
        """The cadre's published results of the year, quarters first, links fit for `actor`."""


_providers: list[ResultsProvider] = []


def register_provider(provider: ResultsProvider) -> None:
    # Once per kind of provider, however often the app registry starts (tests, reloads).
    if not any(type(known) is type(provider) for known in _providers):
        _providers.append(provider)


def result_years(cadre: Cadre) -> set[int]:
    years: set[int] = set()
    for provider in _providers:
        years |= provider.result_years(cadre)
    return years


def year_results(*, cadre: Cadre, year: int, actor: Actor | None) -> list[ResultLine]:
    return [line for provider in _providers for line in provider.year_results(cadre=cadre, year=year, actor=actor)]
