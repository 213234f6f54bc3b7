"""The annual self-assessment (实绩自评表): draft → submitted → approved and posted, or returned →
posted inside the unit for a few days, colleagues may object → filed."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.models import Cadre, User
from core.dates import format_deadline
from core.fields import field_limit
from core.models import NotificationKind
from core.notifications import notify

from .. import access, rules
from ..errors import RecordLocked
from ..models import (
    AssessmentAction,
    AssessmentState,
    SelfAssessment,
    SelfAssessmentEvent,
    SelfAssessmentObjection,
)
from .logs import check_length

RETURN_REASON_MIN = 5
OBJECTION_MIN = 5
OBJECTION_MAX = field_limit(SelfAssessmentObjection, "text")


def _url(assessment: SelfAssessment) -> str:
    return f"/achievements/assessments/{assessment.pk}/"


def _locked(assessment: SelfAssessment, action: str) -> RecordLocked:
    messages = {
        "edit": _("这份自评表当前状态为「%(state)s」，不能修改。"),
        "submit": _("这份自评表当前状态为「%(state)s」，不能提交。"),
        "review": _("这份自评表当前状态为「%(state)s」，不能审核。"),
        "return": _("这份自评表当前状态为「%(state)s」，不能退回。"),
    }
    return RecordLocked(reason=messages[action] % {"state": assessment.get_state_display()})


def _event(assessment: SelfAssessment, action: str, actor: User | None, note: str = "") -> None:
    SelfAssessmentEvent.objects.create(assessment=assessment, action=action, actor=actor, note=note)


def _notify_reviewers(assessment: SelfAssessment, title: str) -> None:
    """The main leader(s) who review the form, or org staff where there is none."""
    reviewers = [c.user_id for c in access.reviewers_of(assessment) if c.user_id]
    if not reviewers:
        reviewers = list(User.objects.filter(is_active=True, is_org_staff=True).values_list("pk", flat=True))
    notify(recipients=reviewers, title=title, url=_url(assessment), kind=NotificationKind.ASSESSMENT_REVIEW)


def _lock(assessment: SelfAssessment) -> SelfAssessment:
    return (
        SelfAssessment.objects.select_for_update(of=("self",))
        .select_related("author__user", "unit")
        .get(pk=assessment.pk)
    )


@transaction.atomic
def assessment_save(
    *,
    author: Cadre,
    year: int,
    performance: str,
    shortcomings: str = "",
    plans: str = "",
    assessment: SelfAssessment | None = None,
    now: datetime | None = None,
) -> SelfAssessment:
    """Create the year's form or edit it while it is a draft or was returned."""
    today = rules.today_in_shanghai(now)
    if not author.is_active:
        raise RecordLocked(reason=_("离任干部不能再填写实绩记录。"))
    if assessment is None:
        if year not in (today.year, today.year - 1):
            raise RecordLocked(reason=_("只能填写本年度或上一年度的自评表。"), field="year")
        existing = SelfAssessment.objects.filter(author=author, year=year).first()
        if existing is not None:
            raise RecordLocked(
                reason=_("%(year)s 年度的自评表已经存在，请打开原表修改。") % {"year": year}, field="year"
            )
        assessment = SelfAssessment(author=author, year=year, unit=author.unit)
    else:
        assessment = _lock(assessment)
        if assessment.author_id != author.pk:
            raise RecordLocked(reason=_("只有本人可以修改自评表。"))
        if not assessment.is_editable:
            raise _locked(assessment, "edit")
    assessment.performance = rules.normalize_text(performance)
    assessment.shortcomings = rules.normalize_text(shortcomings)
    assessment.plans = rules.normalize_text(plans)
    for field in ("performance", "shortcomings", "plans"):
        # A draft may be short; the minimum applies when it is submitted.
        check_length(getattr(assessment, field), 0, field_limit(SelfAssessment, field), field)
    assessment.save()
    return assessment


@transaction.atomic
def assessment_submit(*, assessment: SelfAssessment, actor: User, now: datetime | None = None) -> SelfAssessment:
    now = now or timezone.now()
    assessment = _lock(assessment)
    if assessment.author.user_id != actor.pk:
        raise RecordLocked(reason=_("只有本人可以提交自评表。"))
    if not assessment.is_editable:
        raise _locked(assessment, "submit")
    minimum = rules.rules_for_unit(assessment.year, assessment.author.unit).self_assessment_min_chars
    check_length(assessment.performance, minimum, field_limit(SelfAssessment, "performance"), "performance")
    assessment.state = AssessmentState.SUBMITTED
    assessment.unit = assessment.author.unit
    assessment.submitted_at = now
    assessment.return_reason = ""
    assessment.save()
    _event(assessment, AssessmentAction.SUBMITTED, actor)
    _notify_reviewers(
        assessment,
        _("%(name)s 提交了 %(year)s 年度实绩自评表，请审核")
        % {"name": assessment.author.name, "year": assessment.year},
    )
    return assessment


def _require_reviewer(assessment: SelfAssessment, actor: User) -> None:
    if not access.may_review(actor, assessment):
        raise RecordLocked(reason=_("只有本单位主要领导可以审核这份自评表。"))


@transaction.atomic
def assessment_approve(*, assessment: SelfAssessment, actor: User, now: datetime | None = None) -> SelfAssessment:
    """Approve and post the form inside the unit for the configured number of working days."""
    now = now or timezone.now()
    assessment = _lock(assessment)
    _require_reviewer(assessment, actor)
    if assessment.state != AssessmentState.SUBMITTED:
        raise _locked(assessment, "review")
    days = rules.rules_for_unit(assessment.year, assessment.unit).self_assessment_posting_days
    assessment.state = AssessmentState.POSTED
    assessment.reviewed_by = actor
    assessment.reviewed_at = now
    assessment.posted_at = now
    assessment.posting_ends_at = rules.posting_end(now, days)
    assessment.save()
    _event(assessment, AssessmentAction.APPROVED, actor)
    author_user = assessment.author.user_id
    if author_user:
        notify(
            recipients=[author_user],
            title=_("您的 %(year)s 年度实绩自评表已审核通过，正在单位内公示") % {"year": assessment.year},
            url=_url(assessment),
            kind=NotificationKind.ASSESSMENT_RESULT,
        )
    colleagues = Cadre.objects.filter(unit_id=assessment.unit_id, is_active=True, user__isnull=False).exclude(
        pk=assessment.author_id
    )
    notify(
        recipients=list(colleagues.values_list("user_id", flat=True)),
        title=_("%(name)s 的 %(year)s 年度实绩自评表公示中，%(days)s 个工作日内（至 %(end)s）可提出异议")
        % {
            "name": assessment.author.name,
            "year": assessment.year,
            "days": days,
            "end": format_deadline(assessment.posting_ends_at),
        },
        url=_url(assessment),
        kind=NotificationKind.ASSESSMENT_POSTING,
    )
    return assessment


@transaction.atomic
def assessment_return(
    *, assessment: SelfAssessment, actor: User, reason: str, now: datetime | None = None
) -> SelfAssessment:
    now = now or timezone.now()
    assessment = _lock(assessment)
    _require_reviewer(assessment, actor)
    if assessment.state != AssessmentState.SUBMITTED:
        raise _locked(assessment, "return")
    reason = rules.normalize_text(reason)
    check_length(reason, RETURN_REASON_MIN, field_limit(SelfAssessment, "return_reason"), "reason")
    assessment.state = AssessmentState.RETURNED
    assessment.reviewed_by = actor
    assessment.reviewed_at = now
    assessment.return_reason = reason
    assessment.save()
    _event(assessment, AssessmentAction.RETURNED, actor, reason)
    if assessment.author.user_id:
        notify(
            recipients=[assessment.author.user_id],
            title=_("您的 %(year)s 年度实绩自评表被退回修改") % {"year": assessment.year},
            body=reason,
            url=_url(assessment),
            kind=NotificationKind.ASSESSMENT_RESULT,
        )
    return assessment


@transaction.atomic
def objection_file(
    *, assessment: SelfAssessment, author: Cadre, text: str, now: datetime | None = None
) -> SelfAssessmentObjection:
    """A colleague objects while the form is posted; the reviewers learn of it."""
    now = now or timezone.now()
    assessment = _lock(assessment)
    if assessment.state != AssessmentState.POSTED or (assessment.posting_ends_at and now >= assessment.posting_ends_at):
        raise RecordLocked(reason=_("公示期已结束，不能再提出异议。"))
    if author.pk == assessment.author_id or author.unit_id != assessment.unit_id or not author.is_active:
        raise RecordLocked(reason=_("只有本单位的同事可以对公示中的自评表提出异议。"))
    text = rules.normalize_text(text)
    check_length(text, OBJECTION_MIN, OBJECTION_MAX)
    objection = SelfAssessmentObjection.objects.create(assessment=assessment, author=author, text=text)
    # The history is shown to the author: it records that an objection came, not from whom.
    _event(assessment, AssessmentAction.OBJECTION, None)
    _notify_reviewers(
        assessment,
        _("%(name)s 的 %(year)s 年度实绩自评表在公示期收到异议")
        % {"name": assessment.author.name, "year": assessment.year},
    )
    return objection


def assessments_file_due(*, now: datetime | None = None) -> int:
    """File every form whose posting has ended. Idempotent: the scheduled job runs it hourly."""
    now = now or timezone.now()
    filed = 0
    due = SelfAssessment.objects.filter(state=AssessmentState.POSTED, posting_ends_at__lte=now).values_list(
        "pk", flat=True
    )
    for pk in list(due):
        with transaction.atomic():
            assessment = SelfAssessment.objects.select_for_update(of=("self",)).select_related("author").get(pk=pk)
            if assessment.state != AssessmentState.POSTED:
                continue
            assessment.state = AssessmentState.FILED
            assessment.filed_at = now
            assessment.save()
            count = assessment.objections.count()
            _event(assessment, AssessmentAction.FILED, None, _("公示期间异议 %(count)s 条") % {"count": count})
            if assessment.author.user_id:
                notify(
                    recipients=[assessment.author.user_id],
                    title=_("您的 %(year)s 年度实绩自评表公示期满，已归档") % {"year": assessment.year},
                    url=_url(assessment),
                    dedupe_key=f"assessment-filed:{assessment.pk}",
                    kind=NotificationKind.ASSESSMENT_RESULT,
                )
            filed += 1
    return filed
