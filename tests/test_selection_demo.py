"""The demo of selection work: posts and quotas (one over quota with an exception), a pool of about
15, one selection stopped at each step; idempotent."""

from datetime import date

import pytest

from achievements import demo as achievements_demo
from cadres import demo as cadres_demo
from evaluations import demo as evaluations_demo
from publicity import demo as publicity_demo
from publicity.models import NoticeState
from selection import demo, quota
from selection.models import (
    ApprovedPost,
    ArchivedCandidate,
    Candidate,
    DisciplineOpinion,
    Nomination,
    ReserveEntry,
    SealedVote,
    Selection,
    State,
    VoteCount,
    VoteEvent,
)

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 20)


def counts() -> dict:
    return {
        m.__name__: m.objects.count() for m in (ApprovedPost, Selection, Candidate, Nomination, ReserveEntry, VoteCount)
    }


def seed_all() -> None:
    cadres_demo.seed(TODAY)
    achievements_demo.seed(TODAY)
    evaluations_demo.seed(TODAY)
    publicity_demo.seed(TODAY)
    demo.seed(TODAY)


def test_demo_has_each_step_quota_exception_pool_and_is_idempotent():
    seed_all()
    first = counts()
    seed_all()
    assert counts() == first
    states = list(Selection.objects.values_list("state", flat=True))
    for state in (
        State.PLAN,
        State.NOMINATION,
        State.ROUND1_PUBLICITY,
        State.ROUND2,
        State.RECOMMENDATION,
        State.CANDIDATES,
    ):
        assert state in states, state
    over = Selection.objects.exclude(quota_exception_document="").get()
    assert quota.status_of(over.post, exclude_selection=over.pk).free == 0
    assert 13 <= ReserveEntry.objects.filter(is_active=True).count() <= 17
    done = Selection.objects.get(state=State.CANDIDATES, decision__isnull=True)
    assert done.candidates.filter(is_inspection_candidate=True).count() == 1
    talk = VoteEvent.objects.get(selection=done, kind="talk")
    assert (talk.mode, talk.expected, talk.actual, len(talk.receipts)) == ("online", 25, 24, 24)
    assert sorted(talk.counts.values_list("votes", flat=True)) == [7, 17]
    assert not SealedVote.objects.filter(event=talk).exists()
    # The open online 公推: nine ballots sealed, no counter moved.
    open_vote = VoteEvent.objects.get(is_open=True, mode="online")
    assert SealedVote.objects.filter(event=open_vote).count() == 9
    assert set(open_vote.counts.values_list("votes", flat=True)) == {0}
    # Part 2: that one is under inspection (the 测 open, the opinion to come); another went the whole way.
    assert done.inspection_members.filter(role="discipline").exists()
    assert done.inspection_poll.is_open and not DisciplineOpinion.objects.filter(candidate__selection=done).exists()
    decided = Selection.objects.get(decision__isnull=False)
    notice = decided.decision.notice
    assert notice.state == NoticeState.DECIDED and notice.outcome == "appointed"
    assert notice.gate_checks.get(kind="discipline").checked_by.username == "jiwei"
    assert ArchivedCandidate.objects.filter(candidate__selection=decided).count() == 1
    steps = list(decided.process_entries.values_list("step", flat=True))
    assert steps[0] == "制定工作方案" and steps[-2:] == ["任用决定", "任职试用期"] and "常委会" in steps
    # After the appointment: one confirmed, one running with its reminder sent, one extended.
    from core.models import Notification
    from selection.models import Probation, ProbationStatus
    from selection.services.probation import reminder_due

    others = Probation.objects.filter(decision__isnull=True)
    assert others.filter(status=ProbationStatus.CONFIRMED).count() == 1
    extended = [p for p in others.filter(status=ProbationStatus.RUNNING) if p.is_extended]
    due = [p for p in others.filter(status=ProbationStatus.RUNNING) if reminder_due(p, TODAY)]
    assert len(extended) == 1 and len(due) == 1 and not due[0].is_extended
    assert Notification.objects.filter(
        title__contains=due[0].cadre.name, title__startswith="任职试用期即将期满"
    ).exists()
    _units, totals = quota.occupancy()
    assert totals["vacancies"] >= 6


def test_demo_pages_render_for_staff_and_the_demo_voter(client):
    from django.urls import reverse

    from cadres.models import User

    seed_all()
    client.force_login(User.objects.get(username=demo.STAFF))
    for selection in Selection.objects.all():
        response = client.get(reverse("selection:selection_detail", args=[selection.pk]))
        assert response.status_code == 200, selection.state
    invalid = Selection.objects.get(state=State.RECOMMENDATION)
    page = client.get(reverse("selection:selection_detail", args=[invalid.pk])).content.decode()
    assert "到会人数不足，推荐无效" in page
    for name in (
        "selection:post_list",
        "selection:pool",
        "selection:structure",
        "selection:selection_list",
        "selection:probation_list",
        "selection:briefing_list",
    ):
        assert client.get(reverse(name)).status_code == 200
    public = Selection.objects.get(state=State.ROUND1_PUBLICITY)
    client.logout()
    assert client.get(reverse("selection:public_round1", args=[public.public_id])).status_code == 200
    client.force_login(User.objects.get(username=demo.DEMO_VOTER))
    page = client.get(reverse("selection:my_ballots")).content.decode()
    assert "海推（实名推荐）" in page and "公推会议" in page and 'id="closed-votes"' in page
    talk = VoteEvent.objects.get(kind="talk", mode="online")
    assert client.get(reverse("selection:receipts", args=[talk.pk])).status_code == 200
    assert "海推（实名推荐）" in page and "公推会议" in page and "考察民主测评" in page
    client.force_login(User.objects.get(username="jiwei"))
    page = client.get(reverse("selection:discipline_list")).content.decode()
    assert "回复意见" in page
    client.force_login(User.objects.get(username=demo.STAFF))
    for selection in Selection.objects.filter(state=State.CANDIDATES):
        for name in ("selection:inspection", "selection:comparison", "selection:process_record"):
            assert client.get(reverse(name, args=[selection.pk])).status_code == 200, name
