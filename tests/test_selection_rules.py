"""Selection rules and services: qualifications, quotas, the top-K cut, thresholds at their edges."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from cadres.models import Cadre, LeadershipTier
from selection import rules
from selection.errors import SelectionError
from selection.models import (
    Candidate,
    Education,
    ReserveEntry,
    SealedVote,
    SelectionSettings,
    State,
    VoteKind,
    VoteMode,
)
from selection.services import reserves, votes
from selection.services import selections as services

from .factories import DAY, CadreFactory, nominees, open_selection, post_with_vacancy, rank, voters

pytestmark = pytest.mark.django_db


# --- Qualifications -------------------------------------------------------------------------------


def test_age_exactly_at_the_limit_passes_and_one_day_older_fails(personas):
    post = post_with_vacancy(personas.unit)
    selection = open_selection(post, personas.org_staff.user, max_age=40)
    at_limit = CadreFactory(unit=personas.unit, birth_date=date(1986, 6, 1))  # 40 on DAY
    older = CadreFactory(unit=personas.unit, birth_date=date(1986, 5, 31))  # 40 and one day
    assert selection.qualification_date == DAY
    assert rules.qualification_failures(at_limit, selection) == []
    # 41st birthday is 2027-05-31; on DAY this cadre is still 40 → passes; one born a year earlier fails.
    assert rules.qualification_failures(older, selection) == []
    too_old = CadreFactory(unit=personas.unit, birth_date=date(1985, 5, 31))
    failures = rules.qualification_failures(too_old, selection)
    assert failures == ["2026-06-01 时年龄 41 周岁，超过 40 周岁的上限"]


def test_each_failed_qualification_has_its_reason(personas):
    post = post_with_vacancy(personas.unit)
    selection = open_selection(
        post,
        personas.org_staff.user,
        min_rank=rank("副科级"),
        min_years_in_rank=2,
        min_education=Education.BACHELOR,
    )
    cadre = CadreFactory(unit=personas.unit, rank=rank("一般干部"), education="大专")
    failures = rules.qualification_failures(cadre, selection)
    assert failures == [
        "职级为一般干部，须为副科级或以上",
        "档案中没有任现职级时间，无法核对任职年限",
        "学历为大专，须为大学本科或以上",
    ]
    good = CadreFactory(unit=personas.unit, rank=rank("副科级"), education="大学本科", rank_since=date(2024, 6, 1))
    assert rules.qualification_failures(good, selection) == []
    short = CadreFactory(unit=personas.unit, rank=rank("正科级"), education="研究生", rank_since=date(2024, 6, 2))
    assert rules.qualification_failures(short, selection) == ["任现职级 1 年（自 2024-06-02），须满 2 年"]


# --- Quota -------------------------------------------------------------------------------------------


def test_opening_beyond_the_quota_is_refused_naming_it_unless_an_exception_is_recorded(personas):
    post = post_with_vacancy(personas.unit, title="副主任", count=1)
    CadreFactory(unit=personas.unit, post_title="副主任")  # the one approved post is held
    staff = personas.org_staff.user
    with pytest.raises(SelectionError) as refused:
        open_selection(post, staff)
    assert "区教师发展中心副主任核定职数 1 名，现有 1 名" in refused.value.message
    assert refused.value.field == "quota_exception_document"
    selection = open_selection(
        post, staff, quota_exception_document="青组干〔2026〕12号", quota_exception_reason="援派"
    )
    assert selection.quota_exception_document == "青组干〔2026〕12号"
    assert selection.quota_exception_by == staff


def test_an_open_selection_takes_the_vacancy(personas):
    post = post_with_vacancy(personas.unit, count=1)
    open_selection(post, personas.org_staff.user)
    with pytest.raises(SelectionError, match="正在选拔 1 名"):
        open_selection(post, personas.org_staff.user)


# --- Top K with ties ----------------------------------------------------------------------------------


def test_top_k_everyone_tied_at_the_line_passes_and_zero_never():
    votes_ = [(1, 9), (2, 7), (3, 7), (4, 5), (5, 5), (6, 5), (7, 2), (8, 0)]
    assert rules.top_n(votes_, 5) == {1, 2, 3, 4, 5, 6}
    assert rules.top_n(votes_, 3) == {1, 2, 3}
    assert rules.top_n(votes_, 2) == {1, 2, 3}
    assert rules.top_n([(1, 0), (2, 1)], 5) == {2}


def _nominate(selection, pairs):
    for nominator, nominee in pairs:
        services.nomination_sign(selection=selection, nominator=nominator, nominee=nominee)


def test_round1_counts_signed_nominations_and_cuts_at_k_with_ties(personas):
    staff = personas.org_staff.user
    SelectionSettings.objects.update_or_create(year=DAY.year, defaults={"round1_top_k": 2})
    post = post_with_vacancy(personas.unit)
    selection = open_selection(post, staff)
    vs = voters(personas.unit, 6)
    people = nominees(personas.other_unit, 4)
    services.selection_start_nomination(selection=selection, voter_ids=[v.pk for v in vs], actor=staff)
    # A: 3, B: 1, C: 1, D: 1 → K=2: A, and B/C/D tied at the line all pass.
    _nominate(selection, [(vs[0], people[0]), (vs[1], people[0]), (vs[2], people[0])])
    _nominate(selection, [(vs[3], people[1]), (vs[4], people[2]), (vs[5], people[3])])
    with pytest.raises(SelectionError, match="已经在这次海推中签名推荐过了"):
        services.nomination_sign(selection=selection, nominator=vs[0], nominee=people[1])
    selection = services.round1_close(selection=selection, actor=staff)
    assert selection.state == State.ROUND2
    passed = set(
        Candidate.objects.filter(selection=selection, round1_passed=True).values_list("cadre__name", flat=True)
    )
    assert passed == {p.name for p in people}


def test_a_voter_off_the_list_cannot_nominate(personas):
    staff = personas.org_staff.user
    selection = open_selection(post_with_vacancy(personas.unit), staff)
    vs = voters(personas.unit, 1)
    services.selection_start_nomination(selection=selection, voter_ids=[vs[0].pk], actor=staff)
    with pytest.raises(SelectionError, match="不在这次海推的参加人员名单中"):
        services.nomination_sign(selection=selection, nominator=personas.stranger, nominee=personas.cadre)


# --- Democratic recommendation thresholds ---------------------------------------------------------------


def _to_recommendation(personas, *, n_finalists=1):
    staff = personas.org_staff.user
    selection = open_selection(post_with_vacancy(personas.unit), staff, rounds=1)
    vs = voters(personas.unit, n_finalists)
    people = nominees(personas.other_unit, n_finalists)
    services.selection_start_nomination(selection=selection, voter_ids=[v.pk for v in vs], actor=staff)
    _nominate(selection, zip(vs, people, strict=True))
    selection = services.round1_close(selection=selection, actor=staff)
    assert selection.state == State.RECOMMENDATION
    return selection, people


def _paper(selection, kind, *, expected, actual, votes_for):
    staff = selection.created_by
    event = votes.event_setup(selection=selection, kind=kind, mode=VoteMode.PAPER, expected=expected, actor=staff)
    candidate = Candidate.objects.get(selection=selection)
    votes.paper_counts_enter(event=event, actual=actual, counts={candidate.pk: votes_for}, actor=staff)


@pytest.mark.parametrize(
    ("actual", "valid"),
    [(7999, False), (8000, True)],
    ids=["79.99%-invalid", "80%-valid"],
)
def test_attendance_edge(personas, actual, valid):
    from selection import selectors

    selection, people = _to_recommendation(personas)
    ReserveEntry.objects.create(
        cadre=people[0], tier=LeadershipTier.DEPUTY, source="staff", reason="x", entered_on=DAY, review_on=DAY
    )
    _paper(selection, VoteKind.MEETING, expected=10000, actual=actual, votes_for=actual)
    _paper(selection, VoteKind.TALK, expected=100, actual=100, votes_for=100)
    outcome = selectors.recommendation_outcome(selection)
    assert outcome.meeting.attendance.percent == Decimal(actual) / 100
    assert outcome.meeting.valid is valid
    assert outcome.rows[0].passes is valid


@pytest.mark.parametrize(("votes_for", "passes"), [(3000, False), (3001, True)], ids=["30%-no", "30.01%-yes"])
def test_vote_share_edge(personas, votes_for, passes):
    selection, people = _to_recommendation(personas)
    ReserveEntry.objects.create(
        cadre=people[0], tier=LeadershipTier.DEPUTY, source="staff", reason="x", entered_on=DAY, review_on=DAY
    )
    _paper(selection, VoteKind.MEETING, expected=10000, actual=10000, votes_for=votes_for)
    _paper(selection, VoteKind.TALK, expected=10000, actual=10000, votes_for=9000)
    selection = services.candidates_finalize(selection=selection, actor=selection.created_by)
    assert selection.state == State.CANDIDATES
    assert Candidate.objects.get(selection=selection).is_inspection_candidate is passes


def test_thresholds_are_settings(personas):
    SelectionSettings.objects.update_or_create(
        year=DAY.year, defaults={"min_attendance_percent": Decimal("90"), "min_vote_percent": Decimal("50")}
    )
    # Another year's numbers do not reach this selection (its reference date is in DAY's year).
    SelectionSettings.objects.create(year=DAY.year - 1, min_attendance_percent=Decimal("50"))
    from selection import selectors

    selection, _people = _to_recommendation(personas)
    _paper(selection, VoteKind.MEETING, expected=100, actual=85, votes_for=80)
    _paper(selection, VoteKind.TALK, expected=100, actual=100, votes_for=50)
    outcome = selectors.recommendation_outcome(selection)
    assert outcome.meeting.valid is False
    assert outcome.rows[0].talk_share == Decimal("50.00")
    assert outcome.rows[0].passes is False


def test_outside_the_pool_needs_a_recorded_exception(personas):
    selection, _people = _to_recommendation(personas)
    _paper(selection, VoteKind.MEETING, expected=10, actual=10, votes_for=9)
    _paper(selection, VoteKind.TALK, expected=10, actual=10, votes_for=9)
    staff = selection.created_by
    with pytest.raises(SelectionError, match="未列入后备干部库"):
        services.candidates_finalize(selection=selection, actor=staff)
    services.reserve_exception_record(
        candidate=Candidate.objects.get(selection=selection), reason="急需专业人才", actor=staff
    )
    assert services.candidates_finalize(selection=selection, actor=staff).state == State.CANDIDATES


def test_settings_are_per_year_with_defaults_for_a_year_without_its_own(personas):
    """The selection reads the settings of its reference date's year; other years do not reach it,
    a year without a row reads the defaults; the reserve rule and the review interval alike."""
    SelectionSettings.objects.create(year=DAY.year + 1, reserve_required=True, reserve_review_months=6)
    SelectionSettings.objects.create(year=DAY.year, reserve_required=False, reserve_review_months=24)
    selection, _people = _to_recommendation(personas)
    assert selection.qualification_date.year == DAY.year
    _paper(selection, VoteKind.MEETING, expected=10, actual=10, votes_for=9)
    _paper(selection, VoteKind.TALK, expected=10, actual=10, votes_for=9)
    # Outside the pool, yet no exception needed: the rule is off in this selection's year.
    assert services.candidates_finalize(selection=selection, actor=selection.created_by).state == State.CANDIDATES
    assert reserves.default_review_date(DAY) == date(DAY.year + 2, DAY.month, DAY.day)
    assert reserves.default_review_date(date(DAY.year + 1, 3, 31)) == date(DAY.year + 1, 9, 30)
    assert reserves.default_review_date(date(DAY.year - 1, 1, 31)) == date(DAY.year, 1, 31)  # the default 12
    assert SelectionSettings.for_year(DAY.year - 1).pk is None


def test_online_vote_keeps_only_counts_and_who_voted(personas):
    selection, _people = _to_recommendation(personas)
    staff = selection.created_by
    vs = voters(personas.unit, 3, prefix="M")
    event = votes.event_setup(
        selection=selection, kind=VoteKind.MEETING, mode=VoteMode.ONLINE, voter_ids=[v.pk for v in vs], actor=staff
    )
    candidate = Candidate.objects.get(selection=selection)
    receipt = votes.vote_cast(event_id=event.pk, voter=vs[0], candidate_ids=[candidate.pk])
    with pytest.raises(SelectionError, match="已经投过票"):
        votes.vote_cast(event_id=event.pk, voter=vs[0], candidate_ids=[candidate.pk])
    with pytest.raises(SelectionError, match="请至少选择一人"):
        votes.vote_cast(event_id=event.pk, voter=vs[1], candidate_ids=[])
    event.refresh_from_db()
    # While the vote is open the ballot is sealed: no counter has moved.
    assert event.actual == 0 and event.counts.get().votes == 0
    assert SealedVote.objects.filter(event=event).count() == 1
    votes.event_close(event=event, actor=staff)
    event.refresh_from_db()
    assert event.actual == 1
    assert event.counts.get().votes == 1
    assert event.receipts == [receipt] and not SealedVote.objects.filter(event=event).exists()
    voter_fields = {f.name for f in event.voters.model._meta.get_fields()}
    assert voter_fields == {"id", "event", "cadre", "has_voted", "voted_on"}
    count_fields = {f.name for f in event.counts.model._meta.get_fields()}
    assert count_fields == {"id", "event", "candidate", "votes"}


def test_reserve_entry_by_staff_needs_reason_and_review_after_entry(personas):
    staff = personas.org_staff.user
    with pytest.raises(SelectionError, match="请填写列入理由"):
        reserves.reserve_add(cadre=personas.cadre, tier="deputy", reason=" ", entered_on=DAY, actor=staff)
    with pytest.raises(SelectionError, match="复核日期不能早于列入日期"):
        reserves.reserve_add(
            cadre=personas.cadre, tier="deputy", reason="优秀", entered_on=DAY, review_on=date(2026, 5, 1), actor=staff
        )
    entry = reserves.reserve_add(cadre=personas.cadre, tier="deputy", reason="优秀", entered_on=DAY, actor=staff)
    assert entry.review_on == date(2027, 6, 1)
    assert Cadre.objects.get(pk=personas.cadre.pk).reserve_entries.count() == 1


def test_round1_publicity_lasts_the_set_working_days_and_starts_on_a_working_day(personas):
    staff = personas.org_staff.user
    SelectionSettings.objects.update_or_create(year=DAY.year, defaults={"round1_publicity_workdays": 7})
    selection = open_selection(post_with_vacancy(personas.unit), staff)
    vs = voters(personas.unit, 1)
    services.selection_start_nomination(selection=selection, voter_ids=[vs[0].pk], actor=staff)
    services.nomination_sign(selection=selection, nominator=vs[0], nominee=personas.cadre)
    with pytest.raises(SelectionError, match="公示期须从工作日开始"):
        services.round1_close(
            selection=selection, actor=staff, publicity_start=date(2026, 5, 30), today=date(2026, 5, 29)
        )
    with pytest.raises(SelectionError, match="不能早于今天"):
        services.round1_close(
            selection=selection, actor=staff, publicity_start=date(2026, 5, 28), today=date(2026, 5, 29)
        )
    selection = services.round1_close(
        selection=selection, actor=staff, publicity_start=date(2026, 6, 1), today=date(2026, 5, 29)
    )
    assert selection.state == State.ROUND1_PUBLICITY
    assert (selection.publicity_start, selection.publicity_end) == (date(2026, 6, 1), date(2026, 6, 9))
    with pytest.raises(SelectionError, match="公示期至 2026-06-09 结束"):
        services.publicity_end(selection=selection, actor=staff, today=date(2026, 6, 9))
    assert services.publicity_end(selection=selection, actor=staff, today=date(2026, 6, 10)).state == State.ROUND2
