"""Builders for selection part-2 tests: a selection at 考察对象 with two candidates, through the services."""

from __future__ import annotations

from selection.models import Candidate, ReserveEntry, Selection, State, VoteKind, VoteMode
from selection.services import selections as services
from selection.services import votes

from .selection_helpers import DAY, nominees, open_selection, post_with_vacancy, voters


def to_inspection(personas, *, n: int = 2, prefix: str = "I", post=None) -> tuple[Selection, list[Candidate]]:
    """A one-round selection whose n nominees all pass 民主推荐 (paper counts), now 考察对象.

    Another selection in the same test takes another `prefix` (its own voters, nominees and post)."""
    staff = personas.org_staff.user
    post = post or post_with_vacancy(personas.unit, title="副主任" if prefix == "I" else f"副主任{prefix}")
    selection = open_selection(post, staff, rounds=1)
    vs = voters(personas.unit, n, prefix=f"{prefix}V")
    people = nominees(personas.other_unit, n, prefix=f"{prefix}N")
    services.selection_start_nomination(selection=selection, voter_ids=[v.pk for v in vs], actor=staff)
    for voter, nominee in zip(vs, people, strict=True):
        services.nomination_sign(selection=selection, nominator=voter, nominee=nominee)
    selection = services.round1_close(selection=selection, actor=staff)
    for person in people:
        ReserveEntry.objects.create(
            cadre=person, tier="deputy", source="staff", reason="后备", entered_on=DAY, review_on=DAY
        )
    for kind in (VoteKind.MEETING, VoteKind.TALK):
        event = votes.event_setup(
            selection=selection, kind=kind, mode=VoteMode.PAPER, expected=10, max_choices=n, actor=staff
        )
        counts = {c.candidate_id: 9 for c in event.counts.all()}
        votes.paper_counts_enter(event=event, actual=10, counts=counts, actor=staff)
    selection = services.candidates_finalize(selection=selection, actor=staff)
    assert selection.state == State.CANDIDATES
    candidates = list(
        Candidate.objects.filter(selection=selection, is_inspection_candidate=True).order_by("cadre__code")
    )
    assert len(candidates) == n
    return selection, candidates
