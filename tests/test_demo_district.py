"""The demo district at one date (2026-11-20), seeded once per module as each app adds its part: 任前公示,
选拔任用 and 监督 on top of the cadres, 晒实绩 and 考核 demo. Each layer is seeded once (the `shared`
fixture: a transaction rolled back after the module); each test checks its app's data and that
seeding the chain again changes nothing. The tests run in file order on one process: the publicity test
needs the district before selection adds its notices."""

from datetime import date

import pytest
from django.urls import reverse

from achievements import demo as achievements_demo
from cadres import demo as cadres_demo
from cadres.models import User
from evaluations import demo as evaluations_demo
from publicity import demo as publicity_demo
from publicity.models import Feedback, FeedbackEvent, GateCheck, Notice, NoticeState
from selection import demo as selection_demo
from selection import quota
from selection import rules as selection_rules
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
from supervision import demo as supervision_demo
from supervision.models import Report, RewardSanction, SupervisionInfo, TeamGrade

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo_district")]
TODAY = date(2026, 11, 20)
CHAIN = (cadres_demo, achievements_demo, evaluations_demo, publicity_demo, selection_demo)


def seed_through(last) -> None:
    """Seed the chain up to and including `last`, as `seed_demo` does."""
    for module in CHAIN[: CHAIN.index(last) + 1]:
        module.seed(TODAY)


@pytest.fixture(scope="module")
def up_to_publicity(shared):
    yield from shared(lambda: seed_through(publicity_demo))


@pytest.fixture(scope="module")
def up_to_selection(up_to_publicity, shared):
    yield from shared(lambda: selection_demo.seed(TODAY))


def publicity_counts() -> dict:
    return {model.__name__: model.objects.count() for model in (Notice, GateCheck, Feedback, FeedbackEvent)}


def selection_counts() -> dict:
    return {
        m.__name__: m.objects.count() for m in (ApprovedPost, Selection, Candidate, Nomination, ReserveEntry, VoteCount)
    }


def test_publicity_demo_shows_each_stage_and_is_idempotent(up_to_publicity):
    """The demo of 任前公示: a notice in publicity with feedback, one decided, one at the gate; idempotent."""
    first = publicity_counts()
    seed_through(publicity_demo)
    assert publicity_counts() == first == {"Notice": 3, "GateCheck": 10, "Feedback": 3, "FeedbackEvent": 7}

    live = Notice.objects.in_publicity(TODAY).get()
    assert live.cadre.code == publicity_demo.IN_PUBLICITY[0] and live.gate_checks.count() == 4
    assert set(live.feedback.values_list("state", flat=True)) == {"received", "verifying", "closed"}
    assert live.feedback.get(state="closed").finding == "unsubstantiated"
    assert "无年度考核结果记录" not in live.evaluation_results  # the evaluations demo has results

    decided = Notice.objects.get(state=NoticeState.DECIDED)
    assert decided.has_ended(TODAY) and decided.outcome == "appointed" and decided.outcome_reason

    waiting = Notice.objects.get(state=NoticeState.GATE)
    assert waiting.gate_checks.filter(result="passed").count() == 2


def test_selection_demo_has_each_step_quota_exception_pool_and_is_idempotent(up_to_selection):
    """The demo of selection work: posts and quotas (one over quota with an exception), a pool of about
    15, one selection stopped at each step; idempotent."""
    first = selection_counts()
    seed_through(selection_demo)
    assert selection_counts() == first
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


def test_selection_demo_pages_render_for_staff_and_the_demo_voter(client, up_to_selection):
    client.force_login(User.objects.get(username=selection_demo.STAFF))
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
    client.force_login(User.objects.get(username=selection_demo.DEMO_VOTER))
    page = client.get(reverse("selection:my_ballots")).content.decode()
    assert "海推（实名推荐）" in page and "公推会议" in page and 'id="closed-votes"' in page
    talk = VoteEvent.objects.get(kind="talk", mode="online")
    assert client.get(reverse("selection:receipts", args=[talk.pk])).status_code == 200
    assert "海推（实名推荐）" in page and "公推会议" in page and "考察民主测评" in page
    client.force_login(User.objects.get(username="jiwei"))
    page = client.get(reverse("selection:discipline_list")).content.decode()
    assert "回复意见" in page
    client.force_login(User.objects.get(username=selection_demo.STAFF))
    for selection in Selection.objects.filter(state=State.CANDIDATES):
        for name in ("selection:inspection", "selection:comparison", "selection:process_record"):
            assert client.get(reverse(name, args=[selection.pk])).status_code == 200, name


def test_supervision_demo_has_each_piece_and_is_idempotent(up_to_selection):
    """The demo of supervision: a substantiated phone report and the 诫勉 that refuses a demo candidate's
    promotion, an open report and an audit finding at the notice gate, a 黄牌警告 under rectification,
    a 嘉奖 for an 优秀 year, a web report; idempotent."""
    supervision_demo.seed(TODAY)
    first = (Report.objects.count(), RewardSanction.objects.count(), SupervisionInfo.objects.count())
    supervision_demo.seed(TODAY)
    assert (Report.objects.count(), RewardSanction.objects.count(), SupervisionInfo.objects.count()) == first
    assert set(Report.objects.values_list("channel", flat=True)) == {"phone", "letter", "web"}
    assert set(RewardSanction.objects.values_list("kind", flat=True)) >= {"admonition", "yellow_card"}
    admonition = RewardSanction.objects.get(kind="admonition")
    phone = Report.objects.get(channel="phone")
    assert (phone.state, phone.finding, phone.cadre) == ("closed", "substantiated", admonition.cadre)
    selection = Selection.objects.get(post__unit__name="青石镇", post__title="副镇长")
    selection.qualification_date = TODAY
    failures = selection_rules.qualification_failures(admonition.cadre, selection)
    assert any(f"影响期至 {admonition.impact_end.isoformat()}" in f for f in failures)
    assert RewardSanction.objects.get(kind="yellow_card").rectify_status == "open"
    assert SupervisionInfo.objects.get().cadre.code == "DHJ003"
    assert TeamGrade.objects.filter(year=TODAY.year - 1).exists()
