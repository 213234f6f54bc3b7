"""The demo district at one date (2026-11-20), seeded once for this module a layer at a time, as
`seed_demo` does it (cadres.demo.seed_district: cadres, 晒实绩, 考核, 任前公示, 选拔任用, 监督). Each layer
is seeded once (the `shared` fixture: a transaction rolled back after the module) and each test checks
its app's part on the layer it needs, and that seeding that part again changes nothing. The tests run
in file order on one process: a layer stays in place until the end of the module, so the tests that
need fewer parts come first (the publicity test needs the district before selection adds its notices).
"""

import re
from collections import Counter
from datetime import date, datetime, time

import pytest
from django.core.management import call_command
from django.db.models import Count, F
from django.test import override_settings
from django.urls import reverse

from achievements.deductions import deduction_report
from achievements.models import (
    Achievement,
    AchievementAttachment,
    AchievementParticipant,
    AssessmentState,
    DailyLog,
    LeavePeriod,
    SelfAssessment,
    Summary,
    VerificationStatus,
)
from achievements.rules import SHANGHAI
from achievements.selectors import open_days
from cadres.demo import district_apps, seed_district
from cadres.models import Cadre, Unit, UnitCategory, UnitRole, User
from core.models import Notification
from evaluations.models import (
    AnnualResult,
    FollowUp,
    GradeChange,
    Period,
    PeriodKind,
    PeriodState,
    QuarterlyResult,
    RateeScores,
    SheetAssignment,
    SheetDraft,
    SheetQuality,
    SheetSubmission,
)
from publicity import demo as publicity_demo
from publicity import rules as publicity_rules
from publicity.models import Feedback, FeedbackEvent, GateCheck, Notice, NoticeState
from selection import appointment_form, quota
from selection import demo as selection_demo
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
from supervision.models import Report, RewardSanction, SupervisionInfo, TeamGrade

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo_district")]
TODAY = date(2026, 11, 20)
HEAD_POSTS = ("主任", "科长", "局长", "部长", "书记", "组长")


def seed(*, after: str | None = None, through: str | None = None) -> None:
    """Seed the parts of the district after `after` up to and including `through` (app labels)."""
    seed_district(TODAY, parts=district_apps(after=after, through=through))


# --- The layers ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def district_media(tmp_path_factory):
    """The files the demo writes (portraits, evidence), shared by the layers and the tests that read them."""
    return tmp_path_factory.mktemp("district-media")


@pytest.fixture(autouse=True)
def _district_media_root(_private_media_root, settings, district_media) -> None:
    settings.MEDIA_ROOT = district_media


def layer(shared, district_media, **parts):
    def build() -> None:
        with override_settings(MEDIA_ROOT=district_media):
            seed(**parts)

    return shared(build)


@pytest.fixture(scope="module")
def cadres_only(shared, district_media):
    yield from layer(shared, district_media, through="cadres")


@pytest.fixture(scope="module")
def up_to_evaluations(cadres_only, shared, district_media):
    yield from layer(shared, district_media, after="cadres", through="evaluations")


@pytest.fixture(scope="module")
def up_to_publicity(up_to_evaluations, shared, district_media):
    yield from layer(shared, district_media, after="evaluations", through="publicity")


@pytest.fixture(scope="module")
def up_to_selection(up_to_publicity, shared, district_media):
    yield from layer(shared, district_media, after="publicity", through="selection")


@pytest.fixture(scope="module")
def whole_district(up_to_selection, shared, district_media):
    yield from layer(shared, district_media, after="selection")


# --- Cadres --------------------------------------------------------------------------------------


def test_demo_district_has_every_category_a_small_unit_and_no_two_heads_of_one_office(cadres_only):
    """The demo district of the cadres app: rules.md §2 data a reviewer would believe."""
    assert set(Unit.objects.values_list("category", flat=True)) == set(UnitCategory.values)
    assert Unit.objects.count() >= 6
    sizes = Counter(Cadre.objects.values_list("unit__name", flat=True))
    assert min(sizes.values()) < 8 and 70 <= sum(sizes.values()) <= 100
    assert set(Cadre.objects.values_list("role", flat=True)) == set(UnitRole.values)
    # One 考核办主任 or 规划科科长 per unit (deputies may be several): a second head is a second office.
    heads = Counter(
        (unit, post)
        for unit, post in Cadre.objects.values_list("unit__name", "post_title")
        if post.endswith(HEAD_POSTS) and "副" not in post
    )
    assert [key for key, count in heads.items() if count > 1] == []


# --- Evaluations ---------------------------------------------------------------------------------


def evaluation_counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (Period, SheetAssignment, SheetSubmission, RateeScores, QuarterlyResult, AnnualResult, FollowUp)
    }


def test_evaluations_demo_shows_every_state_and_is_idempotent(up_to_evaluations):
    """The demo data of the evaluations app: every page has something to show; running it twice changes nothing."""
    first = evaluation_counts()
    seed_district(TODAY, parts=["cadres", "evaluations"])
    assert evaluation_counts() == first

    states = dict(Period.objects.filter(kind=PeriodKind.QUARTERLY).values_list("quarter", "state").filter(year=2026))
    assert states == {1: PeriodState.PUBLISHED, 2: PeriodState.PUBLISHED, 3: PeriodState.OPEN}
    assert Period.objects.filter(year=2025, state=PeriodState.PUBLISHED).count() == 5  # four quarters and the year
    open_period = Period.objects.get(year=2026, quarter=3)
    done = SheetSubmission.objects.filter(assignment__period=open_period).count()
    total = SheetAssignment.objects.filter(period=open_period).count()
    assert 0.4 < done / total < 0.8  # partial completion
    assert not SheetSubmission.objects.filter(assignment__period=open_period, assignment__rater__code="QSZ008").exists()
    assert SheetDraft.objects.filter(assignment__rater__code="QSZ008").exists()

    assert QuarterlyResult.objects.filter(period__year=2026, period__quarter=2, score__isnull=False).count() > 80
    assert SheetQuality.objects.filter(is_flat=True).exists() and SheetQuality.objects.filter(is_outlier=True).exists()
    by_year = dict(AnnualResult.objects.filter(is_published=True).values_list("year").annotate(n=Count("pk")))
    assert set(by_year) == {2023, 2024, 2025} and min(by_year.values()) > 80
    assert GradeChange.objects.count() == 2
    kinds = set(FollowUp.objects.filter(year=2025).values_list("kind", flat=True))
    assert kinds == {"reminder_talk", "admonition_talk", "organizational"}


def test_demo_archive_shows_last_years_tab_results_and_a_working_dossier_form(client, up_to_evaluations):
    """A cadre's archive has the 2025 tab with the published results of that year, and the dossier
    form on the 2025 page downloads."""
    result = AnnualResult.objects.filter(year=2025, is_published=True, cadre__user__isnull=False).first()
    assert result is not None
    cadre = result.cadre
    quarters = QuarterlyResult.objects.filter(cadre=cadre, period__year=2025, period__state=PeriodState.PUBLISHED)
    assert quarters.count() == 4
    client.force_login(cadre.user)

    page = client.get(reverse("achievements:my_archive"), follow=True).content.decode()
    tabs = page.split('id="archive-years"', 1)[1].split("</ul>", 1)[0]
    assert ">2025</a>" in tabs

    past = client.get(reverse("achievements:cadre_archive", args=[cadre.pk, 2025])).content.decode()
    table = past.split('id="archive-results"', 1)[1].split("</table>", 1)[0]
    for quarter in quarters:
        assert f"第{quarter.period.quarter}季度" in table and str(quarter.score) in table
    assert str(result.annual_score) in table
    form = past.split('id="dossier-form"', 1)[1].split("</form>", 1)[0]
    year_from = re.search(r'name="year_from"[^>]*value="(\d+)"', form).group(1)
    year_to = re.search(r'name="year_to"[^>]*value="(\d+)"', form).group(1)
    assert int(year_from) <= int(year_to) == 2025
    pdf = client.get(reverse("achievements:dossier_pdf", args=[cadre.pk]), {"year_from": year_from, "year_to": year_to})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_demo_open_period_notice_gives_the_deadline_the_period_page_shows(client, up_to_evaluations):
    """A period's rating deadline is one value: the open period's opening notice gives the date its
    page shows (the demo's open period runs to eight days after the demo date)."""
    period = Period.objects.get(year=2026, quarter=3)
    assert period.state == PeriodState.OPEN and period.deadline == date(2026, 11, 28)
    bodies = set(Notification.objects.filter(dedupe_key=f"evaluations:open:{period.pk}").values_list("body", flat=True))
    assert bodies == {"请在 2026-11-28 前完成您的测评表。"}
    client.force_login(User.objects.get(username="ZZB004"))
    page = client.get(reverse("evaluations:period_detail", args=[period.pk])).content.decode()
    assert '<dd id="period-deadline">2026-11-28</dd>' in page


# --- Publicity -----------------------------------------------------------------------------------


def publicity_counts() -> dict:
    return {model.__name__: model.objects.count() for model in (Notice, GateCheck, Feedback, FeedbackEvent)}


def selection_counts() -> dict:
    return {
        m.__name__: m.objects.count() for m in (ApprovedPost, Selection, Candidate, Nomination, ReserveEntry, VoteCount)
    }


def test_publicity_demo_shows_each_stage_and_is_idempotent(up_to_publicity):
    """The demo of 任前公示: a notice in publicity with feedback, one decided, one at the gate; idempotent."""
    first = publicity_counts()
    seed(through="publicity")
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


def test_demo_has_real_channels_and_a_signed_notice(client, up_to_publicity):
    """Notices carry real channels and a 落款: the demo's settings hold no placeholder."""
    assert publicity_rules.placeholder_settings() == []
    published = Notice.objects.filter(state__in=[NoticeState.PUBLISHED, NoticeState.DECIDED])
    assert published.count() == 2
    for notice in published:
        assert not publicity_rules.has_placeholder(notice.feedback_channels)
        assert notice.issued_by == "中共青山区委组织部"
    live = published.get(state=NoticeState.PUBLISHED)
    page = client.get(reverse("public:notice_detail", args=[live.public_id])).content.decode()
    assert "××" not in page and "0000-12380" not in page and "0472-12380" in page
    assert 'id="notice-signature">中共青山区委组织部' in page


# --- Selection -----------------------------------------------------------------------------------


def test_selection_demo_has_each_step_quota_exception_pool_and_is_idempotent(up_to_selection):
    """The demo of selection work: posts and quotas (one over quota with an exception), a pool of about
    15, one selection stopped at each step; idempotent."""
    first = selection_counts()
    seed(through="selection")
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


# --- Supervision, and the whole district ---------------------------------------------------------


def test_supervision_demo_has_each_piece_and_is_idempotent(whole_district):
    """The demo of supervision: a substantiated phone report and the 诫勉 that refuses a demo candidate's
    promotion, an open report and an audit finding at the notice gate, a 黄牌警告 under rectification,
    a 嘉奖 for an 优秀 year, a web report; idempotent."""
    first = (Report.objects.count(), RewardSanction.objects.count(), SupervisionInfo.objects.count())
    seed(after="selection")
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


def test_the_demo_cadres_appointment_form_is_full(whole_district):
    """The official appointment form of the demo cadre has every cell filled, from every part of the district."""
    seed(through="cadres")  # idempotent: nothing added twice
    cadre = Cadre.objects.get(code="QSZ008")
    assert cadre.family_members.count() == 3 and cadre.education_entries.exists() and cadre.photo
    form = appointment_form.build_form(cadre, as_of=TODAY)
    assert form.birthplace and form.health and form.specialty and form.full_time.level and form.full_time.level_school
    assert form.resume_lines and form.photo and form.reporting_unit
    assert any("荣誉称号" in line for line in form.rewards) and any("黄牌警告" in line for line in form.rewards)
    assert form.annual_results.endswith("。")
    assert all(row.name and row.relation and row.age for row in form.family)


# --- 晒实绩, and seed_demo on the whole district ----------------------------------------------------

ACHIEVEMENT_MODELS = (
    DailyLog,
    Summary,
    LeavePeriod,
    Achievement,
    AchievementParticipant,
    AchievementAttachment,
    SelfAssessment,
)


def achievement_counts():
    return {model.__name__: model.objects.count() for model in ACHIEVEMENT_MODELS}


def test_achievements_demo_is_believable_and_seed_demo_is_idempotent(whole_district, capsys):
    """The demo of 晒实绩: three months of logs with gaps, summaries, joint achievements, leave, and one
    self-assessment in each state; `seed_demo` run again on it changes nothing and prints the logins."""
    first = achievement_counts()
    call_command("seed_demo", "--date", TODAY.isoformat())
    assert achievement_counts() == first
    assert "演示账号" in capsys.readouterr().out

    now = datetime.combine(TODAY, time(12), tzinfo=SHANGHAI)  # the demo district's day, at noon
    cadres = Cadre.objects.filter(is_active=True).count()
    assert first["DailyLog"] > cadres * 50  # about three months of working days
    # Written on the day, mostly; about one in eight backfilled a day later.
    on_time = DailyLog.objects.filter(created_at__date=F("day")).count()
    assert first["DailyLog"] * 0.7 < on_time < first["DailyLog"]
    oldest = DailyLog.objects.order_by("day").first().day
    assert 85 <= (TODAY - oldest).days <= 95
    assert set(SelfAssessment.objects.values_list("state", flat=True)) == set(AssessmentState.values)
    assert AchievementParticipant.objects.values("achievement").distinct().count() >= 5
    assert set(Achievement.objects.values_list("verification_status", flat=True)) == set(VerificationStatus.values)
    for achievement in Achievement.objects.prefetch_related("participants"):
        assert sum(p.share for p in achievement.participants.all()) <= 100
    assert first["Summary"] < cadres  # some never handed theirs in

    demo_cadre = Cadre.objects.get(code="QSZ008")
    assert len(open_days(cadre=demo_cadre, now=now)) >= 2
    gaps = [
        deduction_report(cadre=c, year=TODAY.year, as_of=now).missing_day_count
        for c in Cadre.objects.filter(is_active=True)
    ]
    assert 0 < sum(1 for g in gaps if g) < len(gaps)  # some cadres have gaps, most do not
