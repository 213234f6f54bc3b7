"""Anonymous votes among candidates (公推, 会议推荐, 谈话推荐): only counts per candidate are kept.

Online, a vote marks the voter "has voted" and increments counters in place: no ballot row, no
time, no sequence number. When the vote closes every counter and voter row is rewritten in the
closing transaction, so the rows' last-writer no longer points at the last voter. On paper, staff
enter the number of participants and the counts from the tally sheet.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from auditlog.context import set_actor
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from cadres.models import Cadre

from ..errors import SelectionError
from ..models import Selection, State, VoteCount, VoteEvent, VoteKind, VoteMode, Voter
from . import notices
from .selections import _locked, _require_state, finalists

KIND_STATE = {
    VoteKind.ROUND2: State.ROUND2,
    VoteKind.MEETING: State.RECOMMENDATION,
    VoteKind.TALK: State.RECOMMENDATION,
}


def _ballot_candidates(selection: Selection, kind: str) -> list[Any]:
    from ..models import Candidate

    if kind == VoteKind.ROUND2:
        return list(Candidate.objects.filter(selection=selection, round1_passed=True))
    return finalists(selection)


def event_setup(
    *,
    selection: Selection,
    kind: str,
    mode: str,
    by: Any,
    voter_ids: list[int] | None = None,
    expected: int | None = None,
    max_choices: int = 1,
) -> VoteEvent:
    """Set up one vote: online with a named list of voters, or on paper with the expected number."""
    kind, mode = VoteKind(kind), VoteMode(mode)
    with transaction.atomic(), set_actor(by):
        locked = _locked(selection)
        _require_state(locked, KIND_STATE[kind], action=_("安排%(kind)s") % {"kind": kind.label})
        if VoteEvent.objects.filter(selection=locked, kind=kind).exists():
            raise SelectionError(_("%(kind)s已经安排过了。") % {"kind": kind.label})
        candidates = _ballot_candidates(locked, kind)
        if not candidates:
            raise SelectionError(_("没有可供投票的人选。"))
        if max_choices < 1 or max_choices > len(candidates):
            raise SelectionError(
                _("每票最多推荐人数须在 1 到 %(n)s 之间。") % {"n": len(candidates)}, field="max_choices"
            )
        voters: list[Cadre] = []
        if mode == VoteMode.ONLINE:
            voters = list(Cadre.objects.filter(pk__in=voter_ids or [], is_active=True, user__isnull=False))
            if not voters:
                raise SelectionError(_("网上投票须至少选择一名有登录账号的参加人员。"), field="voters")
            expected = len(voters)
        elif not expected or expected < 1:
            raise SelectionError(_("请填写应参加人数。"), field="expected")
        event = VoteEvent.objects.create(
            selection=locked,
            kind=kind,
            mode=mode,
            expected=expected,
            max_choices=max_choices,
            is_open=mode == VoteMode.ONLINE,
        )
        VoteCount.objects.bulk_create(VoteCount(event=event, candidate=c) for c in candidates)
        # Voters are stored in code order, not in the order they were picked.
        Voter.objects.bulk_create(Voter(event=event, cadre=v) for v in sorted(voters, key=lambda v: v.code))
        if voters:
            notices.notify_event_voters(event)
    return event


def vote_cast(*, event_id: int, voter: Cadre, candidate_ids: list[int]) -> None:
    """One online vote: the voter is marked, the chosen candidates' counters go up by one."""
    chosen = set(candidate_ids)
    with transaction.atomic():
        event = VoteEvent.objects.select_for_update().get(pk=event_id)
        row = Voter.objects.select_for_update().filter(event=event, cadre=voter).first()
        if row is None:
            raise SelectionError(_("您不在这次投票的参加人员名单中。"))
        if not event.is_open or event.is_closed:
            raise SelectionError(_("这次投票没有在进行中。"))
        if row.has_voted:
            raise SelectionError(_("您已经投过票了，投票不能更改。"))
        if not chosen:
            raise SelectionError(_("请至少选择一人。"), field="candidates")
        if len(chosen) > event.max_choices:
            raise SelectionError(
                _("每票最多推荐 %(n)s 人，您选了 %(m)s 人。") % {"n": event.max_choices, "m": len(chosen)},
                field="candidates",
            )
        counters = VoteCount.objects.filter(event=event, candidate_id__in=chosen)
        if counters.count() != len(chosen):
            raise SelectionError(_("所选人员不在本次投票的名单中。"), field="candidates")
        counters.update(votes=F("votes") + 1)
        VoteEvent.objects.filter(pk=event.pk).update(actual=F("actual") + 1)
        Voter.objects.filter(pk=row.pk).update(has_voted=True)


def paper_counts_enter(*, event: VoteEvent, actual: int, counts: Mapping[int, int], by: Any) -> VoteEvent:
    """Counts from the paper tally sheet: participants and votes per candidate; closes the vote."""
    with transaction.atomic(), set_actor(by):
        locked = VoteEvent.objects.select_for_update().get(pk=event.pk)
        if locked.mode != VoteMode.PAPER or locked.is_closed:
            raise SelectionError(_("这次投票不接受纸质票录入。"))
        if actual < 0 or actual > locked.expected:
            raise SelectionError(
                _("实参加人数须在 0 到应参加人数 %(n)s 之间。") % {"n": locked.expected}, field="actual"
            )
        rows = {c.candidate_id: c for c in locked.counts.select_related("candidate__cadre")}
        if set(counts) - set(rows):
            raise SelectionError(_("所填人员不在本次投票的名单中。"))
        for candidate_id, votes in counts.items():
            if votes < 0 or votes > actual:
                raise SelectionError(
                    _("%(name)s的得票须在 0 到实参加人数 %(n)s 之间。")
                    % {"name": rows[candidate_id].candidate.cadre.name, "n": actual},
                    field=f"votes_{candidate_id}",
                )
        if sum(counts.values()) > actual * locked.max_choices:
            raise SelectionError(
                _("得票合计 %(sum)s 超过实参加人数 × 每票最多推荐人数（%(max)s）。")
                % {"sum": sum(counts.values()), "max": actual * locked.max_choices}
            )
        for candidate_id, row in rows.items():
            row.votes = counts.get(candidate_id, 0)
        VoteCount.objects.bulk_update(rows.values(), ["votes"])
        locked.actual = actual
        locked.is_open, locked.is_closed = False, True
        locked.save()
    return locked


def event_close(*, event: VoteEvent, by: Any) -> VoteEvent:
    """Close an online vote; counters and voter rows are rewritten in this one transaction."""
    with transaction.atomic(), set_actor(by):
        locked = VoteEvent.objects.select_for_update().get(pk=event.pk)
        if locked.mode != VoteMode.ONLINE or locked.is_closed:
            raise SelectionError(_("这次投票已经结束。"))
        VoteCount.objects.filter(event=locked).update(votes=F("votes"))
        Voter.objects.filter(event=locked).update(has_voted=F("has_voted"))
        locked.is_open, locked.is_closed = False, True
        locked.save()
    return locked
