"""Anonymous votes among candidates (公推, 会议推荐, 谈话推荐): only counts per candidate are kept.

Online, a ballot goes through the evaluation's ballot box (evaluations/services/box.py): it is
sealed under the ballot key into a SealedVote row, and the vote's sealed rows are written again
under fresh random keys in a fresh random order; the voter's row is marked "voted, on day D". The
voter gets the ballot's receipt; the server keeps no record of whose it is. When the vote closes
the box is opened in the closing transaction: the ballots are decrypted and counted, only the
counts per candidate are written, the sealed rows are deleted, the voter rows are written again in
random order, and the sorted receipts are kept; after the commit the tables are rewritten
(VACUUM FULL). On paper, staff enter the number of participants and the counts from the tally sheet.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date

from auditlog.context import set_actor
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.models import Cadre, User
from evaluations.sealing import receipt_code, seal, unseal
from evaluations.services.box import Shuffle, insert_rows, sealed_rows_reseal, vacuum_tables

from ..errors import SelectionError
from ..models import Candidate, SealedVote, Selection, State, VoteCount, VoteEvent, VoteKind, VoteMode, Voter
from . import notices
from .selections import _locked, _require_state, finalists

KIND_STATE = {
    VoteKind.ROUND2: State.ROUND2,
    VoteKind.MEETING: State.RECOMMENDATION,
    VoteKind.TALK: State.RECOMMENDATION,
}


def _ballot_candidates(selection: Selection, kind: str) -> list[Candidate]:
    if kind == VoteKind.ROUND2:
        return list(Candidate.objects.filter(selection=selection, round1_passed=True))
    return finalists(selection)


def event_setup(
    *,
    selection: Selection,
    kind: str,
    mode: str,
    actor: User,
    voter_ids: list[int] | None = None,
    expected: int | None = None,
    max_choices: int = 1,
) -> VoteEvent:
    """Set up one vote: online with a named list of voters, or on paper with the expected number."""
    kind, mode = VoteKind(kind), VoteMode(mode)
    with transaction.atomic(), set_actor(actor):
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


def vote_cast(*, event_id: int, voter: Cadre, candidate_ids: list[int], today: date | None = None) -> str:
    """One online ballot, sealed in the vote's box; the voter is marked. Returns the receipt."""
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
        if VoteCount.objects.filter(event=event, candidate_id__in=chosen).count() != len(chosen):
            raise SelectionError(_("所选人员不在本次投票的名单中。"), field="candidates")
        token = seal({"candidates": sorted(chosen)}, context=SealedVote.context(event.pk))
        sealed_rows_reseal(model=SealedVote, where={"event_id": event.pk}, token=token)
        Voter.objects.filter(pk=row.pk).update(has_voted=True, voted_on=today or timezone.localdate())
    return receipt_code(token)


def paper_counts_enter(*, event: VoteEvent, actual: int, counts: Mapping[int, int], actor: User) -> VoteEvent:
    """Counts from the paper tally sheet: participants and votes per candidate; closes the vote."""
    with transaction.atomic(), set_actor(actor):
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


def event_close(*, event: VoteEvent, actor: User) -> VoteEvent:
    """Close an online vote and open its box in this one transaction (see the module's docstring)."""
    with transaction.atomic(), set_actor(actor):
        locked = VoteEvent.objects.select_for_update().get(pk=event.pk)
        if locked.mode != VoteMode.ONLINE or locked.is_closed:
            raise SelectionError(_("这次投票已经结束。"))
        _box_open(locked)
        locked.is_open, locked.is_closed = False, True
        locked.save()
    transaction.on_commit(votes_sweep)
    return locked


def _box_open(event: VoteEvent) -> None:
    """Count the sealed ballots into the candidates' counters; keep nothing else of them."""
    context = SealedVote.context(event.pk)
    tokens = [bytes(t) for t in SealedVote.objects.filter(event=event).values_list("sealed", flat=True)]
    tally: Counter[int] = Counter()
    for token in tokens:
        tally.update(unseal(token, context=context)["candidates"])
    counters = list(VoteCount.objects.filter(event=event))
    for counter in counters:  # votes cast before the box (an upgrade) are already in the counter
        counter.votes += tally.pop(counter.candidate_id, 0)
    if tally:
        raise SelectionError(_("票箱中有不在本次投票名单中的人选，无法开箱。"))
    VoteCount.objects.bulk_update(counters, ["votes"])
    SealedVote.objects.filter(event=event).delete()
    # The voter rows again, under new random keys in random order: nothing keeps the voting order.
    voters = list(Voter.objects.filter(event=event).values_list("cadre_id", "has_voted", "voted_on"))
    Shuffle().shuffle(voters)
    Voter.objects.filter(event=event)._raw_delete(Voter.objects.db)
    insert_rows(Voter, ["event_id", "cadre_id", "has_voted", "voted_on"], voters, constant=(event.pk,))
    event.actual = sum(1 for _c, voted, _d in voters if voted)
    event.receipts = sorted(receipt_code(t) for t in tokens)
    event.opened_at = timezone.now()


def votes_sweep() -> bool:
    """Rewrite the tables that held sealed ballots and ordered voter rows (VACUUM FULL), and mark the
    opened votes swept. Runs after a vote closes, and hourly while one is not swept."""
    if not vacuum_tables([SealedVote, Voter, VoteCount]):
        return False
    VoteEvent.objects.filter(opened_at__isnull=False, swept_at__isnull=True).update(swept_at=timezone.now())
    return True
