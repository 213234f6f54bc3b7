"""领导班子等次: proposed yearly by the rule in the settings, confirmed by org staff within the team
优秀 quota, every confirmation kept (who, when, from what, why)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TypedDict

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.models import User
from evaluations.models import TEAM_PROBLEMS, AnnualResult, Grade, ProblemCount, UnitAnnualScore, UnitSheetTally

from ..errors import SupervisionError
from ..models import SupervisionSettings, TeamGrade, TeamGradeChange, TeamGradeValue


class _UnitMembers(TypedDict):
    """A unit's published annual results, as the proposal counts them."""

    weak: int  # members below 称职
    incompetent: int  # members 不称职
    period: int | None  # the annual period the results come from


def excellent_quota(unit_count: int, settings: SupervisionSettings) -> int:
    """How many teams may be 优秀 in a year: the percentage of graded teams, rounded down, at least 1."""
    return max(1, unit_count * settings.team_excellent_quota_percent // 100) if unit_count else 0


def _problem_share(unit_id: int, period_id: int | None) -> Decimal | None:
    if period_id is None:
        return None
    tally = UnitSheetTally.objects.filter(period_id=period_id, unit_id=unit_id).first()
    if tally is None or not tally.sheets:
        return None
    ticks = ProblemCount.objects.filter(period_id=period_id, unit_id=unit_id).aggregate(n=Sum("count"))["n"] or 0
    return (Decimal(ticks) * 100 / (tally.sheets * len(TEAM_PROBLEMS))).quantize(Decimal("0.01"))


@transaction.atomic
def team_grades_propose(*, year: int) -> list[TeamGrade]:
    """Propose each team's grade from the unit's score, the team's 反测评 and the members' grades.

    优秀: unit score ≥ the minimum, 反测评 share ≤ the maximum, no member below 称职, within the quota
    (highest unit scores first); 较差: unit score below the 较差 line or a member 不称职; otherwise
    良好 (no member below 称职) or 一般. A confirmed grade is never changed here.
    """
    settings = SupervisionSettings.load()
    results = list(AnnualResult.objects.published().filter(year=year).values("unit_id", "grade", "period_id"))
    units: dict[int, _UnitMembers] = {}
    for r in results:
        unit = units.setdefault(r["unit_id"], {"weak": 0, "incompetent": 0, "period": r["period_id"]})
        if r["grade"] in (Grade.BASICALLY_COMPETENT, Grade.INCOMPETENT):
            unit["weak"] += 1
        if r["grade"] == Grade.INCOMPETENT:
            unit["incompetent"] += 1
        unit["period"] = unit["period"] or r["period_id"]
    scores = dict(UnitAnnualScore.objects.filter(year=year, unit_id__in=units).values_list("unit_id", "score"))
    rows = []
    for unit_id, data in units.items():
        score, share = scores.get(unit_id), _problem_share(unit_id, data["period"])
        eligible = (
            score is not None
            and score >= settings.team_excellent_min_unit_score
            and (share is None or share <= settings.team_excellent_max_problem_share)
            and data["weak"] == 0
        )
        rows.append((unit_id, score, share, data, eligible))
    quota = excellent_quota(len(rows), settings)
    candidates = [
        (unit_id, score) for unit_id, score, _share, _data, eligible in rows if eligible and score is not None
    ]
    excellent = {unit_id for unit_id, _score in sorted(candidates, key=lambda c: -c[1])[:quota]}
    saved = []
    for unit_id, score, share, data, eligible in rows:
        if unit_id in excellent:
            proposed, basis = TeamGradeValue.EXCELLENT, _("符合优秀条件，在优秀名额内")
        elif data["incompetent"] or (score is not None and score < settings.team_poor_max_unit_score):
            proposed, basis = TeamGradeValue.POOR, _("单位得分低于较差线或有成员不称职")
        elif data["weak"] == 0:
            proposed = TeamGradeValue.GOOD
            basis = _("符合优秀条件，但超出优秀名额") if eligible else _("未达到优秀条件，成员均为称职以上")
        else:
            proposed, basis = TeamGradeValue.FAIR, _("有成员为基本称职")
        grade, _created = TeamGrade.objects.update_or_create(
            unit_id=unit_id,
            year=year,
            defaults={
                "unit_score": score,
                "problem_share": share,
                "weak_members": data["weak"],
                "proposed": proposed,
                "basis": basis,
            },
        )
        saved.append(grade)
    return saved


@transaction.atomic
def team_grade_confirm(
    *, team_grade: TeamGrade, grade: str, reason: str = "", actor: User, now: datetime | None = None
) -> TeamGrade:
    """Org staff confirm a team's grade; a grade other than the proposal needs a reason; 优秀 within the quota."""
    if grade not in TeamGradeValue.values:
        raise SupervisionError(_("请选择等次。"), field="grade")
    locked = TeamGrade.objects.select_for_update().get(pk=team_grade.pk)
    reason = (reason or "").strip()[:500]
    if grade != locked.proposed and not reason:
        raise SupervisionError(_("确定的等次与建议等次不同，须说明理由。"), field="reason")
    if grade == TeamGradeValue.EXCELLENT:
        year_grades = TeamGrade.objects.select_for_update().filter(year=locked.year)
        quota = excellent_quota(year_grades.count(), SupervisionSettings.load())
        taken = year_grades.filter(grade=TeamGradeValue.EXCELLENT).exclude(pk=locked.pk).count()
        if taken >= quota:
            raise SupervisionError(
                _("%(year)s 年优秀领导班子名额为 %(quota)s 个，已确定 %(taken)s 个，不能再确定为优秀。")
                % {"year": locked.year, "quota": quota, "taken": taken},
                field="grade",
            )
    TeamGradeChange.objects.create(team_grade=locked, before=locked.grade, after=grade, reason=reason, changed_by=actor)
    locked.grade = grade
    locked.confirmed_by = actor
    locked.confirmed_at = now or timezone.now()
    locked.save()
    return locked
