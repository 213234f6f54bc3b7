"""Part-1 steps go into the full-process record (全程记实) as they happen: the selection opened, each
change of its step, and each recommendation vote closed (with attendance, never who voted how).
The actor is the one the service named with `set_actor`."""

from __future__ import annotations

from typing import Any

from auditlog.context import auditlog_value
from django.db.models.signals import post_save, pre_save
from django.utils.translation import gettext as _

from .models import Candidate, Selection, State, VoteEvent


def _actor() -> Any:
    try:
        return auditlog_value.get().get("actor")
    except LookupError:
        return None


def _remember(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.pk:
        instance._before = (
            sender.objects.filter(pk=instance.pk)
            .values_list("state" if sender is Selection else "is_closed", flat=True)
            .first()
        )
    else:
        instance._before = None


def _selection_saved(sender: Any, instance: Selection, created: bool, **kwargs: Any) -> None:
    from .services import record

    if created:
        text = _("拟任职位：%(post)s；选拔方式：%(method)s。") % {
            "post": instance.post,
            "method": instance.get_method_display(),
        }
        if instance.quota_exception_document:
            text += _("超职数批准文号：%(doc)s。") % {"doc": instance.quota_exception_document}
        record.append(
            selection=instance,
            step=_("制定工作方案"),
            text=text,
            actor=_actor(),
            documents=instance.quota_exception_document,
        )
        return
    before = getattr(instance, "_before", None)
    if before is None or before == instance.state:
        return
    text = _("由“%(a)s”进入“%(b)s”。") % {"a": State(before).label, "b": State(instance.state).label}
    if instance.state == State.CANDIDATES:
        names = Candidate.objects.filter(selection=instance, is_inspection_candidate=True).values_list(
            "cadre__name", flat=True
        )
        text += _("考察对象：%(names)s。") % {"names": "、".join(names) or "—"}
    reason = getattr(instance, "_audit_reason", "")
    if reason:
        text += _("理由：%(reason)s") % {"reason": reason}
    record.append(selection=instance, step=State(instance.state).label, text=text, actor=_actor())


def _event_saved(sender: Any, instance: VoteEvent, created: bool, **kwargs: Any) -> None:
    from .services import record

    if created or not instance.is_closed or getattr(instance, "_before", None):
        return
    record.append(
        selection=instance.selection,
        step=_("%(kind)s结束") % {"kind": instance.get_kind_display()},
        text=_("%(mode)s；应参加 %(e)s 人，实参加 %(a)s 人。")
        % {"mode": instance.get_mode_display(), "e": instance.expected, "a": instance.actual},
        actor=_actor(),
    )


def connect() -> None:
    pre_save.connect(_remember, sender=Selection, dispatch_uid="selection-record-remember")
    post_save.connect(_selection_saved, sender=Selection, dispatch_uid="selection-record-saved")
    pre_save.connect(_remember, sender=VoteEvent, dispatch_uid="vote-event-record-remember")
    post_save.connect(_event_saved, sender=VoteEvent, dispatch_uid="vote-event-record-saved")
