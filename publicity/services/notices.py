"""Writes of a notice's life: draft → gate → published → decided (rules.md §6).

Every transition runs in one transaction and locks the notice row first, so a double submit sees
the state the first one left. Who did it is recorded through the audit trail (`set_actor`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from auditlog.context import set_actor
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.models import Cadre, User
from core.fields import field_label, field_limit, model_field

from .. import gate_hints, record, rules
from ..errors import (
    CadreInactive,
    CheckAnsweredElsewhere,
    GateIncomplete,
    OwnNotice,
    PeriodNotEnded,
    PlaceholderChannels,
    PublishBlocked,
    StartInPast,
    StartNotWorkday,
    TextRequired,
    TextTooLong,
    WrongState,
)
from ..models import (
    NOTICE_TEXT_FIELDS,
    GateCheck,
    GateCheckKind,
    GateCheckResult,
    Notice,
    NoticeState,
    Outcome,
    PublicitySettings,
)

EDITABLE = (NoticeState.DRAFT, NoticeState.GATE)
# The fields staff edit freely while a notice is a draft or at the gate.
EDIT_FIELDS = NOTICE_TEXT_FIELDS


def _locked(notice: Notice) -> Notice:
    return Notice.objects.select_for_update().get(pk=notice.pk)


def _required_text(value: str | None, *, field: str, label: str, limit: int) -> str:
    text = (value or "").replace("\r\n", "\n").strip()
    if not text:
        raise TextRequired(field=field, label=label)
    if len(text) > limit:
        raise TextTooLong(field=field, label=label, limit=limit, actual=len(text))
    return text


def notice_create(
    *,
    cadre: Cadre,
    proposed_post: str,
    actor: User,
    current_post: str | None = None,
    now: datetime | None = None,
) -> Notice:
    """A draft for `cadre`: title and sections written from the record, which is kept as its source."""
    now = now or timezone.now()
    if not cadre.is_active:
        raise CadreInactive(name=cadre.name)
    proposed = _required_text(
        proposed_post,
        field="proposed_post",
        label=field_label(Notice, "proposed_post"),
        limit=field_limit(Notice, "proposed_post"),
    )
    current = (current_post or "").strip() or f"{cadre.unit.name}{cadre.post_title}"
    current = current[: field_limit(Notice, "current_post")]
    source = record.build_source(cadre, today=timezone.localdate(now))
    with transaction.atomic(), set_actor(actor):
        return Notice.objects.create(
            cadre=cadre,
            title=record.notice_title(cadre.name),
            current_post=current,
            proposed_post=proposed,
            feedback_channels=PublicitySettings.load().feedback_channels,
            source=source,
            source_built_at=now,
            created_by=actor,
            **record.render_sections(source),
        )


def notice_update(*, notice: Notice, actor: User, **values: str) -> Notice:
    """Staff's free edit of the text; only while the notice is a draft or at the gate."""
    unknown = set(values) - set(EDIT_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    cleaned = {}
    for field, value in values.items():
        text = (value or "").replace("\r\n", "\n").strip()
        label, limit = field_label(Notice, field), field_limit(Notice, field)
        if not text and not model_field(Notice, field).blank:
            raise TextRequired(field=field, label=label)
        if len(text) > limit:
            raise TextTooLong(field=field, label=label, limit=limit, actual=len(text))
        cleaned[field] = text
    with transaction.atomic(), set_actor(actor):
        locked = _locked(notice)
        if locked.state not in EDITABLE:
            raise WrongState(notice=locked, action=_("修改"))
        for field, text in cleaned.items():
            setattr(locked, field, text)
        locked.save()
    return locked


def notice_rebuild(*, notice: Notice, actor: User, now: datetime | None = None) -> Notice:
    """Rebuild the source and every section from the current record (staff's edits are replaced)."""
    now = now or timezone.now()
    with transaction.atomic(), set_actor(actor):
        locked = _locked(notice)
        if locked.state not in EDITABLE:
            raise WrongState(notice=locked, action=_("按档案重新生成"))
        locked.source = record.build_source(locked.cadre, today=timezone.localdate(now))
        locked.source_built_at = now
        for field, text in record.render_sections(locked.source).items():
            setattr(locked, field, text)
        locked.save()
    return locked


def notice_submit(*, notice: Notice, actor: User) -> Notice:
    """Draft → gate: the text is ready for the four checks."""
    with transaction.atomic(), set_actor(actor):
        locked = _locked(notice)
        if locked.state != NoticeState.DRAFT:
            raise WrongState(notice=locked, action=_("提交把关"))
        locked.state = NoticeState.GATE
        locked.save()
        _write_answers(locked)
    return locked


def _write_answers(notice: Notice) -> None:
    """Checks answered by another body (gate_hints.register_answer) become the notice's checks."""
    for kind in GateCheckKind.values:
        answer = gate_hints.answer_for(kind, notice)
        if answer is not None and answer.result:
            GateCheck.objects.update_or_create(
                notice=notice,
                kind=kind,
                defaults={
                    "result": answer.result,
                    "note": answer.note,
                    "checked_by": answer.by,
                    "checked_at": answer.at,
                },
            )


def notice_send_back(*, notice: Notice, reason: str, actor: User) -> Notice:
    """Gate → draft, with the reason kept in the audit trail."""
    reason = _required_text(reason, field="reason", label=_("退回原因"), limit=500)
    with transaction.atomic(), set_actor(actor):
        locked = _locked(notice)
        if locked.state != NoticeState.GATE:
            raise WrongState(notice=locked, action=_("退回修改"))
        locked.state = NoticeState.DRAFT
        locked._audit_reason = reason
        locked.save()
    return locked


def notice_about_self(notice: Notice, actor: User) -> bool:
    """Nobody checks the gate of a notice about themselves (conflict of interest)."""
    cadre_user = Cadre.objects.filter(pk=notice.cadre_id).values_list("user_id", flat=True).first()
    return actor is not None and cadre_user is not None and cadre_user == getattr(actor, "pk", None)


def gate_check_record(
    *, notice: Notice, kind: str, result: str, note: str, actor: User, now: datetime | None = None
) -> GateCheck:
    """Record (or re-record) one of the four checks; earlier results stay in the audit trail."""
    now = now or timezone.now()
    kind = GateCheckKind(kind)
    result = GateCheckResult(result)
    note = _required_text(
        note, field="note", label=field_label(GateCheck, "note"), limit=field_limit(GateCheck, "note")
    )
    with transaction.atomic(), set_actor(actor):
        locked = _locked(notice)
        if notice_about_self(locked, actor):
            raise OwnNotice()
        if locked.state != NoticeState.GATE:
            raise WrongState(notice=locked, action=_("记录把关结果"))
        answer = gate_hints.answer_for(kind, locked)
        if answer is not None:
            raise CheckAnsweredElsewhere(kind=kind, owner=answer.owner)
        check, _created = GateCheck.objects.update_or_create(
            notice=locked,
            kind=kind,
            defaults={"result": result, "note": note, "checked_by": actor, "checked_at": now},
        )
    return check


def gate_status(notice: Notice) -> tuple[list[str], list[str]]:
    """(kinds not yet checked, kinds that failed) of a notice."""
    results = dict(GateCheck.objects.filter(notice=notice).values_list("kind", "result"))
    missing = [k for k in GateCheckKind.values if k not in results]
    failed = [k for k in GateCheckKind.values if results.get(k) == GateCheckResult.FAILED]
    return missing, failed


def notice_publish(*, notice: Notice, start_date: date, actor: User, now: datetime | None = None) -> Notice:
    """Gate → published, once all four checks passed; the end date follows from the calendar."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic(), set_actor(actor):
        locked = _locked(notice)
        if locked.state != NoticeState.GATE:
            raise WrongState(notice=locked, action=_("发布"))
        missing, failed = gate_status(locked)
        if missing or failed:
            raise GateIncomplete(missing=missing, failed=failed)
        if reasons := gate_hints.publish_blockers(locked, max(start_date, today)):
            raise PublishBlocked(reasons=reasons)
        if placeholders := rules.placeholder_settings(locked):
            raise PlaceholderChannels(names=placeholders)
        if start_date < today:
            raise StartInPast(start=start_date, today=today)
        period = rules.publicity_period(start_date)
        if not period.start_is_workday:
            raise StartNotWorkday(start=start_date, next_workday=rules.next_workday(start_date))
        locked.state = NoticeState.PUBLISHED
        locked.start_date = period.start
        locked.end_date = period.end
        locked.published_at = now
        locked.published_by = actor
        locked.issued_by = PublicitySettings.load().issuer_name.strip()
        locked.save()
    return locked


def outcome_record(
    *, notice: Notice, outcome: str, reason: str, actor: User, today: date | None = None, now: datetime | None = None
) -> Notice:
    """Published and ended → decided: 任用 / 批评教育后任用 / 不予任用, with the reason."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    outcome = Outcome(outcome)
    reason = _required_text(
        reason, field="reason", label=field_label(Notice, "outcome_reason"), limit=field_limit(Notice, "outcome_reason")
    )
    with transaction.atomic(), set_actor(actor):
        locked = _locked(notice)
        if locked.state != NoticeState.PUBLISHED:
            raise WrongState(notice=locked, action=_("记录任用结果"))
        if not locked.has_ended(today) or locked.end_date is None:
            raise PeriodNotEnded(end=locked.end_date or today)
        locked.state = NoticeState.DECIDED
        locked.outcome = outcome
        locked.outcome_reason = reason
        locked.decided_at = now
        locked.decided_by = actor
        locked.save()
    return locked


def settings_save(*, values: dict[str, Any], actor: User) -> PublicitySettings:
    """Org staff's publicity settings (validated by the form or serializer before)."""
    with transaction.atomic(), set_actor(actor):
        current = PublicitySettings.objects.select_for_update().get(pk=PublicitySettings.load().pk)
        for field, value in values.items():
            setattr(current, field, value)
        current.full_clean()
        current.save()
    return current
