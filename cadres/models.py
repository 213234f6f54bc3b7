"""Organization data: units, cadres, accounts and the settings the organization runs on."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Now, Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Job, SingletonSettings


class SignOn(models.TextChoices):
    LOCAL = "", _("本地密码")
    DIRECTORY = "ldap", _("目录登录（LDAP/AD）")
    UNIFIED = "oidc", _("统一身份认证")


class User(AbstractUser):
    """A login. Cadres log in with their 编号; org staff carry an explicit grant."""

    is_org_staff = models.BooleanField(
        _("考核办人员"),
        default=False,
        help_text=_("授予组织部（考核办）工作人员权限：管理单位、干部、考核周期与结果。"),
    )
    is_discipline_staff = models.BooleanField(
        _("纪检监察人员"),
        default=False,
        help_text=_(
            "纪检监察机关人员：对拟任人选出具党风廉政意见、参加考察组、查看举报和监督信息；不能查看纪实和评分。"
        ),
    )
    must_change_password = models.BooleanField(
        _("须修改初始密码"),
        default=False,
        help_text=_("使用一次性初始密码的账号，首次登录后必须修改密码。"),
    )
    sign_on = models.CharField(
        _("登录方式"),
        max_length=8,
        choices=SignOn.choices,
        default=SignOn.LOCAL,
        blank=True,
        help_text=_("经目录或统一身份认证登录过的账号不再有本地密码，也不能重置本地密码。"),
    )

    # Per-request caches cadres.access keeps on the signed-in user object (declared for the type
    # checker only: never saved, and absent until cadres.access sets them).
    _cadre_cache: Cadre | None
    _led_units_cache: tuple[tuple[int, int], frozenset[int]]

    class Meta(AbstractUser.Meta):
        verbose_name = _("账号")
        verbose_name_plural = _("账号")

    def __str__(self) -> str:
        cadre = getattr(self, "cadre", None)
        return f"{cadre.name}（{self.username}）" if cadre else self.username


class UnitCategory(models.TextChoices):
    TOWNSHIP = "township", _("乡镇街道")
    DISTRICT_DEPARTMENT = "district", _("区直单位")
    SUBORDINATE = "subordinate", _("区直下属单位")


class Unit(models.Model):
    name = models.CharField(_("单位名称"), max_length=100, unique=True)
    category = models.CharField(_("单位类别"), max_length=20, choices=UnitCategory.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    # When the row last changed, for the HR system's incremental sync (docs/hr-export.md). The database
    # default also stamps rows that SQL inserts without naming the column.
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_default=Now(), db_index=True)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            validate_unit_parent(self.parent, unit=self)
        except ValidationError as error:
            raise ValidationError({"parent": error.messages}) from None


def validate_unit_parent(parent: Unit | None, *, unit: Unit | None) -> None:
    """A unit's parent is neither the unit itself nor one of its subordinate units."""
    ancestor = parent
    while ancestor is not None and unit is not None and unit.pk is not None:
        if ancestor.pk == unit.pk:
            raise ValidationError(_("上级单位不能是本单位或其下级单位。"), code="cycle")
        ancestor = ancestor.parent


class LeadershipTier(models.TextChoices):
    PRINCIPAL = "principal", _("正职")
    DEPUTY = "deputy", _("副职")


class RankLevel(models.Model):
    """职级. Extendable by org staff; the three defaults come with the first migration."""

    name = models.CharField(_("职级名称"), max_length=30, unique=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    leadership_tier = models.CharField(
        _("领导职务层级"),
        max_length=20,
        choices=LeadershipTier.choices,
        blank=True,
        help_text=_("用于改非年龄提醒：担任领导职务时按正职或副职的年龄界限。"),
    )

    class Meta:
        verbose_name = _("职级")
        verbose_name_plural = _("职级")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class UnitRole(models.TextChoices):
    MAIN_LEADER = "main_leader", _("主要领导")
    TEAM_MEMBER = "team_member", _("班子成员")
    STAFF = "staff", _("一般干部")


LEADERSHIP_ROLES = (UnitRole.MAIN_LEADER, UnitRole.TEAM_MEMBER)


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class PoliticalStatus(models.TextChoices):
    """政治面貌. 党外干部 are those who are neither full nor probationary members of the CPC."""

    CPC_MEMBER = "cpc", _("中共党员")
    CPC_PROBATIONARY = "cpc_probationary", _("中共预备党员")
    LEAGUE_MEMBER = "league", _("共青团员")
    DEMOCRATIC_PARTY = "democratic_party", _("民主党派成员")
    NON_PARTISAN = "non_partisan", _("无党派人士")
    MASSES = "masses", _("群众")


PARTY_STATUSES = (PoliticalStatus.CPC_MEMBER, PoliticalStatus.CPC_PROBATIONARY)


_SPACES = re.compile(r"\s+")  # \s covers the full-width space U+3000 and NBSP U+00A0
_SPACE_BESIDE_WIDE = re.compile(r"(?<=[^\x00-\x7f]) | (?=[^\x00-\x7f])")


def normalize_cadre_name(value: str) -> str:
    """张　伟, 张 伟 and 张\u00a0伟 are one person, 张伟: spaces inside a Chinese name go.

    A space between Latin letters stays (one, ordinary); the middle dot of minority names
    (买买提·艾力) is kept, only the spaces around it go.
    """
    text = _SPACES.sub(" ", value or "").strip()
    return _SPACE_BESIDE_WIDE.sub("", text)


def validate_cadre_name(value: str) -> None:
    """The name check of every path that writes a cadre's name (pages, API, roster, 任免审批表):
    no < or >, which would read as markup wherever the name is shown."""
    if "<" in value or ">" in value:
        raise ValidationError(_("姓名不能包含 < 或 > 符号。"), code="markup")


def normalize_cadre_code(value: str) -> str:
    """编号 compare without case and surrounding spaces: ` e0001 ` is E0001."""
    return (value or "").strip().upper()


cadre_code_validator = RegexValidator(
    r"^[A-Za-z0-9_-]{1,32}$", _("编号只能由字母、数字、下划线和连字符组成，最长 32 位。")
)


class Cadre(models.Model):
    code = models.CharField(_("编号"), max_length=32, unique=True, validators=[cadre_code_validator])
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True)
    native_place = models.CharField(_("籍贯"), max_length=50, blank=True)
    birthplace = models.CharField(_("出生地"), max_length=50, blank=True)
    party_join_date = models.DateField(_("入党时间"), null=True, blank=True)
    political_status = models.CharField(
        _("政治面貌"), max_length=20, choices=PoliticalStatus.choices, default=PoliticalStatus.CPC_MEMBER
    )
    education = models.CharField(_("学历"), max_length=50, blank=True)
    work_start_date = models.DateField(_("参加工作时间"), null=True, blank=True)
    health = models.CharField(_("健康状况"), max_length=30, blank=True)
    professional_title = models.CharField(_("专业技术职务"), max_length=100, blank=True)
    specialty = models.CharField(_("熟悉专业有何专长"), max_length=200, blank=True)
    rank = models.ForeignKey(RankLevel, verbose_name=_("职级"), on_delete=models.PROTECT, related_name="cadres")
    rank_since = models.DateField(
        _("任现职级时间"), null=True, blank=True, help_text=_("用于任职资格条件中的任现职级年限。")
    )
    post_title = models.CharField(_("职务"), max_length=100, blank=True)
    role = models.CharField(_("班子角色"), max_length=20, choices=UnitRole.choices, default=UnitRole.STAFF)
    unit = models.ForeignKey(Unit, verbose_name=_("所在单位"), on_delete=models.PROTECT, related_name="cadres")
    user = models.OneToOneField(
        User,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cadre",
    )
    is_active = models.BooleanField(_("在职"), default=True)
    records_from = models.DateField(
        _("纳入实绩记录日期"),
        default=timezone.localdate,
        help_text=_("从这一天起须按日记录工作日志；此前的日子不计为缺记。"),
    )
    # Private data: shown to org staff and the cadre only, never on public pages.
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("家庭住址"), max_length=200, blank=True)
    photo = models.ImageField(_("照片"), upload_to="photos/", blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("干部")
        verbose_name_plural = _("干部")
        ordering = ["unit__sort_order", "unit__name", "role", "code"]
        indexes = [
            # Unit pages and rater-group building filter by unit and role.
            models.Index(fields=["unit", "role"], name="cadre_unit_role"),
            # Rank-level rankings and the staff list filter by rank.
            models.Index(fields=["rank", "is_active"], name="cadre_rank_active"),
            models.Index(fields=["name"], name="cadre_name"),
        ]
        constraints = [
            # 编号 is the import key and the login: E0001 and e0001 must never be two cadres, even
            # if a write bypasses the normalization in save() (bulk import, raw SQL).
            models.UniqueConstraint(
                Upper("code"), name="cadre_code_unique_ignoring_case", violation_error_message=_("该编号已被使用。")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.code = normalize_cadre_code(self.code)
        self.name = normalize_cadre_name(self.name)
        super().save(*args, **kwargs)

    @property
    def is_leader(self) -> bool:
        return self.role in LEADERSHIP_ROLES

    @property
    def is_party_member(self) -> bool:
        return self.political_status in PARTY_STATUSES

    @property
    def birth_year_month(self) -> str:
        return f"{self.birth_date.year}年{self.birth_date.month}月"

    def age_on(self, day: date) -> int:
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class ResumeEntry(models.Model):
    cadre = models.ForeignKey(Cadre, verbose_name=_("干部"), on_delete=models.CASCADE, related_name="resume_entries")
    start_date = models.DateField(_("起始时间"))
    end_date = models.DateField(_("截止时间"), null=True, blank=True)
    description = models.CharField(_("单位及职务"), max_length=200)
    # When the row last changed, for the HR system's incremental sync (docs/hr-export.md). The database
    # default also stamps rows that SQL inserts without naming the column.
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_default=Now(), db_index=True)

    class Meta:
        verbose_name = _("简历条目")
        verbose_name_plural = _("简历")
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="resume_end_after_start",
                violation_error_message=_("截止时间不能早于起始时间。"),
            )
        ]

    def __str__(self) -> str:
        return self.description


class EducationKind(models.TextChoices):
    FULL_TIME = "full_time", _("全日制教育")
    IN_SERVICE = "in_service", _("在职教育")


class EducationEntry(models.Model):
    """One completed course of education, as the appointment form (干部任免审批表) lists it:
    学历, 学位 and 毕业院校系及专业, under 全日制教育 or 在职教育. The form shows the highest of each."""

    cadre = models.ForeignKey(Cadre, verbose_name=_("干部"), on_delete=models.CASCADE, related_name="education_entries")
    kind = models.CharField(_("教育类别"), max_length=20, choices=EducationKind.choices)
    level = models.CharField(_("学历"), max_length=50, blank=True, help_text=_("如：大学、研究生。"))
    degree = models.CharField(_("学位"), max_length=50, blank=True, help_text=_("如：法学学士、管理学硕士。"))
    school = models.CharField(_("毕业院校系及专业"), max_length=200, blank=True)
    graduated_on = models.DateField(_("毕业时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("学历学位")
        verbose_name_plural = _("学历学位")
        ordering = ["kind", "graduated_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.level} {self.degree}".strip()


class FamilyMember(models.Model):
    """家庭主要成员及重要社会关系, in the order the appointment form prints them."""

    cadre = models.ForeignKey(Cadre, verbose_name=_("干部"), on_delete=models.CASCADE, related_name="family_members")
    relation = models.CharField(_("称谓"), max_length=20)
    name = models.CharField(_("姓名"), max_length=50)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    political_status = models.CharField(_("政治面貌"), max_length=30, blank=True)
    employer_post = models.CharField(_("工作单位及职务"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("家庭成员及社会关系")
        verbose_name_plural = _("家庭成员及社会关系")
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return f"{self.relation} {self.name}"

    def age_on(self, day: date) -> int | None:
        born = self.birth_date
        if born is None:
            return None
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class StudyCredit(models.Model):
    cadre = models.ForeignKey(Cadre, verbose_name=_("干部"), on_delete=models.CASCADE, related_name="study_credits")
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    credits = models.DecimalField(
        _("学习教育积分"),
        max_digits=6,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0"))],
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("学习教育积分")
        verbose_name_plural = _("学习教育积分")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["cadre", "year"], name="study_credit_once_per_year")]

    def __str__(self) -> str:
        return f"{self.year}: {self.credits}"


class MembershipSnapshot(models.Model):
    """Who was where on a date: unit, role and rank of every active cadre.

    Evaluation periods take one when they open, so later moves never rewrite past results.
    """

    label = models.CharField(_("名称"), max_length=50, unique=True)
    as_of = models.DateField(_("快照日期"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("任职快照")
        verbose_name_plural = _("任职快照")
        ordering = ["-as_of"]

    def __str__(self) -> str:
        return self.label


class SnapshotMember(models.Model):
    # Written only by `membership_snapshot_take`, one INSERT … SELECT from the cadres, units and
    # ranks themselves (50,000 rows when a city opens a period): the database does not check each
    # row's four keys again at commit (db_constraint=False); Django still cascades and protects.
    # The unique (snapshot, cadre) index serves every lookup by snapshot: no index of its own.
    snapshot = models.ForeignKey(
        MembershipSnapshot, on_delete=models.CASCADE, related_name="members", db_constraint=False, db_index=False
    )
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="snapshots", db_constraint=False
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    unit_category = models.CharField(_("单位类别"), max_length=20, choices=UnitCategory.choices)
    role = models.CharField(_("班子角色"), max_length=20, choices=UnitRole.choices)
    rank = models.ForeignKey(
        RankLevel, verbose_name=_("职级"), on_delete=models.PROTECT, related_name="+", db_constraint=False
    )

    class Meta:
        verbose_name = _("快照成员")
        verbose_name_plural = _("快照成员")
        constraints = [models.UniqueConstraint(fields=["snapshot", "cadre"], name="snapshot_member_once")]
        indexes = [
            # Rankings group snapshot members by unit and by rank level.
            models.Index(fields=["snapshot", "unit"], name="snapshot_unit"),
            models.Index(fields=["snapshot", "rank"], name="snapshot_rank"),
        ]

    def __str__(self) -> str:
        return f"{self.snapshot}: {self.cadre_id}"


class OrgSettings(SingletonSettings):
    """Organization-wide settings of the cadres app (a single row, edited by org staff)."""

    principal_male_age = models.PositiveSmallIntegerField(_("正职男性改非年龄"), default=53)
    principal_female_age = models.PositiveSmallIntegerField(_("正职女性改非年龄"), default=50)
    deputy_male_age = models.PositiveSmallIntegerField(_("副职男性改非年龄"), default=52)
    deputy_female_age = models.PositiveSmallIntegerField(_("副职女性改非年龄"), default=49)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("组织设置")
        verbose_name_plural = _("组织设置")

    def threshold_age(self, *, tier: str, gender: str) -> int:
        male = gender == Gender.MALE
        if tier == LeadershipTier.PRINCIPAL:
            return self.principal_male_age if male else self.principal_female_age
        return self.deputy_male_age if male else self.deputy_female_age


class RosterImport(Job):
    """One uploaded roster file and what became of it: a background job (core.jobs). A refused file
    fails the job with every bad row in `errors`; nothing of it is imported."""

    file = models.FileField(_("文件"), upload_to="imports/", blank=True)
    original_name = models.CharField(_("文件名"), max_length=255)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    created_count = models.PositiveIntegerField(_("新增"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    unchanged_count = models.PositiveIntegerField(_("未变化"), default=0)
    units_created = models.PositiveIntegerField(_("新增单位"), default=0)
    errors = models.JSONField(_("错误行"), default=list, blank=True)
    title_lines = models.JSONField(_("跳过的标题行"), default=list, blank=True)

    class Meta(Job.Meta):
        verbose_name = _("花名册导入")
        verbose_name_plural = _("花名册导入")

    def __str__(self) -> str:
        return self.original_name
