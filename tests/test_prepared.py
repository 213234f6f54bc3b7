"""Querysets compiled once per process (core/prepared.py): the rater's sheet and the period come back
as the ORM would make them (fields, select_related objects, annotations) in one query, and every
other answer — no such row, another rater's sheet, an id that is not a number — is the same 404."""

from __future__ import annotations

import pytest
from django.http import Http404

from evaluations import access
from evaluations.models import Period, SheetAssignment, SheetDraft

from .factories import assignment, make_team, open_period

pytestmark = pytest.mark.django_db


def _fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


@pytest.fixture
def sheets(db):
    team = make_team("预编译镇", team_members=2, staff=3, accounts=True)
    period = open_period()
    return team, period, assignment(period, team["S1"], team.unit), assignment(period, team["S2"], team.unit)


def test_the_raters_sheet_as_the_orm_gives_it(sheets, django_assert_num_queries) -> None:
    team, period, mine, _theirs = sheets
    SheetDraft.objects.create(assignment=mine, sealed=b"sealed-bytes")
    user = team["S1"].user
    user.refresh_from_db()
    user.cadre  # noqa: B018  # loaded before counting, as a request has it
    expected = _fields(SheetAssignment.objects.get(pk=mine.pk))
    with django_assert_num_queries(1):
        sheet = access.get_assignment_for_rater(user, mine.pk)
        assert _fields(sheet) == expected
        assert sheet.period.pk == period.pk and sheet.unit.pk == team.unit.pk
        assert bytes(sheet.draft_sealed) == b"sealed-bytes" and sheet.draft_saved_at is not None
        assert sheet.is_submitted is False
    assert _fields(sheet.period) == _fields(Period.objects.get(pk=period.pk))
    assert access.get_assignment_for_rater(user, str(mine.pk)).pk == mine.pk


def test_no_draft_and_odd_ids(sheets) -> None:
    team, _period, mine, theirs = sheets
    user = team["S1"].user
    sheet = access.get_assignment_for_rater(user, mine.pk)
    assert sheet.draft_sealed is None and sheet.draft_saved_at is None
    for pk in (theirs.pk, str(theirs.pk), 10**9, 2**63, -1, "x", "1 ", "١", None, 1.0):
        with pytest.raises(Http404):
            access.get_assignment_for_rater(user, pk)


def test_the_period(sheets, django_assert_num_queries) -> None:
    _team, period, _mine, _theirs = sheets
    expected = _fields(Period.objects.get(pk=period.pk))
    with django_assert_num_queries(1):
        found = access.get_period(period.pk)
        assert _fields(found) == expected
        assert found.snapshot_id is None or found.snapshot.pk == found.snapshot_id
    for pk in (10**9, 2**63, "x", None):
        with pytest.raises(Http404):
            access.get_period(pk)
