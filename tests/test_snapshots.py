"""Membership snapshots: unit, role and rank as they were when a period opened."""

from datetime import date

import pytest

from cadres.models import SnapshotMember, UnitRole
from cadres.services import membership_snapshot_take

pytestmark = pytest.mark.django_db


def test_snapshot_keeps_unit_role_and_rank_after_the_cadre_moves(personas):
    snapshot = membership_snapshot_take(label="2026Q1", as_of=date(2026, 1, 1))
    cadre = personas.cadre
    cadre.unit = personas.other_unit
    cadre.role = UnitRole.TEAM_MEMBER
    cadre.save()
    member = SnapshotMember.objects.get(snapshot=snapshot, cadre=cadre)
    assert (member.unit, member.unit_category, member.role) == (personas.unit, personas.unit.category, "staff")
    assert snapshot.members.count() == 7  # every active cadre of the personas


def test_cadres_who_left_are_not_in_a_new_snapshot(personas, client):
    personas.stranger.is_active = False
    personas.stranger.save()
    snapshot = membership_snapshot_take(label="2026Q2", as_of=date(2026, 4, 1))
    assert not snapshot.members.filter(cadre=personas.stranger).exists()
