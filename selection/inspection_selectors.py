"""Reads of the inspection: per-candidate records, poll tallies, the discipline view."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from cadres.access import signed_in
from cadres.models import Cadre
from cadres.types import Actor

from .inspection_models import (
    DisciplineOpinion,
    InspectionMember,
    InspectionPoll,
    Level,
    PollTally,
    PollVoter,
    ProcessEntry,
)
from .models import Candidate, Selection, State

if TYPE_CHECKING:  # publicity's gate reads these selectors: imported where they run, not here
    from publicity.gate_hints import GateAnswer, GateHint
    from publicity.models import Notice


@dataclass
class ItemTally:
    item: str
    counts: list[int]  # per level, best first

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def good_share(self) -> str:
        """优秀 + 较好 as a share of the sheets, one decimal."""
        if not self.total:
            return "—"
        return f"{(self.counts[0] + self.counts[1]) * 100 / self.total:.1f}%"


def poll_tallies(poll: InspectionPoll | None) -> dict[int, list[ItemTally]]:
    """Candidate id → a row per item with the count at each of the five levels (closed poll only)."""
    if poll is None or not poll.is_closed:
        return {}
    found: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0] * len(Level.values))
    for t in PollTally.objects.filter(poll=poll):
        found[(t.candidate_id, t.item)][Level.values.index(t.level)] = t.count
    out: dict[int, list[ItemTally]] = defaultdict(list)
    for candidate_id in {c for c, _i in found}:
        for item in poll.items:
            out[candidate_id].append(ItemTally(item, found[(candidate_id, item)]))
    return out


@dataclass
class CandidateFile:
    candidate: Candidate
    talks: int
    visits: int
    documents: int
    has_analysis: bool
    opinion: DisciplineOpinion | None
    tallies: list[ItemTally] = field(default_factory=list)


def inspection_overview(selection: Selection) -> list[CandidateFile]:
    poll = InspectionPoll.objects.filter(selection=selection).first()
    tallies = poll_tallies(poll)
    rows = []
    for c in (
        Candidate.objects.filter(selection=selection, is_inspection_candidate=True)
        .select_related("cadre__unit", "cadre__rank", "analysis", "discipline_opinion__given_by")
        .order_by("cadre__code")
    ):
        rows.append(
            CandidateFile(
                candidate=c,
                talks=c.talks.count(),
                visits=c.visits.count(),
                documents=c.document_checks.count(),
                has_analysis=hasattr(c, "analysis"),
                opinion=getattr(c, "discipline_opinion", None),
                tallies=tallies.get(c.pk, []),
            )
        )
    return rows


def team(selection: Selection) -> list[InspectionMember]:
    from cadres.access import user_display_name

    members = list(InspectionMember.objects.filter(selection=selection).select_related("user").order_by("pk"))
    for m in members:
        m.display_name = user_display_name(m.user)
    return members


def pending_polls(cadre: Cadre | None) -> QuerySet[PollVoter]:
    if cadre is None:
        return PollVoter.objects.none()
    return PollVoter.objects.filter(
        cadre=cadre, has_voted=False, poll__is_open=True, poll__is_closed=False
    ).select_related("poll__selection__post__unit")


def discipline_candidates(actor: Actor) -> list[Candidate]:
    """What a discipline account sees: the inspection candidates of the selections under inspection
    whose inspection team (考察组) it is on, and nothing of the others (anyone anonymous: nothing)."""
    user = signed_in(actor)
    if user is None:
        return []
    return list(
        Candidate.objects.filter(
            is_inspection_candidate=True,
            selection__state=State.CANDIDATES,
            selection__inspection_members__user_id=user.pk,
        )
        .select_related("cadre__unit", "cadre__rank", "selection__post__unit", "discipline_opinion__given_by")
        .order_by("-selection__created_at", "cadre__code")
    )


def process_entries(selection: Selection) -> list[ProcessEntry]:
    return list(ProcessEntry.objects.filter(selection=selection).select_related("corrects").order_by("seq"))


# --- 凡提必听: the notice gate's discipline check is the discipline body's own opinion ---------------


def candidacy_of_notice(notice: Notice) -> Candidate | None:
    """The inspection candidacy a notice comes from: the cadre's latest, in a selection not cancelled."""
    return (
        Candidate.objects.filter(cadre_id=notice.cadre_id, is_inspection_candidate=True)
        .exclude(selection__state=State.CANCELLED)
        .select_related("discipline_opinion__given_by")
        .order_by("-selection__created_at")
        .first()
    )


def discipline_gate_answer(notice: Notice) -> GateAnswer | None:
    from django.utils.translation import gettext as _

    from publicity.gate_hints import GateAnswer
    from publicity.models import GateCheckResult

    candidate = candidacy_of_notice(notice)
    if candidate is None:
        return None
    owner = str(_("纪检监察机关"))
    opinion = getattr(candidate, "discipline_opinion", None)
    if opinion is None:
        return GateAnswer("", owner=owner)
    result = GateCheckResult.PASSED if opinion.passed else GateCheckResult.FAILED
    note = f"{opinion.get_result_display()}：{opinion.note}"[:500]
    return GateAnswer(result, note=note, by=opinion.given_by, at=opinion.given_at, owner=owner)


def discipline_gate_hint(notice: Notice) -> GateHint | None:
    from django.utils.translation import gettext as _

    from publicity.gate_hints import GateHint

    answer = discipline_gate_answer(notice)
    if answer is None:
        return None
    if not answer.result:
        return GateHint(None, _("考察对象的党风廉政意见由纪检监察机关的账号直接回复，尚未回复。"))
    return GateHint(answer.result == "passed", _("纪检监察机关已回复：%(note)s") % {"note": answer.note})
