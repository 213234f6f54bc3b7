"""A database administrator's attack on the selection votes' ballot box (PostgreSQL).

The story: a 公推 meeting of 39 named voters among 4 candidates; each voter votes in their own
transaction, in a random order. The test knows the truth the attacker is after: which voter cast
which sealed ballot (the receipt each voter was given names it: receipt = hash of the token).
The attacker has what a DBA has: every table with its system columns (ctid, xmin), a pg_dump and
the database files, before and after the vote closes. He tries to pair voters (Voter rows, which
say who voted) with ballots (SealedVote rows while the vote is open; the counts after the close)
by physical order, dump order and transaction id.

Statistics (each must look like chance):
- matches: pairing the i-th sealed row with the i-th voter row, both in storage order, gives how
  many right pairs; for a random order that is Poisson(1): P(≥ 7) ≈ 8·10⁻⁵.
- tau: Kendall's tau between a table's storage (or dump) order and the true voting order; for
  n = 39 its standard deviation is 0.11, so |tau| ≥ 0.5 has p ≈ 10⁻⁵. The control — the voter
  rows while the vote is open, which PostgreSQL rewrites in place as people vote — gives about 1.
- xmins: how many distinct transaction ids the sealed rows (or, after the close, the voter rows and
  the counts) carry: 1 means the ids say nothing about which voter wrote which row.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field

from .ballot_box_attack import dump_rows, kendall_tau, pg_dump, storage_rows, tokens_in_files

VOTERS = 39
CANDIDATES = 4


@dataclass
class Scenario:
    event_id: int
    order: list[int]  # voter cadre ids in voting order
    receipt_voter: dict[str, int] = field(default_factory=dict)
    choice: dict[int, int] = field(default_factory=dict)  # voter → candidate id
    tokens: list[bytes] = field(default_factory=list)
    before: dict = field(default_factory=dict)


def build(*, seed: int = 11) -> Scenario:
    from cadres.models import UnitCategory
    from selection.models import SealedVote, VoteKind, VoteMode, Voter
    from selection.services import selections as services
    from selection.services import votes

    from .factories import UnitFactory, UserFactory, nominees, open_selection, post_with_vacancy, voters

    staff = UserFactory()
    unit = UnitFactory(name="投票攻击测试局", category=UnitCategory.DISTRICT_DEPARTMENT)
    people = nominees(unit, CANDIDATES)
    voting = voters(unit, VOTERS)
    selection = open_selection(post_with_vacancy(unit), staff)
    services.selection_start_nomination(selection=selection, voter_ids=[v.pk for v in voting], actor=staff)
    for i, voter in enumerate(voting):  # round 1: everyone of the 4 gets nominated, so all pass
        services.nomination_sign(selection=selection, nominator=voter, nominee=people[i % CANDIDATES], reason="好")
    services.round1_close(selection=selection, actor=staff)
    event = votes.event_setup(
        selection=selection, kind=VoteKind.ROUND2, mode=VoteMode.ONLINE, voter_ids=[v.pk for v in voting], actor=staff
    )
    candidates = list(event.counts.values_list("candidate_id", flat=True))
    assert len(candidates) == CANDIDATES
    order = [v.pk for v in voting]
    random.Random(seed).shuffle(order)
    scenario = Scenario(event.pk, order)
    by_id = {v.pk: v for v in voting}
    for k, cadre_id in enumerate(order):
        choice = candidates[(k * 7 + cadre_id) % CANDIDATES]
        receipt = votes.vote_cast(event_id=event.pk, voter=by_id[cadre_id], candidate_ids=[choice])
        scenario.receipt_voter[receipt] = cadre_id
        scenario.choice[cadre_id] = choice
    scenario.tokens = [bytes(t) for t in SealedVote.objects.filter(event=event).values_list("sealed", flat=True)]
    scenario.before = attack_open_vote(scenario, Voter, SealedVote)
    return scenario


def _rank(scenario: Scenario) -> dict[int, int]:
    return {cadre_id: k for k, cadre_id in enumerate(scenario.order)}


def attack_open_vote(scenario: Scenario, voter_model, sealed_model) -> dict:
    """While the vote is open: who voted is public to a DBA; which ballot is theirs must not be."""
    from evaluations.sealing import receipt_code

    rank_of = _rank(scenario)
    voters_ = [row for row in storage_rows(voter_model, ["cadre_id", "has_voted"]) if row[3]]
    sealed = storage_rows(sealed_model, ["sealed"])
    sealed_voters = [scenario.receipt_voter[receipt_code(bytes(row[2]))] for row in sealed]
    voter_order = [row[2] for row in voters_]
    dump = pg_dump([sealed_model])
    dumped = [bytes.fromhex(r["sealed"].removeprefix("\\\\x")) for r in dump_rows(dump, sealed_model)]
    return {
        "sealed": len(sealed),
        "control_tau_voters_storage": kendall_tau([rank_of[c] for c in voter_order]),
        "control_voter_xmins": len({row[1] for row in voters_}),
        "tau_sealed_storage": kendall_tau([rank_of[c] for c in sealed_voters]),
        "tau_sealed_dump": kendall_tau([rank_of[scenario.receipt_voter[receipt_code(t)]] for t in dumped]),
        "matches_sealed_voters_storage": sum(1 for a, b in zip(sealed_voters, voter_order, strict=True) if a == b),
        "sealed_xmins": len({row[1] for row in sealed}),
        "control_tokens_in_files": tokens_in_files(scenario.tokens),
    }


def close(scenario: Scenario) -> None:
    from selection.models import VoteEvent
    from selection.services import votes

    from .factories import UserFactory

    votes.event_close(event=VoteEvent.objects.get(pk=scenario.event_id), actor=UserFactory())
    deadline = time.monotonic() + 120
    while not votes.votes_sweep() and time.monotonic() < deadline:
        time.sleep(1)


def attack(scenario: Scenario) -> dict:
    from auditlog.models import LogEntry

    from selection.models import SealedVote, VoteCount, VoteEvent, Voter

    rank_of = _rank(scenario)
    event = VoteEvent.objects.get(pk=scenario.event_id)
    voters_ = storage_rows(Voter, ["cadre_id", "voted_on"])
    counts = storage_rows(VoteCount, ["candidate_id", "votes"])
    dump = pg_dump([Voter, VoteCount, SealedVote])
    dumped_voters = [int(r["cadre_id"]) for r in dump_rows(dump, Voter)]
    truth: dict[int, int] = {}
    for choice in scenario.choice.values():
        truth[choice] = truth.get(choice, 0) + 1
    return {
        **scenario.before,
        "sealed_left": SealedVote.objects.count(),
        "sealed_in_dump": len(dump_rows(dump, SealedVote)),
        "tau_voters_storage": kendall_tau([rank_of[row[2]] for row in voters_]),
        "tau_voters_dump": kendall_tau([rank_of[c] for c in dumped_voters]),
        "voter_xmins": len({row[1] for row in voters_}),
        "count_xmins": len({row[1] for row in counts}),
        "counts_right": {row[2]: row[3] for row in counts} == truth,
        "actual": event.actual,
        "receipts_sorted": event.receipts == sorted(scenario.receipt_voter),
        "swept": event.swept_at is not None,
        "tokens_in_files": tokens_in_files(scenario.tokens),
        "audit_entries": LogEntry.objects.filter(
            content_type__app_label="selection", content_type__model__in=["voter", "sealedvote", "votecount"]
        ).count(),
    }
