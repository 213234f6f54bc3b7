"""Selection's online votes (公推, 会议推荐, 谈话推荐) against a database administrator.

tests/selection_vote_attack.py builds a 39-voter vote, reads the tables with ctid/xmin, a pg_dump
and the data files before and after the close, and computes the statistics; here they must look
like chance. The control shows the statistic sees order where it is stored: the voter rows while
the vote is open (tau close to 1, one transaction id per voter).
"""

from __future__ import annotations

import json

import pytest

from .factories import ensure_default_ranks
from .selection_vote_attack import VOTERS, attack, build, close


@pytest.mark.django_db(transaction=True)
def test_a_dba_cannot_tell_who_cast_which_selection_ballot():
    ensure_default_ranks()
    scenario = build()
    close(scenario)
    stats = attack(scenario)
    print(json.dumps(stats))  # noqa: T201  (the figures SECURITY.md quotes)
    # The attack sees order where it exists: voter rows while the vote is open.
    assert stats["control_tau_voters_storage"] > 0.9 and stats["control_voter_xmins"] == VOTERS, stats
    # While open: the sealed ballots in no useful order, all written by the latest transaction.
    assert stats["sealed"] == VOTERS and stats["sealed_xmins"] == 1, stats
    for key in ("tau_sealed_storage", "tau_sealed_dump"):
        assert abs(stats[key]) < 0.5, (key, stats)  # sd 0.11 for n = 39
    assert stats["matches_sealed_voters_storage"] <= 6, stats  # Poisson(1): P(≥ 7) ≈ 8e-5
    # After the close: counts only, right; voters rewritten in random order by one transaction.
    assert stats["counts_right"] and stats["actual"] == VOTERS and stats["receipts_sorted"], stats
    assert stats["sealed_left"] == 0 and stats["sealed_in_dump"] == 0, stats
    for key in ("tau_voters_storage", "tau_voters_dump"):
        assert abs(stats[key]) < 0.5, (key, stats)
    assert stats["voter_xmins"] == 1 and stats["count_xmins"] == 1, stats
    assert stats["audit_entries"] == 0, stats
    # The files held the sealed ballots before the close, and hold none after the sweep.
    assert stats["control_tokens_in_files"] == VOTERS, stats
    assert stats["swept"] and stats["tokens_in_files"] == 0, stats
