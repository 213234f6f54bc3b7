"""Supervision information (纪检、司法、审计、信访) per cadre: recorded and concluded by staff."""

from __future__ import annotations

from datetime import date

from auditlog.context import set_actor
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.models import Cadre, User

from ..errors import SupervisionError
from ..models import InfoSource, InfoStatus, SupervisionInfo


def info_record(
    *,
    cadre: Cadre,
    source: str,
    provided_by: str,
    summary: str,
    date: date,
    status: str,
    actor: User,
    today: date | None = None,
) -> SupervisionInfo:
    today = today or timezone.localdate()
    if source not in InfoSource.values:
        raise SupervisionError(_("请选择来源。"), field="source")
    if status not in InfoStatus.values:
        raise SupervisionError(_("请选择状态。"), field="status")
    provided_by, summary = (provided_by or "").strip(), (summary or "").strip()
    if not provided_by:
        raise SupervisionError(_("请填写提供单位。"), field="provided_by")
    if not summary:
        raise SupervisionError(_("请填写情况。"), field="summary")
    if date > today:
        raise SupervisionError(_("日期不能晚于今天（%(today)s）。") % {"today": today.isoformat()}, field="date")
    with transaction.atomic(), set_actor(actor):
        return SupervisionInfo.objects.create(
            cadre=cadre,
            source=source,
            provided_by=provided_by[:100],
            summary=summary[:2000],
            date=date,
            status=status,
            recorded_by=actor,
        )


def info_conclude(*, info: SupervisionInfo, actor: User) -> SupervisionInfo:
    with transaction.atomic(), set_actor(actor):
        locked = SupervisionInfo.objects.select_for_update().get(pk=info.pk)
        if locked.status == InfoStatus.CONCLUDED:
            raise SupervisionError(_("这条监督信息已办结。"))
        locked.status = InfoStatus.CONCLUDED
        locked.save()
    return locked
