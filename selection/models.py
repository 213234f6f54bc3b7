"""Selection, part 1 (选拔任用, rules.md §7): posts and quotas (职数), the reserve pool (后备干部),
a selection from its vacancy through nomination to the inspection candidates (考察对象).

Holders of a post are never stored: they are the active cadres whose current unit and post title
match it. Ballots of the anonymous votes (公推, 会议推荐, 谈话推荐) go through the evaluation's
ballot box: sealed while the vote is open, only counts per candidate once it closes; a voter's row
says "has voted, on day D" and nothing else (no time, no link to a ballot or a count).
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre, LeadershipTier, RankLevel, Unit
from core.models import YearlySettings
from evaluations.models import FIRST_YEAR, LAST_YEAR, new_id

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class SelectionSettings(YearlySettings):
    """The numbers of selection work for a year, like the evaluation settings: the year's row, else
    these field defaults (`for_year`). A selection reads the year of its reference date (资格审查基准日)."""

    category_field = None

    year = models.PositiveSmallIntegerField(
        _("年度"), unique=True, validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )

    round1_top_k = models.PositiveSmallIntegerField(
        _("海推每个职位入围人数（K）"), default=5, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    round2_top_m = models.PositiveSmallIntegerField(
        _("公推每个职位入围人数（M）"), default=2, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    round1_publicity_workdays = models.PositiveSmallIntegerField(
        _("海推结果公示工作日"), default=5, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    min_attendance_percent = models.DecimalField(
        _("推荐会议最低到会率（%）"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("80"),
        validators=PERCENT,
        help_text=_("实到人数占应到人数的比例低于此值，推荐无效。"),
    )
    min_vote_percent = models.DecimalField(
        _("列为考察对象须超过的得票率（%）"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("30"),
        validators=PERCENT,
        help_text=_("会议推荐和谈话推荐的得票率都须超过此值（等于不算超过）。"),
    )
    reserve_required = models.BooleanField(
        _("没有列入后备干部的一般不予提拔"),
        default=True,
        help_text=_("开启后，把后备干部库以外的人列为考察对象，须记录例外理由。"),
    )
    young_age_max = models.PositiveSmallIntegerField(
        _("年轻干部年龄上限"), default=35, validators=[MinValueValidator(18), MaxValueValidator(60)]
    )
    target_young_percent = models.DecimalField(
        _("年轻干部占比目标（%）"), max_digits=5, decimal_places=2, default=Decimal("20"), validators=PERCENT
    )
    target_female_percent = models.DecimalField(
        _("女干部占比目标（%）"), max_digits=5, decimal_places=2, default=Decimal("20"), validators=PERCENT
    )
    target_non_party_percent = models.DecimalField(
        _("党外干部占比目标（%）"), max_digits=5, decimal_places=2, default=Decimal("10"), validators=PERCENT
    )
    reserve_review_months = models.PositiveSmallIntegerField(
        _("后备干部默认复核周期（月）"), default=12, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    probation_months = models.PositiveSmallIntegerField(
        _("任职试用期（月）"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
        help_text=_("《党政领导干部选拔任用工作条例》第五十条：试用期为一年。"),
    )
    probation_reminder_days = models.PositiveSmallIntegerField(
        _("试用期满前提醒天数"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(180)],
        help_text=_("试用期满前这么多天起，提醒考核办组织试用期满考核。"),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("选拔任用设置")
        verbose_name_plural = _("选拔任用设置")

    def __str__(self) -> str:
        return str(_("%(year)s 年选拔任用设置") % {"year": self.year})


class ApprovedPost(models.Model):
    """One approved leadership post of a unit (三定方案): its title, tier and how many."""

    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="approved_posts")
    title = models.CharField(_("职务名称"), max_length=100)
    tier = models.CharField(_("正副职"), max_length=20, choices=LeadershipTier.choices)
    count = models.PositiveSmallIntegerField(_("核定职数"), validators=[MinValueValidator(1), MaxValueValidator(20)])
    document_number = models.CharField(_("三定方案文号"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("核定职数")
        verbose_name_plural = _("核定职数")
        ordering = ["unit__sort_order", "unit__name", "tier", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "title"],
                name="approved_post_once_per_unit",
                violation_error_message=_("该单位已有同名职务的核定职数，请修改原记录。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit.name}{self.title}"


class Method(models.TextChoices):
    RECOMMENDATION = "recommendation", _("民主推荐")
    OPEN_SELECTION = "open", _("公推公选")


class State(models.TextChoices):
    PLAN = "plan", _("制定方案")
    NOMINATION = "nomination", _("推荐提名")
    ROUND1_PUBLICITY = "round1_publicity", _("海推结果公示")
    ROUND2 = "round2", _("公推")
    RECOMMENDATION = "recommendation", _("民主推荐")
    CANDIDATES = "candidates", _("考察对象已确定")
    CANCELLED = "cancelled", _("已终止")


# The order of the steps; a one-round selection skips the publicity step and 公推.
STEP_ORDER = [
    State.PLAN,
    State.NOMINATION,
    State.ROUND1_PUBLICITY,
    State.ROUND2,
    State.RECOMMENDATION,
    State.CANDIDATES,
]


class Education(models.IntegerChoices):
    """Education levels in order, for the 任职资格条件 minimum."""

    HIGH_SCHOOL = 1, _("高中（中专）")
    JUNIOR_COLLEGE = 2, _("大专")
    BACHELOR = 3, _("大学本科")
    POSTGRADUATE = 4, _("研究生")


class Selection(models.Model):
    """One 选拔任用工作 for one vacancy of an approved post."""

    post = models.ForeignKey(
        ApprovedPost, verbose_name=_("拟任职位"), on_delete=models.PROTECT, related_name="selections"
    )
    title = models.CharField(_("名称"), max_length=200)
    method = models.CharField(_("选拔方式"), max_length=20, choices=Method.choices, default=Method.RECOMMENDATION)
    rounds = models.PositiveSmallIntegerField(
        _("推荐提名轮次"),
        choices=[(1, _("一轮（海推）")), (2, _("两轮（海推＋公推）"))],
        default=2,
    )
    plan = models.TextField(_("工作方案"), max_length=5000)
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.PLAN)
    # 任职资格条件
    min_rank = models.ForeignKey(
        RankLevel,
        verbose_name=_("最低职级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    min_years_in_rank = models.PositiveSmallIntegerField(_("任现职级最少年限"), default=0)
    min_education = models.PositiveSmallIntegerField(_("最低学历"), choices=Education.choices, null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(
        _("年龄上限（周岁）"),
        null=True,
        blank=True,
        validators=[MinValueValidator(18), MaxValueValidator(65)],
        help_text=_("在资格审查基准日年满此岁数的仍符合条件。"),
    )
    qualification_date = models.DateField(_("资格审查基准日"))
    # 职数: opening beyond the quota needs an approved exception, with its document number.
    quota_exception_document = models.CharField(_("超职数批准文号"), max_length=100, blank=True)
    quota_exception_reason = models.CharField(_("超职数理由"), max_length=500, blank=True)
    quota_exception_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("超职数记录人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    quota_exception_at = models.DateTimeField(_("超职数记录时间"), null=True, blank=True)
    round1_voters = models.ManyToManyField(
        Cadre, verbose_name=_("海推参加人员"), blank=True, related_name="round1_selections"
    )
    # Round-1 publicity (海推结果公示)
    public_id = models.UUIDField(_("公开编号"), default=uuid.uuid4, unique=True, editable=False)
    publicity_start = models.DateField(_("公示开始日期"), null=True, blank=True)
    publicity_end = models.DateField(_("公示结束日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("选拔任用工作")
        verbose_name_plural = _("选拔任用工作")
        ordering = ["-created_at"]
        indexes = [
            # Quota checks count the open selections of a post.
            models.Index(fields=["post", "state"], name="selection_post_state"),
        ]

    # Why the latest write happened, set by the service and kept in the audit trail (get_additional_data).
    _audit_reason: str = ""

    def __str__(self) -> str:
        return self.title

    def get_additional_data(self) -> dict | None:
        """django-auditlog keeps this with the change being saved: the reason given for it."""
        reason = getattr(self, "_audit_reason", "")
        return {"reason": reason} if reason else None

    @property
    def settings(self) -> SelectionSettings:
        """The selection settings of the year of its reference date."""
        if not hasattr(self, "_settings"):
            self._settings = SelectionSettings.for_year(self.qualification_date.year)
        return self._settings

    @property
    def is_open(self) -> bool:
        return self.state not in (State.CANDIDATES, State.CANCELLED)

    @property
    def steps(self) -> list[str]:
        if self.rounds == 1:
            return [s for s in STEP_ORDER if s not in (State.ROUND1_PUBLICITY, State.ROUND2)]
        return list(STEP_ORDER)


class CandidateSource(models.TextChoices):
    APPLICATION = "application", _("个人报名")
    UNIT = "unit", _("单位书面推荐")
    NOMINATION = "nomination", _("实名推荐")


class Candidate(models.Model):
    """A person in the running, with how they came in and where each round left them."""

    selection = models.ForeignKey(
        Selection, verbose_name=_("选拔任用工作"), on_delete=models.CASCADE, related_name="candidates"
    )
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="selection_candidacies"
    )
    source = models.CharField(_("来源"), max_length=20, choices=CandidateSource.choices)
    round1_votes = models.PositiveIntegerField(_("海推得票"), default=0)
    round1_passed = models.BooleanField(_("海推入围"), default=False)
    round2_passed = models.BooleanField(_("公推入围"), default=False)
    is_inspection_candidate = models.BooleanField(_("考察对象"), default=False)
    reserve_exception_reason = models.CharField(_("非后备干部提名理由"), max_length=500, blank=True)
    reserve_exception_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("例外记录人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reserve_exception_at = models.DateTimeField(_("例外记录时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("人选")
        verbose_name_plural = _("人选")
        ordering = ["selection", "-round1_votes", "cadre__code"]
        constraints = [models.UniqueConstraint(fields=["selection", "cadre"], name="candidate_once_per_selection")]

    def __str__(self) -> str:
        return f"{self.selection_id}: {self.cadre.name}"


class Application(models.Model):
    """报名 for a 公推公选, with the qualification check run when it was filed."""

    selection = models.ForeignKey(
        Selection, verbose_name=_("选拔任用工作"), on_delete=models.CASCADE, related_name="applications"
    )
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("报名人"), on_delete=models.PROTECT, related_name="selection_applications"
    )
    statement = models.TextField(_("报名理由"), max_length=2000)
    qualified = models.BooleanField(_("资格审查通过"))
    failures = models.JSONField(_("不符合的条件"), default=list, blank=True)
    created_at = models.DateTimeField(_("报名时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        ordering = ["selection", "created_at"]
        constraints = [models.UniqueConstraint(fields=["selection", "cadre"], name="application_once")]

    def __str__(self) -> str:
        return f"{self.selection_id}: {self.cadre.name}"


class UnitRecommendation(models.Model):
    """A unit party organization's written recommendation: who, why, the document."""

    selection = models.ForeignKey(
        Selection, verbose_name=_("选拔任用工作"), on_delete=models.CASCADE, related_name="unit_recommendations"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("推荐单位"), on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey(Cadre, verbose_name=_("被推荐人"), on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("推荐理由"), max_length=2000)
    document_number = models.CharField(_("推荐文件文号"), max_length=100)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("单位书面推荐")
        verbose_name_plural = _("单位书面推荐")
        ordering = ["selection", "recorded_at"]

    def __str__(self) -> str:
        return f"{self.unit.name} → {self.cadre.name}"


class Nomination(models.Model):
    """A signed nomination in round 1 (推荐实名制): kept for staff as accountability, never shown
    to the nominee."""

    selection = models.ForeignKey(
        Selection, verbose_name=_("选拔任用工作"), on_delete=models.CASCADE, related_name="nominations"
    )
    nominator = models.ForeignKey(Cadre, verbose_name=_("推荐人"), on_delete=models.PROTECT, related_name="+")
    nominee = models.ForeignKey(Cadre, verbose_name=_("被推荐人"), on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("推荐理由"), max_length=500, blank=True)
    signed_at = models.DateTimeField(_("签名时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("实名推荐")
        verbose_name_plural = _("实名推荐")
        ordering = ["selection", "nominee", "signed_at"]
        constraints = [
            # One voter nominates one person once; a voter may sign for only one person per selection.
            models.UniqueConstraint(fields=["selection", "nominator"], name="nomination_once_per_voter"),
        ]

    def __str__(self) -> str:
        return f"{self.selection_id}: {self.nominee_id}"


class VoteKind(models.TextChoices):
    ROUND2 = "round2", _("公推会议")
    MEETING = "meeting", _("会议推荐")
    TALK = "talk", _("谈话推荐")


class VoteMode(models.TextChoices):
    PAPER = "paper", _("纸质票录入")
    ONLINE = "online", _("网上投票")


class VoteEvent(models.Model):
    """One anonymous vote among the candidates: 公推 meeting, 会议推荐 or 谈话推荐."""

    selection = models.ForeignKey(
        Selection, verbose_name=_("选拔任用工作"), on_delete=models.CASCADE, related_name="vote_events"
    )
    kind = models.CharField(_("类别"), max_length=20, choices=VoteKind.choices)
    mode = models.CharField(_("方式"), max_length=20, choices=VoteMode.choices, default=VoteMode.ONLINE)
    expected = models.PositiveIntegerField(_("应参加人数"), default=0)
    actual = models.PositiveIntegerField(_("实参加人数"), default=0)
    max_choices = models.PositiveSmallIntegerField(_("每票最多推荐人数"), default=1, validators=[MinValueValidator(1)])
    is_open = models.BooleanField(_("投票进行中"), default=False)
    is_closed = models.BooleanField(_("已结束"), default=False)
    # The box of an online vote: opened when the vote closes, its sorted receipts kept for voters.
    opened_at = models.DateTimeField(_("开箱时间"), null=True, blank=True)
    receipts = models.JSONField(default=list, blank=True)
    # When the tables that held its sealed ballots were rewritten (VACUUM FULL); empty until then.
    swept_at = models.DateTimeField(_("清理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("推荐投票")
        verbose_name_plural = _("推荐投票")
        ordering = ["selection", "kind"]
        constraints = [models.UniqueConstraint(fields=["selection", "kind"], name="vote_event_once_per_kind")]

    def __str__(self) -> str:
        return f"{self.selection_id} {self.get_kind_display()}"


class Voter(models.Model):
    """A named participant of an online vote: whether they have voted, and the day — no time, no
    choice. The key is random; when the vote closes the rows are written again in random order."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    event = models.ForeignKey(VoteEvent, verbose_name=_("推荐投票"), on_delete=models.CASCADE, related_name="voters")
    cadre = models.ForeignKey(Cadre, verbose_name=_("参加人员"), on_delete=models.PROTECT, related_name="+")
    has_voted = models.BooleanField(_("已投票"), default=False)
    voted_on = models.DateField(_("投票日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("参加人员")
        verbose_name_plural = _("参加人员")
        ordering = ["event", "cadre__code"]
        constraints = [models.UniqueConstraint(fields=["event", "cadre"], name="voter_once_per_event")]

    def __str__(self) -> str:
        return f"{self.event_id}: {self.cadre_id}"


class SealedVote(models.Model):
    """An online ballot in the box of its vote: encrypted, random key. No voter, no time.

    Every ballot rewrites its vote's sealed rows in a fresh random order (evaluations' box)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    event = models.ForeignKey(VoteEvent, on_delete=models.CASCADE, related_name="+")
    sealed = models.BinaryField()

    class Meta:
        verbose_name = _("密封选票")
        verbose_name_plural = _("密封选票")

    def __str__(self) -> str:
        return str(self.pk)

    @staticmethod
    def context(event_id: int) -> str:
        return f"selection-vote:{event_id}"


class VoteCount(models.Model):
    """The votes one candidate received in one event: a counter, never a ballot."""

    event = models.ForeignKey(VoteEvent, verbose_name=_("推荐投票"), on_delete=models.CASCADE, related_name="counts")
    candidate = models.ForeignKey(
        Candidate, verbose_name=_("人选"), on_delete=models.CASCADE, related_name="vote_counts"
    )
    votes = models.PositiveIntegerField(_("得票"), default=0)

    class Meta:
        verbose_name = _("得票数")
        verbose_name_plural = _("得票数")
        ordering = ["event", "-votes"]
        constraints = [models.UniqueConstraint(fields=["event", "candidate"], name="vote_count_once")]

    def __str__(self) -> str:
        return f"{self.event_id}: {self.candidate_id} = {self.votes}"


class ReserveSource(models.TextChoices):
    NOMINATION = "nomination", _("推荐提名产生")
    STAFF = "staff", _("组织部门研究确定")


class ReserveEntry(models.Model):
    """A cadre in the reserve pool (后备干部库) for a post level."""

    cadre = models.ForeignKey(Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="reserve_entries")
    tier = models.CharField(_("后备职位层级"), max_length=20, choices=LeadershipTier.choices)
    source = models.CharField(_("产生方式"), max_length=20, choices=ReserveSource.choices)
    selection = models.ForeignKey(
        Selection,
        verbose_name=_("推荐提名"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reserve_entries",
    )
    reason = models.CharField(_("列入理由"), max_length=500)
    entered_on = models.DateField(_("列入日期"))
    review_on = models.DateField(_("复核日期"))
    is_active = models.BooleanField(_("在库"), default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("后备干部")
        verbose_name_plural = _("后备干部")
        ordering = ["-entered_on", "cadre__code"]
        constraints = [
            # A cadre is in the pool once per post level at a time.
            models.UniqueConstraint(
                fields=["cadre", "tier"], condition=models.Q(is_active=True), name="reserve_active_once_per_tier"
            ),
            models.CheckConstraint(
                condition=models.Q(review_on__gte=models.F("entered_on")), name="reserve_review_after_entry"
            ),
        ]

    # Why the latest write happened, set by the service and kept in the audit trail (get_additional_data).
    _audit_reason: str = ""

    def __str__(self) -> str:
        return f"{self.cadre.name}（{self.get_tier_display()}）"

    def get_additional_data(self) -> dict | None:
        """django-auditlog keeps this with the change being saved: the reason given for it."""
        reason = getattr(self, "_audit_reason", "")
        return {"reason": reason} if reason else None


class RoundFeedback(models.Model):
    """A message from the public about a round-1 result in publicity (name and contact optional)."""

    selection = models.ForeignKey(
        Selection, verbose_name=_("选拔任用工作"), on_delete=models.CASCADE, related_name="public_feedback"
    )
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    contact = models.CharField(_("联系方式"), max_length=100, blank=True)
    text = models.TextField(_("反映内容"), max_length=2000)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("海推公示反映")
        verbose_name_plural = _("海推公示反映")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.selection_id}: {self.text[:20]}"


# Part 2 (inspection, discipline opinion) lives in its own module; Django finds the models here.
from .inspection_models import (  # noqa: E402, F401
    DEFAULT_POLL_ITEMS,
    Analysis,
    ArchivedCandidate,
    Decision,
    DecisionMeeting,
    DisciplineOpinion,
    DocumentCheck,
    InspectionMember,
    InspectionPoll,
    InspectionSettings,
    Level,
    MeetingKind,
    MeetingVote,
    OpinionResult,
    PollSealedSheet,
    PollTally,
    PollVoter,
    ProcessEntry,
    Talk,
    TeamRole,
    Visit,
    VisitKind,
)
from .probation_models import Probation, ProbationReview, ProbationStatus, ReviewAction  # noqa: E402, F401
