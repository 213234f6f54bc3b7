"""Computed hints beside the manual gate checks, from apps above publicity (rules.md §6, §7).

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


# --- Checks answered by another body ------------------------------------------------------------------
#
# An app may own a check for some notices: for a notice of a selection's inspection candidate the
# 凡提必听 is answered by the discipline body's own account in the selection app. The provider returns
# None for a notice it does not own; otherwise a GateAnswer (result "" while not yet answered). Staff
# cannot record an owned check; when a notice goes to the gate, a given answer is written as its check.


@dataclass(frozen=True)
class GateAnswer:
    result: str  # GateCheckResult value, or "" while the owner has not answered
    note: str = ""
    by: Any = None
    at: Any = None
    owner: str = ""  # who answers it, for the refusal message


_answers: dict[str, Callable[[Any], GateAnswer | None]] = {}


def register_answer(kind: str, provider: Callable[[Any], GateAnswer | None]) -> None:
    _answers[kind] = provider


def answer_for(kind: str, notice: Any) -> GateAnswer | None:
    provider = _answers.get(kind)
    return provider(notice) if provider else None


# --- Refusals before publishing -------------------------------------------------------------------

# An app registers `blocker(notice, day) -> [reason, ...]`: a notice is not published while any
# registered blocker gives a reason (supervision registers the 影响期 of a sanction).
_blockers: dict[str, Callable[[Any, Any], list[str]]] = {}


def register_blocker(name: str, blocker: Callable[[Any, Any], list[str]]) -> None:
    _blockers[name] = blocker


def publish_blockers(notice: Any, day: Any) -> list[str]:
    return [reason for blocker in _blockers.values() for reason in blocker(notice, day)]
