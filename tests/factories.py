"""factory_boy factories and builders for test data, one section per app.

Rows a test may write directly are DjangoModelFactory classes. What the product only makes through a
service, so that its invariants hold (periods hand out sheets when they open, a submitted sheet is
sealed in the ballot box, a selection moves through its states, a sanction writes its audit entry),
is made here through that service too: `PeriodFactory._create`, the `SheetFactory` methods,
`open_selection`, `to_inspection` and `sanction` call the services.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from achievements.models import (
    Achievement,
    AchievementCategory,
    AchievementFigure,
    AchievementParticipant,
    DailyLog,
    ParticipantRole,
    Summary,
    SummaryKind,
    VerificationStatus,
)
from cadres.models import (
    Cadre,
    Gender,
    LeadershipTier,
    RankLevel,
    ResumeEntry,
    StudyCredit,
    Unit,
    UnitCategory,
    UnitRole,
    User,
)
from core.dates import today_in_shanghai
from evaluations.inputs import SheetInput
from evaluations.lines import sheet_lines
from evaluations.models import AnnualResult, Grade, Period, PeriodKind, SheetAssignment
from evaluations.services import ballots, periods, scoring
from publicity.models import (
    Feedback,
    GateCheck,
    GateCheckKind,
    GateCheckResult,
    Notice,
    NoticeState,
    PublicitySettings,
)
from selection.models import (
    ApprovedPost,
    Candidate,
    Method,
    ReserveEntry,
    Selection,
    State,
    VoteKind,
    VoteMode,
)
from selection.services import selections as selection_services
from selection.services import votes
from supervision.services import records

PASSWORD = "Test-pass-2026"
_PASSWORD_HASH = make_password(PASSWORD, hasher="md5")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = _PASSWORD_HASH


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"测试单位{n}")
    category = UnitCategory.DISTRICT_DEPARTMENT


# The first migration creates these; transactional tests flush them, so tests recreate them.
DEFAULT_RANKS = [("正科级", 10, "principal"), ("副科级", 20, "deputy"), ("一般干部", 30, "")]


def ensure_default_ranks() -> None:
    for name, order, tier in DEFAULT_RANKS:
        RankLevel.objects.get_or_create(name=name, defaults={"sort_order": order, "leadership_tier": tier})


def rank(name: str = "一般干部") -> RankLevel:
    ensure_default_ranks()
    return RankLevel.objects.get(name=name)


class CadreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cadre

    code = factory.Sequence(lambda n: f"T{n:05d}")
    name = factory.Sequence(lambda n: f"测试干部{n}")
    gender = Gender.MALE
    birth_date = date(1985, 6, 15)
    rank = factory.LazyFunction(rank)
    post_title = "科员"
    role = UnitRole.STAFF
    unit = factory.SubFactory(UnitFactory)

    class Params:
        with_account = factory.Trait(user=factory.SubFactory(UserFactory, username=factory.SelfAttribute("..code")))


# --- 晒实绩: logs, summaries, achievements ----------------------------------------------------------

CHINESE_LOG = "走访青石村三户困难群众，核实低保材料，并向镇党委汇报了防汛物资储备情况。"


def category(name: str = "经济发展") -> AchievementCategory:
    # Transactional tests flush the default categories the data migration created.
    return AchievementCategory.objects.get_or_create(name=name)[0]


class DailyLogFactory(factory.django.DjangoModelFactory):
    """A day's log, written in the author's unit (today unless `day` is given)."""

    class Meta:
        model = DailyLog

    author = factory.SubFactory(CadreFactory)
    unit = factory.LazyAttribute(lambda o: o.author.unit)
    day = factory.LazyFunction(today_in_shanghai)
    text = CHINESE_LOG


class SummaryFactory(factory.django.DjangoModelFactory):
    """An annual summary of this year, in the author's unit."""

    class Meta:
        model = Summary

    author = factory.SubFactory(CadreFactory)
    unit = factory.LazyAttribute(lambda o: o.author.unit)
    kind = SummaryKind.ANNUAL
    year = factory.LazyFunction(lambda: today_in_shanghai().year)
    text = factory.LazyAttribute(lambda o: f"{o.year}年度总结：全年走访群众，推进项目建设。")


class AchievementFactory(factory.django.DjangoModelFactory):
    """An achievement filed by `created_by` in their unit, pending verification unless `verified=True`."""

    class Meta:
        model = Achievement

    title = "完成教师培训"
    date = factory.LazyFunction(today_in_shanghai)
    category = factory.LazyFunction(category)
    description = "组织培训三期。"
    created_by = factory.SubFactory(CadreFactory)
    unit = factory.LazyAttribute(lambda o: o.created_by.unit)

    class Params:
        verified = factory.Trait(verification_status=VerificationStatus.VERIFIED)


class AnnualResultFactory(factory.django.DjangoModelFactory):
    """A cadre's annual result as the cadre stands today (unit, category, role, rank), published."""

    class Meta:
        model = AnnualResult

    cadre = factory.SubFactory(CadreFactory)
    year = 2025
    unit = factory.LazyAttribute(lambda o: o.cadre.unit)
    unit_category = factory.LazyAttribute(lambda o: o.cadre.unit.category)
    role = factory.LazyAttribute(lambda o: o.cadre.role)
    rank = factory.LazyAttribute(lambda o: o.cadre.rank)
    grade = Grade.EXCELLENT
    is_published = True


# --- 考核: teams, periods, sheets (periods and sheets through the services) --------------------------


@dataclass
class Team:
    """One unit: a main leader, team members and staff, by short names."""

    unit: Unit
    people: dict[str, Cadre]

    def __getitem__(self, name: str) -> Cadre:
        return self.people[name]


def make_team(
    name: str,
    *,
    category: str = UnitCategory.TOWNSHIP,
    leaders: int = 1,
    team_members: int = 1,
    staff: int = 3,
    parent: Unit | None = None,
    accounts: bool = False,
    prefix: str = "",
) -> Team:
    unit = UnitFactory(name=name, category=category, parent=parent)
    people: dict[str, Cadre] = {}
    prefix = prefix or name[:2]
    for i in range(1, leaders + 1):
        people[f"M{i}"] = CadreFactory(
            unit=unit, role=UnitRole.MAIN_LEADER, rank=rank("正科级"), name=f"{prefix}主{i}", with_account=accounts
        )
    for i in range(1, team_members + 1):
        people[f"T{i}"] = CadreFactory(
            unit=unit, role=UnitRole.TEAM_MEMBER, rank=rank("副科级"), name=f"{prefix}副{i}", with_account=accounts
        )
    for i in range(1, staff + 1):
        people[f"S{i}"] = CadreFactory(unit=unit, name=f"{prefix}员{i}", with_account=accounts)
    return Team(unit, people)


class PeriodFactory(factory.Factory):
    """A period made and opened through the services (opening hands out the sheets): the first
    quarter of 2026 unless told otherwise; ``opened=False`` leaves it a draft."""

    class Meta:
        model = Period

    kind = PeriodKind.QUARTERLY
    year = 2026
    quarter = factory.LazyAttribute(lambda o: None if o.kind == PeriodKind.ANNUAL else 1)
    opened = True

    @classmethod
    def _create(cls, model_class, *, kind: str, year: int, quarter: int | None, opened: bool) -> Period:
        period = periods.period_create(kind=kind, year=year, quarter=quarter)
        if opened:
            as_of = date(year, 12, 20) if kind == PeriodKind.ANNUAL else date(year, 3 * quarter, 28)
            periods.period_open(period=period, as_of=as_of)
            period.refresh_from_db()
        return period

    @staticmethod
    def close_and_compute(period: Period):
        """Close and compute in this process (the queued job runs only after commit)."""
        run = periods.period_close(period=period)
        run = scoring.computation_execute(run_id=run.pk)
        period.refresh_from_db()
        return run

    @staticmethod
    def recompute(period: Period):
        run = scoring.computation_request(period=period, queue=False)
        return scoring.computation_execute(run_id=run.pk)


def open_period(year: int = 2026, quarter: int | None = 1, *, kind: str = PeriodKind.QUARTERLY) -> Period:
    return PeriodFactory(kind=kind, year=year, quarter=quarter)


close_and_compute = PeriodFactory.close_and_compute
recompute = PeriodFactory.recompute


class SheetFactory:
    """Sheets come with the period; submitting one goes through the ballot service, which seals it."""

    @staticmethod
    def assignment(period: Period, rater: Cadre, unit: Unit) -> SheetAssignment:
        return SheetAssignment.objects.get(period=period, rater=rater, unit=unit)

    @staticmethod
    def submit(period: Period, rater: Cadre, unit: Unit, scores: dict[Cadre, int]) -> None:
        sheet = SheetFactory.assignment(period, rater, unit)
        ballots.sheet_submit(
            assignment_id=sheet.pk, rater=rater, data=SheetInput(scores={c.pk: v for c, v in scores.items()})
        )

    @staticmethod
    def submit_all(period: Period, score_of) -> int:
        """Submit every sheet of the period with score_of(rater, ratee) (return None to leave a sheet out)."""
        count = 0
        for sheet in SheetAssignment.objects.filter(period=period).select_related("rater", "unit"):
            lines = sheet_lines(sheet)
            scores = {line.ratee_id: score_of(sheet.rater, line.ratee) for line in lines}
            if any(v is None for v in scores.values()):
                continue
            ballots.sheet_submit(assignment_id=sheet.pk, rater=sheet.rater, data=SheetInput(scores=scores))
            count += 1
        return count


assignment = SheetFactory.assignment
submit = SheetFactory.submit
submit_all = SheetFactory.submit_all


# --- 任前公示: notices, gate checks, feedback ---------------------------------------------------------


class NoticeFactory(factory.django.DjangoModelFactory):
    """A draft notice; use the traits for the later states."""

    class Meta:
        model = Notice

    cadre = factory.SubFactory(CadreFactory)
    title = factory.LazyAttribute(lambda o: f"关于{o.cadre.name}同志的任前公示")
    current_post = factory.LazyAttribute(lambda o: f"{o.cadre.unit.name}{o.cadre.post_title}")
    proposed_post = "拟任区发展和改革局副局长"
    basic_info = factory.LazyAttribute(lambda o: f"{o.cadre.name}，男，1985年6月生，大学学历。")
    resume = "2008.07—2015.03 青山镇党政办科员\n2015.03— 青山镇经济发展办主任"
    achievements = "牵头完成青山镇产业园区招商引资，新签约项目 6 个。"
    feedback_channels = "举报电话：0472-12380"

    class Params:
        published = factory.Trait(
            state=NoticeState.PUBLISHED,
            start_date=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1)),
            end_date=factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=7)),
            published_at=factory.LazyFunction(timezone.now),
        )
        ended = factory.Trait(
            state=NoticeState.PUBLISHED,
            start_date=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=14)),
            end_date=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=4)),
            published_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=14)),
        )


def pass_gate(notice: Notice, *, actor=None, when=None) -> list[GateCheck]:
    """Record all four gate checks as passed (for tests that start after the gate)."""
    actor = actor or UserFactory(username="gatekeeper", is_org_staff=True)
    when = when or timezone.now()
    return [
        GateCheck.objects.update_or_create(
            notice=notice,
            kind=kind,
            defaults={
                "result": GateCheckResult.PASSED,
                "note": "经审核符合要求",
                "checked_by": actor,
                "checked_at": when,
            },
        )[0]
        for kind in GateCheckKind.values
    ]


class FeedbackFactory(factory.django.DjangoModelFactory):
    """Feedback as a row on a published notice. Feedback a member of the public sends goes through
    ``publicity.services.feedback.feedback_submit`` (it records the event the audit trail needs)."""

    class Meta:
        model = Feedback

    notice = factory.SubFactory(NoticeFactory, published=True)
    text = "反映该同志在项目验收中存在把关不严的问题，请组织核实。"


def real_channel_settings() -> PublicitySettings:
    """The settings a district fills in before its first notice: issuing body and real channels."""
    settings = PublicitySettings.load()
    settings.issuer_name = "中共青山区委组织部"
    settings.feedback_channels = "中共青山区委组织部干部监督科\n举报电话：0472-12380"
    settings.save()
    return settings


# A cadre with a full record (private data included) for the notice-drafting tests.
ID_NUMBER = "430102198506151234"
PHONE = "13800138000"
ADDRESS = "青山区幸福路88号3栋"


def cadre_with_record(*, unit=None, name="周明远", years=(2023, 2024, 2025), achievements_per_year=2):
    """A cadre born 1985-06-15 with resume, credits, summaries, verified and unverified achievements,
    a joint achievement and published annual results in `years`."""
    extra = {"unit": unit} if unit else {}
    cadre = CadreFactory(
        name=name,
        birth_date=date(1985, 6, 15),
        ethnicity="汉族",
        native_place="湖南长沙",
        education="大学本科",
        party_join_date=date(2007, 6, 1),
        work_start_date=date(2008, 7, 1),
        post_title="副镇长",
        id_number=ID_NUMBER,
        phone=PHONE,
        address=ADDRESS,
        **extra,
    )
    ResumeEntry.objects.create(
        cadre=cadre, start_date=date(2008, 7, 1), end_date=date(2015, 3, 1), description="青石镇党政办科员"
    )
    ResumeEntry.objects.create(cadre=cadre, start_date=date(2015, 3, 1), description="青石镇副镇长")
    partner = CadreFactory(unit=cadre.unit, name="合作人")
    for year in years:
        StudyCredit.objects.create(cadre=cadre, year=year, credits=Decimal("56.5"), note="完成网络学院课程")
        SummaryFactory(author=cadre, year=year)
        for n in range(achievements_per_year):
            item = AchievementFactory(
                title=f"{year}年实绩{n + 1}",
                date=date(year, 5, 10 + n),
                description="牵头推进产业园招商，新签约项目。",
                created_by=cadre,
                verified=True,
            )
            AchievementFigure.objects.create(achievement=item, label="招商引资", value=Decimal("1.20"), unit="亿元")
        joint = AchievementFactory(
            title=f"{year}年联合实绩",
            date=date(year, 9, 1),
            description="与合作人共同完成道路硬化。",
            created_by=partner,
            verified=True,
        )
        AchievementParticipant.objects.create(
            achievement=joint, cadre=cadre, role=ParticipantRole.SUPERVISOR, share=Decimal("40")
        )
        AchievementParticipant.objects.create(
            achievement=joint, cadre=partner, role=ParticipantRole.LEAD, share=Decimal("60")
        )
        AchievementFactory(
            title=f"{year}年待核实实绩",
            date=date(year, 10, 1),
            description="尚未核实。",
            created_by=cadre,
            verification_status=VerificationStatus.PENDING,
        )
        AnnualResultFactory(
            cadre=cadre,
            year=year,
            annual_score=Decimal("91.25"),
            rank_in_unit=2,
            unit_size=15,
            rank_in_rank_level=5,
            rank_level_size=40,
        )
    return cadre


# --- 选拔任用 (through the services) -----------------------------------------------------------------

DAY = date(2026, 6, 1)


def post_with_vacancy(unit, *, title: str = "副主任", count: int = 2) -> ApprovedPost:
    return ApprovedPost.objects.create(unit=unit, title=title, tier=LeadershipTier.DEPUTY, count=count)


def open_selection(post, by, *, method=Method.RECOMMENDATION, rounds=2, **qualifications) -> Selection:
    return selection_services.selection_open(
        post=post,
        title=f"{post}选拔",
        method=method,
        rounds=rounds,
        plan="按《条例》组织推荐。",
        qualification_date=DAY,
        actor=by,
        **qualifications,
    )


def voters(unit, n: int, prefix: str = "V"):
    return [
        CadreFactory(unit=unit, name=f"投票人{prefix}{i}", code=f"{prefix}{i:04d}", with_account=True) for i in range(n)
    ]


def nominees(unit, n: int, prefix: str = "N"):
    return [
        CadreFactory(
            unit=unit,
            name=f"人选{prefix}{i}",
            code=f"{prefix}{i:04d}",
            rank=rank("副科级"),
            role=UnitRole.STAFF,
            with_account=True,
        )
        for i in range(n)
    ]


def to_inspection(personas, *, n: int = 2, prefix: str = "I", post=None) -> tuple[Selection, list[Candidate]]:
    """A one-round selection whose n nominees all pass 民主推荐 (paper counts), now 考察对象.

    Another selection in the same test takes another `prefix` (its own voters, nominees and post)."""
    staff = personas.org_staff.user
    post = post or post_with_vacancy(personas.unit, title="副主任" if prefix == "I" else f"副主任{prefix}")
    selection = open_selection(post, staff, rounds=1)
    vs = voters(personas.unit, n, prefix=f"{prefix}V")
    people = nominees(personas.other_unit, n, prefix=f"{prefix}N")
    selection_services.selection_start_nomination(selection=selection, voter_ids=[v.pk for v in vs], actor=staff)
    for voter, nominee in zip(vs, people, strict=True):
        selection_services.nomination_sign(selection=selection, nominator=voter, nominee=nominee)
    selection = selection_services.round1_close(selection=selection, actor=staff)
    for person in people:
        ReserveEntry.objects.create(
            cadre=person, tier="deputy", source="staff", reason="后备", entered_on=DAY, review_on=DAY
        )
    for kind in (VoteKind.MEETING, VoteKind.TALK):
        event = votes.event_setup(
            selection=selection, kind=kind, mode=VoteMode.PAPER, expected=10, max_choices=n, actor=staff
        )
        counts = {c.candidate_id: 9 for c in event.counts.all()}
        votes.paper_counts_enter(event=event, actual=10, counts=counts, actor=staff)
    selection = selection_services.candidates_finalize(selection=selection, actor=staff)
    assert selection.state == State.CANDIDATES
    candidates = list(
        Candidate.objects.filter(selection=selection, is_inspection_candidate=True).order_by("cadre__code")
    )
    assert len(candidates) == n
    return selection, candidates


# --- 监督 (through the services) ---------------------------------------------------------------------


def sanction(cadre, by, *, kind="admonition", on: date | None = None, **extra):
    """A reward or sanction recorded through the service (which writes its audit entry)."""
    return records.record_create(
        cadre=cadre,
        kind=kind,
        document_no=extra.pop("document_no", "区纪委〔2026〕7号"),
        issuing_body=extra.pop("issuing_body", "中共青山区纪委"),
        date=on or timezone.localdate() - timedelta(days=30),
        reason=extra.pop("reason", "违规发放津贴补贴"),
        actor=by,
        **extra,
    )


def annual_grade(cadre, year: int, grade=Grade.EXCELLENT, *, published=True) -> AnnualResult:
    return AnnualResultFactory(cadre=cadre, year=year, grade=grade, is_published=published)
