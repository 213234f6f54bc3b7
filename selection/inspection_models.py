"""Selection, part 2 (rules.md §7): the inspection (考察: 测/谈/访/查/析), the discipline body's opinion
(党风廉政意见, given by its own accounts) and the inspection team.

The 测 is anonymous: a participant's row says "has voted" and nothing else; their sheet is sealed
with the evaluation ballot key (evaluations.sealing) and kept in a box whose rows are rewritten in a
random order at every submission, and is only opened, as counts per item and level, when the poll
closes. A talk keeps who was talked with for the team; reports show only the summary.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre
from core.models import SingletonSettings

from .models import Candidate, Selection


class InspectionSettings(SingletonSettings):
    """Numbers of the inspection and comparison (a single row, edited by org staff in the admin)."""

    unclear_rule_enabled = models.BooleanField(
        _("实绩不明显的不推荐"),
        default=True,
        help_text=_(
            "开启后，近 N 年既没有优秀等次、也没有一年排在同职级前一半的考察对象，在比实绩中标为“实绩不明显”。"
        ),
    )
    unclear_lookback_years = models.PositiveSmallIntegerField(
        _("实绩不明显的判断年数（N）"), default=3, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    quorum_percent = models.DecimalField(
        _("票决会议到会须超过的比例（%）"),
        max_digits=5,
        decimal_places=2,
        default=50,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("到会成员须超过应到会成员的此比例，票决才有效（默认超过半数）。"),
    )
    pass_percent = models.DecimalField(
        _("当选须超过的赞成票比例（%）"),
        max_digits=5,
        decimal_places=2,
        default=50,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("赞成票须超过应到会成员的此比例（默认超过半数）。"),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("考察与比实绩设置")
        verbose_name_plural = _("考察与比实绩设置")


class TeamRole(models.TextChoices):
    LEADER = "leader", _("组长")
    STAFF = "staff", _("组织部门成员")
    DISCIPLINE = "discipline", _("纪检监察成员")


class InspectionMember(models.Model):
    """A member of a selection's inspection team (考察组)."""

    selection = models.ForeignKey(
        Selection, verbose_name=_("选拔任用工作"), on_delete=models.CASCADE, related_name="inspection_members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("成员"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("分工"), max_length=20, choices=TeamRole.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("指定人"), on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(_("指定时间"), auto_now_add=True)

    display_name: str  # set for the page by inspection_selectors.team (never saved)

    class Meta:
        verbose_name = _("考察组成员")
        verbose_name_plural = _("考察组成员")
        ordering = ["selection", "role", "pk"]
        constraints = [models.UniqueConstraint(fields=["selection", "user"], name="inspection_member_once")]

    def __str__(self) -> str:
        return f"{self.selection_id}: {self.user_id} ({self.role})"


class Level(models.IntegerChoices):
    """The five levels of the 测 sheet, best first."""

    EXCELLENT = 1, _("优秀")
    GOOD = 2, _("较好")
    FAIR = 3, _("一般")
    POOR = 4, _("较差")
    BAD = 5, _("差")


DEFAULT_POLL_ITEMS = ["政治素质", "履职能力", "工作实绩", "作风建设", "廉洁自律"]


class InspectionPoll(models.Model):
    """The 测 of one selection: every participant rates every inspection candidate on each item."""

    selection = models.OneToOneField(
        Selection, verbose_name=_("选拔任用工作"), on_delete=models.CASCADE, related_name="inspection_poll"
    )
    items = models.JSONField(_("测评项目"), default=list)
    expected = models.PositiveIntegerField(_("应参加人数"), default=0)
    sheets = models.PositiveIntegerField(_("有效测评表数"), default=0)
    is_open = models.BooleanField(_("测评进行中"), default=True)
    is_closed = models.BooleanField(_("已结束"), default=False)
    receipts = models.JSONField(_("回执码（排序后）"), default=list, blank=True)

    class Meta:
        verbose_name = _("考察民主测评")
        verbose_name_plural = _("考察民主测评")

    def __str__(self) -> str:
        return f"{self.selection_id} 测"

    @staticmethod
    def context(poll_id: int) -> str:
        return f"selection-inspection-poll:{poll_id}"


class PollVoter(models.Model):
    """A named participant of the 测: only whether they have voted."""

    poll = models.ForeignKey(
        InspectionPoll, verbose_name=_("考察民主测评"), on_delete=models.CASCADE, related_name="voters"
    )
    cadre = models.ForeignKey(Cadre, verbose_name=_("参加人员"), on_delete=models.PROTECT, related_name="+")
    has_voted = models.BooleanField(_("已测评"), default=False)

    class Meta:
        verbose_name = _("测评参加人员")
        verbose_name_plural = _("测评参加人员")
        ordering = ["poll", "cadre__code"]
        constraints = [models.UniqueConstraint(fields=["poll", "cadre"], name="poll_voter_once")]

    def __str__(self) -> str:
        return f"{self.poll_id}: {self.cadre_id}"


class PollSealedSheet(models.Model):
    """A sealed 测 sheet waiting for the close; no voter, no time, rows rewritten in random order."""

    id = models.CharField(primary_key=True, max_length=32, editable=False)
    poll = models.ForeignKey(InspectionPoll, on_delete=models.CASCADE, related_name="sealed")
    sealed = models.BinaryField()

    class Meta:
        verbose_name = _("密封测评表")
        verbose_name_plural = _("密封测评表")

    def __str__(self) -> str:
        return f"{self.poll_id}: sealed"


class PollTally(models.Model):
    """After the close: how many sheets gave a candidate a level on an item."""

    poll = models.ForeignKey(InspectionPoll, on_delete=models.CASCADE, related_name="tallies")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="poll_tallies")
    item = models.CharField(_("测评项目"), max_length=50)
    level = models.PositiveSmallIntegerField(_("等次"), choices=Level.choices)
    count = models.PositiveIntegerField(_("票数"), default=0)

    class Meta:
        verbose_name = _("测评统计")
        verbose_name_plural = _("测评统计")
        ordering = ["poll", "candidate", "item", "level"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "candidate", "item", "level"], name="poll_tally_once"),
        ]

    def __str__(self) -> str:
        return f"{self.candidate_id} {self.item} {self.level}: {self.count}"


class Talk(models.Model):
    """谈: one individual talk about a candidate. The talker's name is for the team only."""

    candidate = models.ForeignKey(Candidate, verbose_name=_("考察对象"), on_delete=models.CASCADE, related_name="talks")
    talker_name = models.CharField(_("谈话对象"), max_length=50)
    talker_post = models.CharField(_("谈话对象职务"), max_length=100, blank=True)
    talked_on = models.DateField(_("谈话日期"))
    summary = models.TextField(_("谈话要点"), max_length=3000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("个别谈话")
        verbose_name_plural = _("个别谈话")
        ordering = ["candidate", "talked_on", "pk"]

    def __str__(self) -> str:
        return f"{self.candidate_id} {self.talked_on}"


class VisitKind(models.TextChoices):
    VISIT = "visit", _("实地察看")
    OPINION = "opinion", _("民意调查")


class Visit(models.Model):
    """访: a visit (实地察看) or a note of public opinion (民意调查)."""

    candidate = models.ForeignKey(
        Candidate, verbose_name=_("考察对象"), on_delete=models.CASCADE, related_name="visits"
    )
    kind = models.CharField(_("方式"), max_length=20, choices=VisitKind.choices)
    place = models.CharField(_("地点或对象"), max_length=200)
    visited_on = models.DateField(_("日期"))
    note = models.TextField(_("情况"), max_length=3000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("走访与民意调查")
        verbose_name_plural = _("走访与民意调查")
        ordering = ["candidate", "visited_on", "pk"]

    def __str__(self) -> str:
        return f"{self.candidate_id} {self.place}"


class DocumentCheck(models.Model):
    """查: a document checked (档案、个人有关事项报告、审计报告…) and what was found."""

    candidate = models.ForeignKey(
        Candidate, verbose_name=_("考察对象"), on_delete=models.CASCADE, related_name="document_checks"
    )
    document = models.CharField(_("查阅材料"), max_length=200)
    finding = models.TextField(_("查阅结果"), max_length=2000)
    checked_on = models.DateField(_("查阅日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("查阅资料")
        verbose_name_plural = _("查阅资料")
        ordering = ["candidate", "checked_on", "pk"]

    def __str__(self) -> str:
        return f"{self.candidate_id} {self.document}"


class Analysis(models.Model):
    """析: the 实绩综合分析材料 of a candidate, drafted from the record, then edited by the team."""

    candidate = models.OneToOneField(
        Candidate, verbose_name=_("考察对象"), on_delete=models.CASCADE, related_name="analysis"
    )
    text = models.TextField(_("综合分析"), max_length=20000)
    source = models.JSONField(_("生成依据"), default=dict, editable=False)
    built_at = models.DateTimeField(_("生成时间"))
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    edited_at = models.DateTimeField(_("修改时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("实绩综合分析材料")
        verbose_name_plural = _("实绩综合分析材料")

    def __str__(self) -> str:
        return f"{self.candidate_id}"


class OpinionResult(models.TextChoices):
    NO_OBJECTION = "no_objection", _("未发现影响使用的问题")
    OBJECTION = "objection", _("有影响使用的问题")


class DisciplineOpinion(models.Model):
    """The 党风廉政意见 on a candidate, given by an account of the discipline body itself."""

    candidate = models.OneToOneField(
        Candidate, verbose_name=_("考察对象"), on_delete=models.CASCADE, related_name="discipline_opinion"
    )
    result = models.CharField(_("意见"), max_length=20, choices=OpinionResult.choices)
    note = models.TextField(_("说明"), max_length=2000)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("回复人"), on_delete=models.PROTECT, related_name="+"
    )
    given_at = models.DateTimeField(_("回复时间"))

    class Meta:
        verbose_name = _("党风廉政意见")
        verbose_name_plural = _("党风廉政意见")

    def __str__(self) -> str:
        return f"{self.candidate_id}: {self.result}"

    @property
    def passed(self) -> bool:
        return self.result == OpinionResult.NO_OBJECTION


class ProcessEntry(models.Model):
    """One step of the full-process record (全程记实) of a selection: append-only.

    The database refuses UPDATE and DELETE of these rows (a trigger, see the migration); a
    correction is a new entry whose `corrects` points at the entry it corrects.
    """

    selection = models.ForeignKey(
        Selection, verbose_name=_("选拔任用工作"), on_delete=models.PROTECT, related_name="process_entries"
    )
    seq = models.PositiveIntegerField(_("序号"))
    step = models.CharField(_("环节"), max_length=100)
    text = models.TextField(_("内容"), max_length=5000)
    documents = models.CharField(_("相关材料"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("经办人姓名"), max_length=100, blank=True)
    at = models.DateTimeField(_("时间"))
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("更正的记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )

    class Meta:
        verbose_name = _("全程记实")
        verbose_name_plural = _("全程记实")
        ordering = ["selection", "seq"]
        constraints = [models.UniqueConstraint(fields=["selection", "seq"], name="process_entry_seq_once")]

    def __str__(self) -> str:
        return f"{self.selection_id}#{self.seq} {self.step}"


class MeetingKind(models.TextChoices):
    MINISTRY = "ministry", _("部务会")
    SECRETARIES = "secretaries", _("书记办公会")
    STANDING = "standing", _("常委会")


class DecisionMeeting(models.Model):
    """A meeting that discussed the candidates (部务会 → 书记办公会 → 常委会), with its vote if any."""

    selection = models.ForeignKey(
        Selection, verbose_name=_("选拔任用工作"), on_delete=models.CASCADE, related_name="meetings"
    )
    kind = models.CharField(_("会议"), max_length=20, choices=MeetingKind.choices)
    held_on = models.DateField(_("会议日期"))
    members_total = models.PositiveSmallIntegerField(_("应到会成员"), validators=[MinValueValidator(1)])
    present = models.PositiveSmallIntegerField(_("实到会成员"))
    attendees = models.TextField(_("出席人员"), max_length=2000)
    speech = models.FileField(_("施政演说材料"), upload_to="selection/speeches/", blank=True)
    note = models.TextField(_("会议情况"), max_length=3000, blank=True)
    has_vote = models.BooleanField(_("进行票决"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("研究决定会议")
        verbose_name_plural = _("研究决定会议")
        ordering = ["selection", "held_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(present__lte=models.F("members_total")), name="meeting_present_le_total"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.selection_id} {self.kind} {self.held_on}"


class MeetingVote(models.Model):
    """差额票决: the for / against / abstain counts of one candidate at one meeting."""

    meeting = models.ForeignKey(DecisionMeeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="votes")
    candidate = models.ForeignKey(Candidate, verbose_name=_("考察对象"), on_delete=models.CASCADE, related_name="+")
    votes_for = models.PositiveSmallIntegerField(_("赞成"))
    votes_against = models.PositiveSmallIntegerField(_("反对"))
    votes_abstain = models.PositiveSmallIntegerField(_("弃权"))

    class Meta:
        verbose_name = _("票决结果")
        verbose_name_plural = _("票决结果")
        ordering = ["meeting", "-votes_for"]
        constraints = [models.UniqueConstraint(fields=["meeting", "candidate"], name="meeting_vote_once")]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.candidate_id} {self.votes_for}/{self.votes_against}/{self.votes_abstain}"


class Decision(models.Model):
    """The outcome of a selection: the chosen candidate, the deciding meeting and the notice drafted."""

    selection = models.OneToOneField(
        Selection, verbose_name=_("选拔任用工作"), on_delete=models.PROTECT, related_name="decision"
    )
    meeting = models.ForeignKey(DecisionMeeting, verbose_name=_("决定会议"), on_delete=models.PROTECT, related_name="+")
    chosen = models.ForeignKey(Candidate, verbose_name=_("拟任人选"), on_delete=models.PROTECT, related_name="+")
    notice = models.ForeignKey(
        "publicity.Notice",
        verbose_name=_("任前公示"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("记录时间"))
    # Where the chosen cadre stood when the meeting decided (for the 干部调整情况通报).
    previous_unit = models.CharField(_("原单位"), max_length=100, blank=True)
    previous_post = models.CharField(_("原职务"), max_length=200, blank=True)
    previous_is_leadership = models.BooleanField(_("原任领导职务"), default=False)

    class Meta:
        verbose_name = _("任用决定")
        verbose_name_plural = _("任用决定")

    def __str__(self) -> str:
        return f"{self.selection_id}: {self.chosen_id}"


class ArchivedCandidate(models.Model):
    """A candidate not chosen, archived with the reason."""

    candidate = models.OneToOneField(
        Candidate, verbose_name=_("考察对象"), on_delete=models.PROTECT, related_name="archived"
    )
    reason = models.CharField(_("归档理由"), max_length=500)
    archived_at = models.DateTimeField(_("归档时间"))

    class Meta:
        verbose_name = _("未任用人选归档")
        verbose_name_plural = _("未任用人选归档")

    def __str__(self) -> str:
        return f"{self.candidate_id}: {self.reason}"
