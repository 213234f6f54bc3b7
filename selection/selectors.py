"""Reads of selection work: what a page or API answer needs, in few queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, TypedDict

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from cadres.models import PARTY_STATUSES, Cadre, Gender, Unit
from evaluations.models import AnnualResult, Grade
from evaluations.selectors import Flag, latest_annual_results_year, use_of_results
from publicity.gate_hints import GateHint
from publicity.models import Notice

from . import checks, quota, rules
from .models import (
    Candidate,
    Nomination,
    ReserveEntry,
    Selection,
    SelectionSettings,
    State,
    VoteCount,
    VoteEvent,
    VoteKind,
    Voter,
)

# --- 职数 ---------------------------------------------------------------------------------------


def quota_gate_hint(notice: Notice) -> GateHint | None:
    """The 职数审核 computed from the approved posts, for the notice gate (a hint, not the check)."""
    selection = (
        Selection.objects.filter(candidates__cadre=notice.cadre, candidates__is_inspection_candidate=True)
        .select_related("post__unit")
        .order_by("-created_at")
        .first()
    )
    posts = [selection.post] if selection else quota.posts_matching(notice.proposed_post)
    if not posts:
        return GateHint(None, _("未找到与拟任职务对应的核定职数，请人工核对。"))
    post = posts[0]
    status = quota.status_of(post)
    facts = _("%(post)s核定 %(approved)s 名，现有 %(held)s 名") % {
        "post": str(post),
        "approved": status.approved,
        "held": status.held,
    }
    if selection and selection.quota_exception_document:
        return GateHint(
            True,
            _("%(facts)s；超职数已批准（%(doc)s）。") % {"facts": facts, "doc": selection.quota_exception_document},
        )
    if status.vacancies > 0:
        return GateHint(True, _("%(facts)s，有 %(n)s 个空缺。") % {"facts": facts, "n": status.vacancies})
    return GateHint(False, _("%(facts)s，没有空缺。") % {"facts": facts})


# --- Selections ----------------------------------------------------------------------------------


def selection_list(*, state: str = "") -> QuerySet[Selection]:
    qs = Selection.objects.select_related("post__unit").annotate(n_candidates=Count("candidates"))
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-created_at")


@dataclass
class StepRow:
    state: str
    label: str
    status: str  # done, current, skipped, todo


def step_rows(selection: Selection) -> list[StepRow]:
    """The selection's steps with where it stands; the publicity step is skipped when not used."""
    steps = selection.steps
    current = steps.index(selection.state) if selection.state in steps else -1
    rows = []
    for i, state in enumerate(steps):
        label = str(State(state).label)
        if state == State.ROUND1_PUBLICITY and not selection.publicity_start and i < current:
            status, label = "skipped", _("%(step)s（未公示）") % {"step": label}
        else:
            status = "current" if i == current else "done" if i < current else "todo"
        rows.append(StepRow(state, label, status))
    return rows


@dataclass
class EligibleRow:
    cadre: Cadre
    failures: list[str]


def eligibility(selection: Selection, *, only_qualified: bool = True) -> list[EligibleRow]:
    """Everyone checked against the qualifications (active cadres, highest rank first)."""
    cadres = list(
        Cadre.objects.filter(is_active=True).select_related("unit", "rank").order_by("rank__sort_order", "code")
    )
    extra = checks.extra_failures([c.pk for c in cadres], selection.qualification_date)
    rows = [EligibleRow(c, rules.qualification_failures(c, selection, extra=extra.get(c.pk, []))) for c in cadres]
    return [r for r in rows if not r.failures] if only_qualified else rows


class NomineeTally(TypedDict):
    nominee: Cadre
    nominations: list[Nomination]


def nomination_tally(selection: Selection) -> list[NomineeTally]:
    """Signed nominations per nominee, with who signed (staff only: 痕迹管理)."""
    by_nominee: dict[int, NomineeTally] = {}
    for n in Nomination.objects.filter(selection=selection).select_related("nominee__unit", "nominator__unit"):
        row = by_nominee.setdefault(n.nominee_id, {"nominee": n.nominee, "nominations": []})
        row["nominations"].append(n)
    return sorted(by_nominee.values(), key=lambda r: (-len(r["nominations"]), r["nominee"].code))


@dataclass
class OutcomeRow:
    candidate: Candidate
    meeting_votes: int | None = None
    talk_votes: int | None = None
    meeting_share: Decimal | None = None
    talk_share: Decimal | None = None
    passes: bool = False
    in_pool: bool = False


@dataclass
class EventSummary:
    event: VoteEvent | None
    attendance: rules.Attendance | None = None

    @property
    def valid(self) -> bool:
        return bool(self.event and self.event.is_closed and self.attendance and self.attendance.valid)


@dataclass
class RecommendationOutcome:
    meeting: EventSummary
    talk: EventSummary
    rows: list[OutcomeRow] = field(default_factory=list)
    settings: SelectionSettings | None = None

    @property
    def complete(self) -> bool:
        return bool(
            self.meeting.event and self.meeting.event.is_closed and self.talk.event and self.talk.event.is_closed
        )


def recommendation_outcome(selection: Selection) -> RecommendationOutcome:
    """民主推荐: attendance of each vote, each finalist's shares, and who becomes a 考察对象."""
    from .services.selections import finalists

    settings = selection.settings
    events = {
        e.kind: e for e in VoteEvent.objects.filter(selection=selection, kind__in=[VoteKind.MEETING, VoteKind.TALK])
    }
    summaries = {}
    for kind in (VoteKind.MEETING, VoteKind.TALK):
        event = events.get(kind)
        attendance = rules.Attendance(event.expected, event.actual, settings.min_attendance_percent) if event else None
        summaries[kind] = EventSummary(event, attendance)
    counts: dict[tuple[str, int], int] = {
        (kind, cid): votes
        for kind, cid, votes in VoteCount.objects.filter(event__in=events.values()).values_list(
            "event__kind", "candidate_id", "votes"
        )
    }
    people = finalists(selection)
    pool = set(
        ReserveEntry.objects.filter(is_active=True, cadre__in=[c.cadre_id for c in people]).values_list(
            "cadre_id", flat=True
        )
    )
    rows = []
    for candidate in people:
        row = OutcomeRow(candidate, in_pool=candidate.cadre_id in pool)
        ok = True
        for kind, attr in ((VoteKind.MEETING, "meeting"), (VoteKind.TALK, "talk")):
            summary = summaries[kind]
            if summary.event is None:
                ok = False
                continue
            votes = counts.get((kind, candidate.pk), 0)
            setattr(row, f"{attr}_votes", votes)
            setattr(row, f"{attr}_share", rules.vote_share(votes, summary.event.actual))
            ok = ok and summary.valid and rules.share_exceeds(votes, summary.event.actual, settings.min_vote_percent)
        row.passes = ok
        rows.append(row)
    return RecommendationOutcome(summaries[VoteKind.MEETING], summaries[VoteKind.TALK], rows, settings)


def event_rows(event: VoteEvent) -> list[VoteCount]:
    return list(event.counts.select_related("candidate__cadre__unit").order_by("-votes", "candidate__cadre__code"))


# --- What a voter or nominee sees ---------------------------------------------------------------


@dataclass
class PendingBallot:
    kind: str  # "nomination" or "vote"
    selection: Selection
    event: VoteEvent | None = None


def pending_ballots(cadre: Cadre | None) -> list[PendingBallot]:
    """The round-1 nominations and online votes waiting for this cadre."""
    if cadre is None:
        return []
    items: list[PendingBallot] = []
    signed = set(Nomination.objects.filter(nominator=cadre).values_list("selection_id", flat=True))
    for selection in Selection.objects.filter(state=State.NOMINATION, round1_voters=cadre).select_related("post__unit"):
        if selection.pk not in signed:
            items.append(PendingBallot("nomination", selection))
    for voter in Voter.objects.filter(
        cadre=cadre, has_voted=False, event__is_open=True, event__is_closed=False
    ).select_related("event__selection__post__unit"):
        items.append(PendingBallot("vote", voter.event.selection, voter.event))
    return items


def closed_votes(cadre: Cadre | None) -> list[VoteEvent]:
    """The opened online votes this cadre was a voter of: their receipt lists."""
    if cadre is None:
        return []
    return list(
        VoteEvent.objects.filter(voters__cadre=cadre, opened_at__isnull=False)
        .select_related("selection__post__unit")
        .order_by("-opened_at")
    )


def open_applications() -> QuerySet[Selection]:
    from .models import Method

    return Selection.objects.filter(
        method=Method.OPEN_SELECTION, state__in=[State.PLAN, State.NOMINATION]
    ).select_related("post__unit", "min_rank")


# --- Reserve pool ----------------------------------------------------------------------------------


@dataclass
class ReserveRow:
    entry: ReserveEntry
    age: int
    results: list[AnnualResult]
    excellent_years: list[int]
    flags: list[Flag]


def reserve_pool(filters: Mapping[str, Any], *, today: date) -> list[ReserveRow]:
    """The active pool, filtered (unit, rank, age, gender, party membership, education), with each
    reserve's record: annual grades and ranks, 优秀 years and the eligibility flags."""
    qs = ReserveEntry.objects.filter(is_active=True).select_related("cadre__unit", "cadre__rank", "selection")
    if filters.get("unit"):
        qs = qs.filter(cadre__unit=filters["unit"])
    if filters.get("rank"):
        qs = qs.filter(cadre__rank=filters["rank"])
    if filters.get("gender"):
        qs = qs.filter(cadre__gender=filters["gender"])
    if filters.get("party") == "yes":
        qs = qs.filter(cadre__political_status__in=PARTY_STATUSES)
    elif filters.get("party") == "no":
        qs = qs.exclude(cadre__political_status__in=PARTY_STATUSES)
    if filters.get("education"):
        level = int(filters["education"])
        keys = [k for k, lvl in rules.EDUCATION_KEYWORDS if lvl >= level]
        cond = Q()
        for k in keys:
            cond |= Q(cadre__education__contains=k)
        qs = qs.filter(cond)
    if filters.get("tier"):
        qs = qs.filter(tier=filters["tier"])
    entries = list(qs.order_by("cadre__unit__sort_order", "cadre__code"))
    if filters.get("max_age"):
        entries = [e for e in entries if e.cadre.age_on(today) <= int(filters["max_age"])]
    if filters.get("min_age"):
        entries = [e for e in entries if e.cadre.age_on(today) >= int(filters["min_age"])]
    cadre_ids = [e.cadre_id for e in entries]
    results: dict[int, list[AnnualResult]] = defaultdict(list)
    for r in AnnualResult.objects.filter(cadre_id__in=cadre_ids).select_related("rank").order_by("-year"):
        results[r.cadre_id].append(r)
    year = latest_annual_results_year()
    flags: dict[int, list[Flag]] = defaultdict(list)
    if year:
        for flag in use_of_results(year):
            if flag.result.cadre_id in set(cadre_ids):
                flags[flag.result.cadre_id].append(flag)
    return [
        ReserveRow(
            entry=e,
            age=e.cadre.age_on(today),
            results=results[e.cadre_id][:3],
            excellent_years=sorted(r.year for r in results[e.cadre_id] if r.grade == Grade.EXCELLENT),
            flags=flags[e.cadre_id],
        )
        for e in entries
    ]


@dataclass
class StructureRow:
    unit: Unit | None
    total: int
    young: int
    female: int
    non_party: int

    def share(self, n: int) -> Decimal | None:
        return (Decimal(n) * 100 / self.total).quantize(Decimal("0.1")) if self.total else None

    @property
    def young_share(self) -> Decimal | None:
        return self.share(self.young)

    @property
    def female_share(self) -> Decimal | None:
        return self.share(self.female)

    @property
    def non_party_share(self) -> Decimal | None:
        return self.share(self.non_party)


def structure(
    *, today: date, year: int | None = None, leaders_only: bool = True
) -> tuple[list[StructureRow], StructureRow, SelectionSettings]:
    """年轻干部、女干部、党外干部 per unit (counts and shares), with the district total and the
    targets of `year` (default: today's)."""
    settings = SelectionSettings.for_year(year or today.year)
    qs = Cadre.objects.filter(is_active=True).select_related("unit")
    if leaders_only:
        qs = qs.filter(role__in=["main_leader", "team_member"])
    rows: dict[int, StructureRow] = {}
    total = StructureRow(None, 0, 0, 0, 0)
    for cadre in qs.order_by("unit__sort_order", "unit__name"):
        row = rows.setdefault(cadre.unit_id, StructureRow(cadre.unit, 0, 0, 0, 0))
        young = cadre.age_on(today) <= settings.young_age_max
        female = cadre.gender == Gender.FEMALE
        outside = cadre.political_status not in PARTY_STATUSES
        for r in (row, total):
            r.total += 1
            r.young += young
            r.female += female
            r.non_party += outside
    return list(rows.values()), total, settings
