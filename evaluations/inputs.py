"""What a user typed, as the forms, the API and the services pass it on: a rater's sheet and the
names of the settings form's fields. Services import these; forms and selectors never import services."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from achievements.models import RecordRules

from .models import EvaluationSettings

DEDUCTION_FIELDS = RecordRules.DEDUCTION_FIELDS  # the settings page edits these of achievements' record rules
SETTINGS_FIELDS = tuple(
    f.name
    for f in EvaluationSettings._meta.get_fields()
    if f.concrete and f.name not in ("id", "year", "unit_category", "updated_at")
)


@dataclass
class SheetInput:
    """What a rater typed. Quarterly sheets use `scores`; annual democratic sheets the rest."""

    scores: dict[int, Any] = field(default_factory=dict)
    dimensions: dict[int, dict[str, Any]] = field(default_factory=dict)
    problems: dict[int, list[str]] = field(default_factory=dict)
    team_problems: list[str] = field(default_factory=list)

    def as_draft(self) -> dict:
        return {
            "scores": {str(k): _text(v) for k, v in self.scores.items()},
            "dimensions": {str(k): {d: _text(v) for d, v in dims.items()} for k, dims in self.dimensions.items()},
            "problems": {str(k): list(v) for k, v in self.problems.items() if v},
            "team_problems": list(self.team_problems),
        }

    @classmethod
    def from_draft(cls, data: Mapping) -> SheetInput:
        return cls(
            scores={int(k): v for k, v in data.get("scores", {}).items()},
            dimensions={int(k): dict(v) for k, v in data.get("dimensions", {}).items()},
            problems={int(k): list(v) for k, v in data.get("problems", {}).items()},
            team_problems=list(data.get("team_problems", [])),
        )


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()[:10]
