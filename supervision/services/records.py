"""Writes of rewards and sanctions (奖惩) and of the 限期整改 follow-up."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from auditlog.context import set_actor
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.models import Cadre, UnitRole, User
from evaluations.models import AnnualResult, Grade

from .. import rules
from ..errors import SupervisionError
from ..models import (
    RecordKind,
    RectifyEntry,
    RectifyStatus,
    RewardSanction,
    SupervisionSettings,
    TeamGrade,
    TeamGradeValue,
)


def _text(value: str, *, field: str, label: str, limit: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise SupervisionError(_("请填写%(label)s。") % {"label": label}, field=field)
    if len(value) > limit:
        raise SupervisionError(
            _("%(label)s最多 %(limit)s 个字，当前 %(count)s 个字。")
            % {"label": label, "limit": limit, "count": len(value)},
            field=field,
        )
    return value


def commendation_refusal(*, cadre: Cadre, kind: str, year: int | None) -> str | None:
    """Why a 嘉奖/记功 cannot be recorded (the year is not graded 优秀), or None when it can."""
    if kind not in rules.COMMENDATION_KINDS or not SupervisionSettings.load().commendation_requires_excellent:
        return None
    label = RecordKind(kind).label
    if year is None:
        return _("登记%(kind)s须填写依据的考核年度。") % {"kind": label}
    result = AnnualResult.objects.published().filter(cadre=cadre, year=year).first()
    if result is None or not result.grade:
        return _(
            "%(name)s %(year)s 年度考核等次尚未确定并公布，不能登记%(kind)s（只有年度考核优秀的才能%(kind)s）。"
        ) % {
            "name": cadre.name,
            "year": year,
            "kind": label,
        }
    if result.grade != Grade.EXCELLENT:
        return _("%(name)s %(year)s 年度考核等次为“%(grade)s”，只有年度考核优秀的才能%(kind)s。") % {
            "name": cadre.name,
            "year": year,
            "grade": result.get_grade_display(),
            "kind": label,
        }
    if result.role == UnitRole.MAIN_LEADER:
        # The team's head: the team's own grade of the year must be 优秀 too.
        team = TeamGrade.objects.filter(unit_id=result.unit_id, year=year).exclude(grade="").first()
        if team is None or team.grade != TeamGradeValue.EXCELLENT:
            return _(
                "%(name)s是%(unit)s主要领导，%(year)s 年领导班子等次%(team)s，只有班子也被确定为优秀的才能%(kind)s。"
            ) % {
                "name": cadre.name,
                "unit": result.unit.name,
                "year": year,
                "team": (_("为“%(g)s”") % {"g": team.get_grade_display()}) if team else _("尚未确定"),
                "kind": label,
            }
    return None


def record_create(
    *,
    cadre: Cadre,
    kind: str,
    document_no: str,
    issuing_body: str,
    date: date,
    reason: str,
    accountability_form: str = "",
    for_year: int | None = None,
    rectify_deadline: date | None = None,
    actor: User,
    today: date | None = None,
) -> RewardSanction:
    """Record a reward or a sanction; a sanction's 影响期 is fixed from the settings of the day."""
    today = today or timezone.localdate()
    if kind not in RecordKind.values:
        raise SupervisionError(_("请选择奖惩类别。"), field="kind")
    document_no = _text(document_no, field="document_no", label=_("文号"), limit=100)
    issuing_body = _text(issuing_body, field="issuing_body", label=_("决定机关"), limit=100)
    reason = _text(reason, field="reason", label=_("事由"), limit=2000)
    if date > today:
        raise SupervisionError(_("决定日期不能晚于今天（%(today)s）。") % {"today": today.isoformat()}, field="date")
    if kind == RecordKind.ACCOUNTABILITY:
        if accountability_form not in rules.ACCOUNTABILITY_FORMS:
            raise SupervisionError(_("问责须选择问责方式。"), field="accountability_form")
    else:
        accountability_form = ""
    if refusal := commendation_refusal(cadre=cadre, kind=kind, year=for_year):
        raise SupervisionError(refusal, field="for_year")
    if kind not in rules.COMMENDATION_KINDS:
        for_year = for_year if kind in rules.REWARD_KINDS else None
    if kind in rules.REWARD_KINDS and rectify_deadline:
        raise SupervisionError(_("奖励不设整改期限。"), field="rectify_deadline")
    if kind == RecordKind.YELLOW_CARD and not rectify_deadline:
        raise SupervisionError(_("黄牌警告须规定限期整改的期限。"), field="rectify_deadline")
    if rectify_deadline and rectify_deadline < date:
        raise SupervisionError(_("整改期限不能早于决定日期。"), field="rectify_deadline")
    months = 0 if kind in rules.REWARD_KINDS else rules.impact_months(kind, form=accountability_form)
    with transaction.atomic(), set_actor(actor):
        return RewardSanction.objects.create(
            cadre=cadre,
            kind=kind,
            accountability_form=accountability_form,
            for_year=for_year,
            document_no=document_no,
            issuing_body=issuing_body,
            date=date,
            reason=reason,
            impact_months=months,
            impact_end=rules.impact_end(date, months),
            rectify_deadline=rectify_deadline,
            rectify_status=RectifyStatus.OPEN if rectify_deadline else RectifyStatus.NONE,
            recorded_by=actor,
        )


def rectify_follow_up(*, record: RewardSanction, text: str, actor: User) -> RectifyEntry:
    text = _text(text, field="text", label=_("跟进情况"), limit=2000)
    with transaction.atomic():
        locked = RewardSanction.objects.select_for_update().get(pk=record.pk)
        if locked.rectify_status != RectifyStatus.OPEN:
            raise SupervisionError(_("这项整改不在办理中，不能再记录跟进。"))
        return RectifyEntry.objects.create(record=locked, text=text, actor=actor)


def rectify_close(*, record: RewardSanction, note: str, actor: User, now: datetime | None = None) -> RewardSanction:
    note = _text(note, field="note", label=_("办结说明"), limit=2000)
    with transaction.atomic(), set_actor(actor):
        locked = RewardSanction.objects.select_for_update().get(pk=record.pk)
        if locked.rectify_status != RectifyStatus.OPEN:
            raise SupervisionError(_("这项整改不在办理中，不能办结。"))
        locked.rectify_status = RectifyStatus.CLOSED
        locked.closing_note = note
        locked.closed_at = now or timezone.now()
        locked.closed_by = actor
        locked.save()
    return locked


def settings_save(*, values: dict[str, Any], actor: User) -> SupervisionSettings:
    with transaction.atomic(), set_actor(actor):
        current = SupervisionSettings.objects.select_for_update().get(pk=SupervisionSettings.load().pk)
        for field, value in values.items():
            setattr(current, field, value)
        current.full_clean()
        current.save()
    return current
