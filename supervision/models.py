"""Supervision and consequences: rewards and sanctions (奖惩), reports (举报受理), supervision information.

Numbers (影响期 per kind, the commendation rule, triage deadlines) are settings in
`SupervisionSettings`; `rules.py` reads them and holds the stated defaults with their sources.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre, Unit
from core.models import SingletonSettings
from publicity.models import FeedbackState, Notice, new_receipt_code
from selection.models import Selection


def default_impact_months() -> dict[str, int]:
    from .rules import DEFAULT_IMPACT_MONTHS

    return dict(DEFAULT_IMPACT_MONTHS)


class SupervisionSettings(SingletonSettings):
    """Organization-wide supervision settings (a single row, edited by org staff)."""

    commendation_requires_excellent = models.BooleanField(
        _("嘉奖、记功限年度考核优秀"),
        default=True,
        help_text=_("勾选时，只有该年度考核确定为“优秀”等次的干部才能登记嘉奖或记功。"),
    )
    impact_months = models.JSONField(_("各类处理的影响期（月）"), default=default_impact_months)
    receive_days = models.PositiveSmallIntegerField(
        _("受理后开始核查期限（天）"), default=5, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    verify_days = models.PositiveSmallIntegerField(
        _("核查办理期限（天）"), default=30, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    close_days = models.PositiveSmallIntegerField(
        _("作出结论后办结期限（天）"), default=10, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    township_head_min_years = models.PositiveSmallIntegerField(
        _("乡镇街道主要领导最短任职年限"),
        default=3,
        validators=[MaxValueValidator(10)],
        help_text=_("衡南做法：乡镇党政正职任职满 3 年才调整。0 表示不提醒。"),
    )
    department_head_min_years = models.PositiveSmallIntegerField(
        _("部门主要领导最短任职年限"),
        default=5,
        validators=[MaxValueValidator(10)],
        help_text=_("衡南做法：部门正职原则上任满一届（5 年）。0 表示不提醒。"),
    )
    team_excellent_quota_percent = models.PositiveSmallIntegerField(
        _("优秀领导班子比例上限（%）"), default=30, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    team_excellent_min_unit_score = models.DecimalField(
        _("优秀领导班子单位得分下限"), max_digits=5, decimal_places=2, default=90
    )
    team_excellent_max_problem_share = models.DecimalField(
        _("优秀领导班子反测评比例上限（%）"),
        max_digits=5,
        decimal_places=2,
        default=10,
        help_text=_("班子反测评勾选数占测评表数（乘以项目数）的比例。"),
    )
    team_poor_max_unit_score = models.DecimalField(
        _("较差领导班子单位得分上限"), max_digits=5, decimal_places=2, default=70
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("监督设置")
        verbose_name_plural = _("监督设置")


class RecordKind(models.TextChoices):
    # Rewards
    COMMENDATION = "commendation", _("嘉奖")
    MERIT = "merit", _("记功")
    MAJOR_MERIT = "major_merit", _("记大功")
    HONOR = "honor", _("荣誉称号")
    # Sanctions
    CRITICISM = "criticism", _("通报批评")
    YELLOW_CARD = "yellow_card", _("黄牌警告")
    ADMONITION = "admonition", _("诫勉")
    ACCOUNTABILITY = "accountability", _("问责")
    SUSPENSION = "suspension", _("停职检查")
    POST_ADJUSTMENT = "post_adjustment", _("调整职务")
    ORDERED_RESIGNATION = "ordered_resignation", _("责令辞职")
    REMOVAL = "removal", _("免职")
    DEMOTION = "demotion", _("降职")
    PARTY_WARNING = "party_warning", _("党内警告")
    PARTY_SERIOUS_WARNING = "party_serious_warning", _("党内严重警告")
    PARTY_POST_REMOVAL = "party_post_removal", _("撤销党内职务")
    PARTY_PROBATION = "party_probation", _("留党察看")
    GOV_WARNING = "gov_warning", _("政务警告")
    GOV_DEMERIT = "gov_demerit", _("记过")
    GOV_MAJOR_DEMERIT = "gov_major_demerit", _("记大过")
    GOV_DOWNGRADE = "gov_downgrade", _("降级")
    GOV_DISMISSAL = "gov_dismissal", _("撤职")


class RectifyStatus(models.TextChoices):
    NONE = "", _("无整改要求")
    OPEN = "open", _("整改中")
    CLOSED = "closed", _("已办结")


class RewardSanction(models.Model):
    """One reward or sanction in a cadre's record (政绩档案), with its document and, for a sanction,
    the 影响期 fixed when it was recorded and an optional 限期整改 follow-up."""

    cadre = models.ForeignKey(Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="rewards_sanctions")
    kind = models.CharField(_("类别"), max_length=30, choices=RecordKind.choices)
    accountability_form = models.CharField(
        _("问责方式"), max_length=30, choices=RecordKind.choices, blank=True, help_text=_("仅问责填写。")
    )
    for_year = models.PositiveSmallIntegerField(
        _("考核年度"), null=True, blank=True, help_text=_("嘉奖、记功依据的年度考核。")
    )
    document_no = models.CharField(_("文号"), max_length=100)
    issuing_body = models.CharField(_("决定机关"), max_length=100)
    date = models.DateField(_("决定日期"))
    reason = models.TextField(_("事由"), max_length=2000)
    impact_months = models.PositiveSmallIntegerField(_("影响期（月）"), default=0)
    impact_end = models.DateField(_("影响期截止"), null=True, blank=True)
    rectify_deadline = models.DateField(_("整改期限"), null=True, blank=True)
    rectify_status = models.CharField(
        _("整改状态"), max_length=10, choices=RectifyStatus.choices, default=RectifyStatus.NONE, blank=True
    )
    closing_note = models.TextField(_("办结说明"), max_length=2000, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办结人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    # When the row last changed, for the HR system's incremental sync (docs/hr-export.md). The database
    # default also stamps rows that SQL inserts without naming the column.
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_default=Now(), db_index=True)

    class Meta:
        verbose_name = _("奖惩记录")
        verbose_name_plural = _("奖惩记录")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["cadre", "impact_end"], name="reward_sanction_impact")]

    def __str__(self) -> str:
        return f"{self.cadre.name} {self.get_kind_display()} {self.document_no}"

    @property
    def is_reward(self) -> bool:
        from .rules import REWARD_KINDS

        return self.kind in REWARD_KINDS

    @property
    def kind_label(self) -> str:
        if self.kind == RecordKind.ACCOUNTABILITY and self.accountability_form:
            return f"{self.get_kind_display()}（{self.get_accountability_form_display()}）"
        return str(self.get_kind_display())


class RectifyEntry(models.Model):
    """One follow-up note on a 限期整改: what was checked and found."""

    record = models.ForeignKey(
        RewardSanction, verbose_name=_("奖惩记录"), on_delete=models.CASCADE, related_name="rectify_entries"
    )
    text = models.TextField(_("跟进情况"), max_length=2000)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("整改跟进")
        verbose_name_plural = _("整改跟进")
        ordering = ["record", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.record_id} {self.at:%Y-%m-%d}"


# --- Reports (举报受理) ----------------------------------------------------------------------------


class Channel(models.TextChoices):
    WEB = "web", _("网络")
    PHONE = "phone", _("电话")
    LETTER = "letter", _("来信")
    VISIT = "visit", _("来访")


class Report(models.Model):
    """A report about a cadre, a selection or a notice, by any channel, at any time.

    The reporter's name and contact are protected: only org and discipline staff see them, never
    the cadre reported on. Triage states are the notice feedback's.
    """

    receipt_code = models.CharField(_("查询码"), max_length=20, unique=True, default=new_receipt_code, editable=False)
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    received_on = models.DateField(_("受理日期"))
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("被反映干部"), null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("所在单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    selection = models.ForeignKey(
        Selection, verbose_name=_("选拔任用工作"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notice = models.ForeignKey(
        Notice, verbose_name=_("任前公示"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(_("被反映人或事项"), max_length=200, blank=True)
    reporter_name = models.CharField(_("反映人姓名"), max_length=50, blank=True)
    reporter_contact = models.CharField(_("反映人联系方式"), max_length=100, blank=True)
    text = models.TextField(_("反映内容"), max_length=10000)
    state = models.CharField(
        _("办理状态"), max_length=20, choices=FeedbackState.choices, default=FeedbackState.RECEIVED
    )
    finding = models.CharField(
        _("核查结论"),
        max_length=20,
        choices=[(FeedbackState.SUBSTANTIATED, _("反映属实")), (FeedbackState.UNSUBSTANTIATED, _("反映不属实"))],
        blank=True,
    )
    public_reply = models.CharField(_("答复（公开查询可见）"), max_length=1000, blank=True)
    step_due = models.DateField(_("本环节办理期限"), null=True, blank=True)
    reminded_on = models.DateField(_("最近提醒日期"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("举报")
        verbose_name_plural = _("举报")
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["state", "step_due"], name="report_state_due")]

    def __str__(self) -> str:
        return self.receipt_code

    @property
    def is_open(self) -> bool:
        return self.state != FeedbackState.CLOSED


class ReportEvent(models.Model):
    report = models.ForeignKey(Report, verbose_name=_("举报"), on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(_("原状态"), max_length=20, choices=FeedbackState.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, choices=FeedbackState.choices)
    note = models.TextField(_("办理意见"), max_length=2000, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("举报办理记录")
        verbose_name_plural = _("举报办理记录")
        ordering = ["report", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.from_state} → {self.to_state}"


class ReportScan(models.Model):
    """A scan of a letter or a visit record. Private storage, served only through an access-checked view."""

    report = models.ForeignKey(Report, verbose_name=_("举报"), on_delete=models.CASCADE, related_name="scans")
    file = models.FileField(_("文件"), upload_to="reports/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("扫描件")
        verbose_name_plural = _("扫描件")
        ordering = ["report", "pk"]

    def __str__(self) -> str:
        return self.original_name


# --- Supervision information (纪检、司法、审计、信访) ------------------------------------------------


class InfoSource(models.TextChoices):
    DISCIPLINE = "discipline", _("纪检监察")
    JUDICIAL = "judicial", _("司法")
    AUDIT = "audit", _("审计")
    PETITION = "petition", _("信访")


class InfoStatus(models.TextChoices):
    OPEN = "open", _("在办")
    CONCLUDED = "concluded", _("已办结")


class SupervisionInfo(models.Model):
    """What a supervising body holds about a cadre, checked before promotion (凡提必核/听)."""

    cadre = models.ForeignKey(Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="supervision_info")
    source = models.CharField(_("来源"), max_length=20, choices=InfoSource.choices)
    provided_by = models.CharField(_("提供单位"), max_length=100)
    summary = models.TextField(_("情况"), max_length=2000)
    date = models.DateField(_("日期"))
    status = models.CharField(_("状态"), max_length=20, choices=InfoStatus.choices, default=InfoStatus.OPEN)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("监督信息")
        verbose_name_plural = _("监督信息")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.cadre.name} {self.get_source_display()} {self.date}"


class UnitFeedbackNote(models.Model):
    """Org staff's note to a unit on its year's results (谁考察谁反馈), shown in the unit report."""

    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    text = models.TextField(_("反馈意见"), max_length=5000)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填写人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("单位反馈意见")
        verbose_name_plural = _("单位反馈意见")
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="unit_feedback_once_per_year")]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}"


class TeamGradeValue(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    FAIR = "fair", _("一般")
    POOR = "poor", _("较差")


class TeamGrade(models.Model):
    """领导班子等次 of a unit for a year: proposed by the rule, confirmed by org staff (trail below)."""

    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    unit_score = models.DecimalField(_("单位年度考核得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    problem_share = models.DecimalField(_("班子反测评比例（%）"), max_digits=6, decimal_places=2, null=True, blank=True)
    weak_members = models.PositiveSmallIntegerField(_("基本称职及以下成员数"), default=0)
    proposed = models.CharField(_("建议等次"), max_length=20, choices=TeamGradeValue.choices)
    basis = models.CharField(_("建议依据"), max_length=500, blank=True)
    grade = models.CharField(_("确定等次"), max_length=20, choices=TeamGradeValue.choices, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确定人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("确定时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("领导班子等次")
        verbose_name_plural = _("领导班子等次")
        ordering = ["-year", "unit__sort_order"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="team_grade_once_per_year")]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}"


class TeamGradeChange(models.Model):
    """Confirmation trail: a team grade set, from what to what, by whom and why."""

    team_grade = models.ForeignKey(
        TeamGrade, verbose_name=_("领导班子等次"), on_delete=models.CASCADE, related_name="changes"
    )
    before = models.CharField(_("原等次"), max_length=20, choices=TeamGradeValue.choices, blank=True)
    after = models.CharField(_("新等次"), max_length=20, choices=TeamGradeValue.choices)
    reason = models.CharField(_("理由"), max_length=500, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("确定人"), on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("班子等次确定记录")
        verbose_name_plural = _("班子等次确定记录")
        ordering = ["team_grade", "changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.team_grade_id}: {self.before} → {self.after}"
