"""Reports (举报受理): registered by staff (phone, letter, visit) or sent through the public form,
triaged like a notice's feedback (received → verifying → substantiated | unsubstantiated → closed),
each step with a deadline from the settings and reminders when it passes.

The public form's protections are the notice feedback's (publicity.services.feedback): the signed
form token, the honeypot, the rate limit and the receipt code.
"""

from __future__ import annotations

import secrets
from datetime import date

from auditlog.context import set_actor
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from achievements import rules as evidence_rules
from cadres.models import Cadre, User
from core.models import NotificationKind
from core.notifications import notify
from publicity.errors import FeedbackError
from publicity.models import FeedbackState, Notice, PublicitySettings
from publicity.services.feedback import check_text, normalize_receipt_code, triage_step
from selection.models import Selection

from .. import rules
from ..errors import SupervisionError
from ..models import Channel, Report, ReportEvent, ReportScan

PUBLIC_FORM_SCOPE = "supervision.report"
STAFF_CHANNELS = (Channel.PHONE, Channel.LETTER, Channel.VISIT)


def _max_chars() -> int:
    return PublicitySettings.load().feedback_max_chars


def _subject_unit(cadre: Cadre | None, notice: Notice | None, selection: Selection | None) -> int | None:
    if cadre is not None:
        return cadre.unit_id
    if notice is not None:
        return notice.cadre.unit_id
    if selection is not None:
        return selection.post.unit_id
    return None


def _validate_subject(*, cadre: Cadre | None, notice: Notice | None, selection: Selection | None, subject: str) -> str:
    subject = (subject or "").strip()
    if len(subject) > 200:
        raise SupervisionError(_("被反映人或事项最多 200 个字。"), field="subject")
    if cadre is None and notice is None and selection is None and not subject:
        raise SupervisionError(_("请写明反映的是哪位干部、哪项选拔任用工作或哪份公示。"), field="subject")
    if notice is not None and cadre is not None and notice.cadre_id != cadre.pk:
        raise SupervisionError(_("所选公示的对象不是所选干部。"), field="notice")
    return subject


@transaction.atomic
def report_register(
    *,
    channel: str,
    received_on: date,
    text: str,
    actor: User,
    cadre: Cadre | None = None,
    notice: Notice | None = None,
    selection: Selection | None = None,
    subject: str = "",
    reporter_name: str = "",
    reporter_contact: str = "",
    today: date | None = None,
) -> Report:
    """Staff register a report received by phone, letter or visit."""
    today = today or timezone.localdate()
    if channel not in STAFF_CHANNELS:
        raise SupervisionError(_("工作人员登记的举报渠道须为电话、来信或来访。"), field="channel")
    if received_on > today:
        raise SupervisionError(
            _("受理日期不能晚于今天（%(today)s）。") % {"today": today.isoformat()}, field="received_on"
        )
    try:
        text = check_text(text, max_chars=_max_chars())
    except FeedbackError as error:  # the notice feedback's wording
        raise SupervisionError(error.message, field="text") from None
    if notice is not None and cadre is None:
        cadre = notice.cadre
    subject = _validate_subject(cadre=cadre, notice=notice, selection=selection, subject=subject)
    with set_actor(actor):
        report = Report.objects.create(
            channel=channel,
            received_on=received_on,
            cadre=cadre,
            notice=notice,
            selection=selection,
            unit_id=_subject_unit(cadre, notice, selection),
            subject=subject,
            reporter_name=(reporter_name or "").strip()[:50],
            reporter_contact=(reporter_contact or "").strip()[:100],
            text=text,
            step_due=rules.step_due(FeedbackState.RECEIVED, received_on),
            registered_by=actor,
        )
    ReportEvent.objects.create(report=report, from_state="", to_state=FeedbackState.RECEIVED, actor=actor)
    return report


@transaction.atomic
def report_submit_public(*, subject: str, name: str, contact: str, text: str, today: date) -> Report:
    """A report through the public web form, at any time (the view has checked token, honeypot, rate)."""
    text = check_text(text, max_chars=_max_chars())
    subject = _validate_subject(cadre=None, notice=None, selection=None, subject=subject)
    report = Report.objects.create(
        channel=Channel.WEB,
        received_on=today,
        subject=subject,
        reporter_name=(name or "").strip()[:50],
        reporter_contact=(contact or "").strip()[:100],
        text=text,
        step_due=rules.step_due(FeedbackState.RECEIVED, today),
    )
    ReportEvent.objects.create(report=report, from_state="", to_state=FeedbackState.RECEIVED)
    return report


def report_lookup(*, code: str) -> Report | None:
    """The report behind a receipt code: the public sees its state and public reply only."""
    normalized = normalize_receipt_code(code)
    if not normalized:
        return None
    return Report.objects.filter(receipt_code=normalized).only("state", "public_reply", "receipt_code").first()


def _about_self(report: Report, actor: User) -> bool:
    return (
        actor is not None
        and report.cadre_id is not None
        and Cadre.objects.filter(pk=report.cadre_id, user_id=actor.pk).exists()
    )


@transaction.atomic
def report_link(
    *, report: Report, cadre: Cadre | None, notice: Notice | None, selection: Selection | None, actor: User
) -> Report:
    """Staff say who or what a (web) report is about, so it shows on the profile, selection and gate."""
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if notice is not None and cadre is None:
        cadre = notice.cadre
    _validate_subject(cadre=cadre, notice=notice, selection=selection, subject=locked.subject)
    if cadre is not None and Cadre.objects.filter(pk=cadre.pk, user_id=actor.pk).exists():
        raise SupervisionError(_("这条举报涉及您本人，您不能办理，请由其他工作人员办理。"))
    with set_actor(actor):
        locked.cadre, locked.notice, locked.selection = cadre, notice, selection
        locked.unit_id = _subject_unit(cadre, notice, selection)
        locked.save()
    return locked


@transaction.atomic
def report_transition(
    *, report: Report, to_state: str, note: str = "", public_reply: str = "", actor: User, today: date | None = None
) -> Report:
    """One step along the triage path; a finding needs a note; the next step's deadline is set."""
    today = today or timezone.localdate()
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if _about_self(locked, actor):
        raise SupervisionError(_("这条举报涉及您本人，您不能办理，请由其他工作人员办理。"))
    with set_actor(actor):
        previous, note = triage_step(
            locked,
            to_state=to_state,
            note=note,
            public_reply=public_reply,
            refused=SupervisionError,
            wrong_step=_("“%(from)s”的举报不能改为“%(to)s”。"),
        )
        locked.step_due = rules.step_due(to_state, today)
        locked.reminded_on = None
        locked.save()
    ReportEvent.objects.create(report=locked, from_state=previous, to_state=to_state, note=note, actor=actor)
    return locked


def scan_add(*, report: Report, upload: UploadedFile, actor: User) -> ReportScan:
    """A scan of the letter or the visit record: size and real type checked as for evidence files."""
    name = (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:200] or "file"
    if (upload.size or 0) > evidence_rules.attachment_max_bytes():
        raise SupervisionError(
            _("文件「%(name)s」超过 %(limit)s，请压缩后再上传。")
            % {"name": name, "limit": filesizeformat(evidence_rules.attachment_max_bytes())},
            field="file",
        )
    if upload.size == 0:
        raise SupervisionError(_("文件「%(name)s」是空文件。") % {"name": name}, field="file")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = evidence_rules.attachment_content_type(name, head)
    if content_type is None:
        raise SupervisionError(
            _("文件「%(name)s」的类型或内容不允许上传。允许的类型：%(types)s。")
            % {"name": name, "types": "、".join(sorted(evidence_rules.ATTACHMENT_TYPES))},
            field="file",
        )
    extension = name.rsplit(".", 1)[-1].lower()
    stored = ContentFile(upload.read(), name=f"{secrets.token_hex(16)}.{extension}")
    return ReportScan.objects.create(
        report=report, file=stored, original_name=name, content_type=content_type, uploaded_by=actor
    )


def overdue_reminders(*, today: date | None = None) -> int:
    """Remind org and discipline staff of reports whose step deadline has passed (once a day each)."""
    today = today or timezone.localdate()
    overdue = list(
        Report.objects.exclude(state=FeedbackState.CLOSED).filter(step_due__lt=today).exclude(reminded_on=today)
    )
    if not overdue:
        return 0
    staff = list(
        User.objects.filter(is_active=True)
        .filter(Q(is_org_staff=True) | Q(is_discipline_staff=True))
        .values_list("pk", flat=True)
    )
    for report in overdue:
        due = report.step_due.isoformat() if report.step_due else ""
        notify(
            recipients=staff,
            title=_("举报 %(code)s 已超过办理期限（%(due)s，当前：%(state)s）")
            % {"code": report.receipt_code, "due": due, "state": report.get_state_display()},
            url=reverse("supervision:report_detail", args=[report.pk]),
            dedupe_key=f"report-overdue-{report.pk}-{report.state}-{today.isoformat()}",
            kind=NotificationKind.REPORT_OVERDUE,
        )
    Report.objects.filter(pk__in=[r.pk for r in overdue]).update(reminded_on=today)
    return len(overdue)
