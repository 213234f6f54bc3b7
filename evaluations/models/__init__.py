"""考实绩 / 用实绩: settings, periods, ballots, scores, rankings, annual results and their use.

Anonymity (rules.md §4, SECURITY.md) is a property of the data model, not of the pages:

- A rater's *assignment* (SheetAssignment, its lines and its sealed draft) knows the rater. The
  draft is deleted when the sheet is submitted; what remains is SheetSubmission, the bare fact
  "rater X submitted the sheet for unit U on day D", with a random key and no time of day.
- A submitted sheet waits in the ballot box (SealedSheet): encrypted under the ballot key, random
  key, and reshuffled within its unit at every submission, so neither its content nor its place
  says whose it is.
- When the period closes, the box is opened in one transaction (services/box.py): the scores are
  written as RateeScores rows (one sorted list per ratee and rater group) and DemocraticScore /
  ProblemTick rows (in random order) that carry no sheet key at all, each sheet leaves one
  SheetQuality row (random key, unit, mean, distance, flags: no ratees, no count), and the sealed
  rows are deleted and vacuumed away.
"""

from .annual import (
    AnnualResult,
    DemocraticSummary,
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    Grade,
    GradeChange,
    ProblemCount,
    UnitAnnualScore,
)
from .base import (
    CENT,
    FIRST_YEAR,
    LAST_YEAR,
    half_up,
    new_id,
    plain,
)
from .box import (
    BoxOpening,
    PaperSheet,
    SealedSheet,
    SheetSource,
    UnitGroupSpread,
    UnitSheetTally,
)
from .opened import (
    DIMENSIONS,
    OPENED_FK,
    PERSON_PROBLEMS,
    TEAM_PROBLEMS,
    DemocraticScore,
    Dimension,
    ProblemItem,
    ProblemTick,
    RateeScores,
    ScoreListField,
    SheetQuality,
)
from .periods import (
    Period,
    PeriodKind,
    PeriodState,
)
from .results import (
    ComputationRun,
    GroupResult,
    PeriodOpening,
    QuarterlyResult,
    RunStatus,
    ScoreDistribution,
    UnitCompletion,
)
from .settings import (
    EvaluationSettings,
    EvaluatorScope,
    LastPlaceComparison,
)
from .sheets import (
    RATER_GROUPS,
    RaterGroup,
    SheetAssignment,
    SheetDraft,
    SheetSubmission,
)

__all__ = [
    "CENT",
    "DIMENSIONS",
    "FIRST_YEAR",
    "LAST_YEAR",
    "OPENED_FK",
    "PERSON_PROBLEMS",
    "RATER_GROUPS",
    "TEAM_PROBLEMS",
    "AnnualResult",
    "BoxOpening",
    "ComputationRun",
    "DemocraticScore",
    "DemocraticSummary",
    "Dimension",
    "EvaluationSettings",
    "EvaluatorScope",
    "FollowUp",
    "FollowUpKind",
    "FollowUpStatus",
    "Grade",
    "GradeChange",
    "GroupResult",
    "LastPlaceComparison",
    "PaperSheet",
    "Period",
    "PeriodKind",
    "PeriodOpening",
    "PeriodState",
    "ProblemCount",
    "ProblemItem",
    "ProblemTick",
    "QuarterlyResult",
    "RateeScores",
    "RaterGroup",
    "RunStatus",
    "ScoreDistribution",
    "ScoreListField",
    "SealedSheet",
    "SheetAssignment",
    "SheetDraft",
    "SheetQuality",
    "SheetSource",
    "SheetSubmission",
    "UnitAnnualScore",
    "UnitCompletion",
    "UnitGroupSpread",
    "UnitSheetTally",
    "half_up",
    "new_id",
    "plain",
]
