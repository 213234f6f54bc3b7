"""Building blocks for the evaluation tests: small organizations, periods, sheets, computations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cadres.models import Cadre, Unit, UnitCategory, UnitRole
from evaluations.inputs import SheetInput
from evaluations.lines import sheet_lines
from evaluations.models import Period, PeriodKind, SheetAssignment
from evaluations.services import ballots, periods, scoring

from .factories import CadreFactory, UnitFactory, rank


@dataclass
class Team:
    """One unit: a main leader, team members and staff, by short names."""

    unit: Unit
    people: dict[str, Cadre]

    def __getitem__(self, name: str) -> Cadre:
        return self.people[name]


def make_team(
    name: str,
    *,
    category: str = UnitCategory.TOWNSHIP,
    leaders: int = 1,
    team_members: int = 1,
    staff: int = 3,
    parent: Unit | None = None,
    accounts: bool = False,
    prefix: str = "",
) -> Team:
    unit = UnitFactory(name=name, category=category, parent=parent)
    people: dict[str, Cadre] = {}
    prefix = prefix or name[:2]
    for i in range(1, leaders + 1):
        people[f"M{i}"] = CadreFactory(
            unit=unit, role=UnitRole.MAIN_LEADER, rank=rank("正科级"), name=f"{prefix}主{i}", with_account=accounts
        )
    for i in range(1, team_members + 1):
        people[f"T{i}"] = CadreFactory(
            unit=unit, role=UnitRole.TEAM_MEMBER, rank=rank("副科级"), name=f"{prefix}副{i}", with_account=accounts
        )
    for i in range(1, staff + 1):
        people[f"S{i}"] = CadreFactory(unit=unit, name=f"{prefix}员{i}", with_account=accounts)
    return Team(unit, people)


def open_period(year: int = 2026, quarter: int | None = 1, *, kind: str = PeriodKind.QUARTERLY) -> Period:
    period = periods.period_create(kind=kind, year=year, quarter=quarter)
    as_of = date(year, 12, 20) if kind == PeriodKind.ANNUAL else date(year, 3 * quarter, 28)
    periods.period_open(period=period, as_of=as_of)
    period.refresh_from_db()
    return period


def assignment(period: Period, rater: Cadre, unit: Unit) -> SheetAssignment:
    return SheetAssignment.objects.get(period=period, rater=rater, unit=unit)


def submit(period: Period, rater: Cadre, unit: Unit, scores: dict[Cadre, int]) -> None:
    sheet = assignment(period, rater, unit)
    ballots.sheet_submit(
        assignment_id=sheet.pk, rater=rater, data=SheetInput(scores={c.pk: v for c, v in scores.items()})
    )


def submit_all(period: Period, score_of) -> int:
    """Submit every sheet of the period with score_of(rater, ratee) (return None to leave a sheet out)."""
    count = 0
    for sheet in SheetAssignment.objects.filter(period=period).select_related("rater", "unit"):
        lines = sheet_lines(sheet)
        scores = {line.ratee_id: score_of(sheet.rater, line.ratee) for line in lines}
        if any(v is None for v in scores.values()):
            continue
        ballots.sheet_submit(assignment_id=sheet.pk, rater=sheet.rater, data=SheetInput(scores=scores))
        count += 1
    return count


def close_and_compute(period: Period):
    """Close and compute in this process (the queued job runs only after commit)."""
    run = periods.period_close(period=period)
    run = scoring.computation_execute(run_id=run.pk)
    period.refresh_from_db()
    return run


def recompute(period: Period):
    run = scoring.computation_request(period=period, queue=False)
    return scoring.computation_execute(run_id=run.pk)


def box_sheets(period: Period) -> list[dict]:
    """What the period's sealed sheets hold (a test reads the box with the ballot key)."""
    from evaluations.models import SealedSheet
    from evaluations.sealing import unseal

    return [
        unseal(bytes(s.sealed), context=SealedSheet.context(period.pk, s.unit_id))
        for s in SealedSheet.objects.filter(period=period)
    ]


def box_scores(period: Period) -> list[int]:
    """Every score in the period's sealed sheets, sorted."""
    return sorted(score for sheet in box_sheets(period) for _ratee, _group, score in sheet["scores"])
