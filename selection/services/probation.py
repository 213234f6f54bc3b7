"""The 任职试用期 (rules.md §7): started by a decision that promotes a cadre to a post under
probation, then reviewed by org staff: confirmed (正式任职), extended with a new end, or ended
(不胜任，免去试任职务). Each step is a ProbationReview row and, where the probation comes from a
selection, an entry of its full-process record (全程记实).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from auditlog.context import set_actor
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.access import is_org_staff
from cadres.models import Cadre, User
from core.models import NotificationKind
from core.notifications import notify

from .. import rules
from ..errors import SelectionError
from ..inspection_models import Decision
from ..models import SelectionSettings
from ..probation_models import Probation, ProbationReview, ProbationStatus, ReviewAction
from . import record
from .selections import _text

# An extension may push the end at most this far past the current end (one more year).
MAX_EXTENSION_MONTHS = 12


def _staff_only(actor: User) -> None:
    if not is_org_staff(actor):
        raise SelectionError(_("只有考核办人员可以办理任职试用期。"))


def _log(probation: Probation, step: str, text: str, actor: User, now: datetime) -> None:
    """The selection's full-process record, where the probation comes from one."""
    decision = probation.decision
    if decision is not None:
        record.append(selection=decision.selection, step=step, text=text, actor=actor, now=now)


def probation_start(
    *,
    cadre: Cadre,
    post: str,
    start: date,
    actor: User,
    previous_post: str = "",
    decision: Decision | None = None,
    now: datetime | None = None,
) -> Probation:
    """Start a probation of the months set for the start's year (inside the caller's transaction)."""
    now = now or timezone.now()
    settings = SelectionSettings.for_year(start.year)
    end = rules.probation_end(start, settings.probation_months)
    with transaction.atomic():
        if Probation.objects.select_for_update().filter(cadre=cadre, status=ProbationStatus.RUNNING).exists():
            raise SelectionError(_("%(name)s已有进行中的任职试用期。") % {"name": cadre.name})
        probation = Probation.objects.create(
            cadre=cadre,
            decision=decision,
            post=post[:200],
            previous_post=previous_post[:200],
            start_date=start,
            original_end=end,
            end_date=end,
            reminder_days=settings.probation_reminder_days,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        ProbationReview.objects.create(
            probation=probation,
            action=ReviewAction.START,
            note=str(rules.PROBATION_BASIS),
            new_end=end,
            by=probation.created_by,
            at=now,
        )
        _log(
            probation,
            _("任职试用期"),
            _("%(name)s试任%(post)s，试用期 %(months)s 个月，自 %(start)s 至 %(end)s。")
            % {
                "name": cadre.name,
                "post": post,
                "months": settings.probation_months,
                "start": start.isoformat(),
                "end": end.isoformat(),
            },
            actor,
            now,
        )
    return probation


def start_for_decision(*, decision: Decision, actor: User, now: datetime) -> Probation | None:
    """The decision's probation, when the post and the cadre's current post call for one; the record
    says either way."""
    selection = decision.selection
    cadre = decision.chosen.cadre
    applies, why = rules.probation_applies(cadre, selection.post)
    if not applies:
        record.append(selection=selection, step=_("任职试用期"), text=why, actor=actor, now=now)
        return None
    return probation_start(
        cadre=cadre,
        post=str(selection.post),
        start=decision.meeting.held_on,
        previous_post=decision.previous_post,
        decision=decision,
        actor=actor,
        now=now,
    )


def _locked_running(probation: Probation, action: str) -> Probation:
    locked = (
        Probation.objects.select_for_update(of=("self",))
        .select_related("cadre", "decision__selection")
        .get(pk=probation.pk)
    )
    if locked.status != ProbationStatus.RUNNING:
        raise SelectionError(
            _("这个试用期的状态为“%(status)s”，不能再%(action)s。")
            % {"status": locked.get_status_display(), "action": action}
        )
    return locked


def probation_confirm(
    *, probation: Probation, note: str, actor: User, today: date | None = None, now: datetime | None = None
) -> Probation:
    """考核合格，正式任职: only once the probation has run its course (on or after its last day)."""
    _staff_only(actor)
    today = today or timezone.localdate()
    now = now or timezone.now()
    note = _text(note, field="note", label=_("考核意见"), limit=2000)
    with transaction.atomic(), set_actor(actor):
        locked = _locked_running(probation, _("转正"))
        if today < locked.end_date:
            raise SelectionError(
                _("试用期至 %(end)s 才满，期满后才能考核转正（可以先延长或提前结束）。")
                % {"end": locked.end_date.isoformat()},
                field="note",
            )
        locked.status = ProbationStatus.CONFIRMED
        locked.closed_on = today
        locked.save(update_fields=["status", "closed_on"])
        ProbationReview.objects.create(probation=locked, action=ReviewAction.CONFIRM, note=note, by=actor, at=now)
        _log(
            locked,
            _("试用期满考核"),
            _("%(name)s试用期满，经考核胜任现职，正式任职。考核意见：%(note)s")
            % {"name": locked.cadre.name, "note": note},
            actor,
            now,
        )
    return locked


def probation_extend(
    *,
    probation: Probation,
    new_end: date,
    reason: str,
    actor: User,
    today: date | None = None,
    now: datetime | None = None,
) -> Probation:
    """Extend with a new end: later than the current end, at most a year past it, not in the past."""
    _staff_only(actor)
    today = today or timezone.localdate()
    now = now or timezone.now()
    reason = _text(reason, field="reason", label=_("延长理由"), limit=2000)
    with transaction.atomic(), set_actor(actor):
        locked = _locked_running(probation, _("延长"))
        limit = rules.add_months(locked.end_date, MAX_EXTENSION_MONTHS)
        if new_end <= locked.end_date or new_end <= today:
            raise SelectionError(
                _("新的试用期满日期须晚于现在的期满日期 %(end)s，也须晚于今天。")
                % {"end": locked.end_date.isoformat()},
                field="new_end",
            )
        if new_end > limit:
            raise SelectionError(
                _("试用期每次最多延长 %(n)s 个月，新的期满日期不能晚于 %(limit)s。")
                % {"n": MAX_EXTENSION_MONTHS, "limit": limit.isoformat()},
                field="new_end",
            )
        previous = locked.end_date
        locked.end_date = new_end
        locked.save(update_fields=["end_date"])
        ProbationReview.objects.create(
            probation=locked,
            action=ReviewAction.EXTEND,
            note=reason,
            previous_end=previous,
            new_end=new_end,
            by=actor,
            at=now,
        )
        _log(
            locked,
            _("延长试用期"),
            _("%(name)s的试用期由 %(old)s 延长至 %(new)s。理由：%(reason)s")
            % {"name": locked.cadre.name, "old": previous.isoformat(), "new": new_end.isoformat(), "reason": reason},
            actor,
            now,
        )
    return locked


def probation_end_unfit(
    *, probation: Probation, reason: str, actor: User, today: date | None = None, now: datetime | None = None
) -> Probation:
    """不胜任，免去试任职务 (at the end, or earlier for a serious failing), with the reason."""
    _staff_only(actor)
    today = today or timezone.localdate()
    now = now or timezone.now()
    reason = _text(reason, field="reason", label=_("理由"), limit=2000)
    with transaction.atomic(), set_actor(actor):
        locked = _locked_running(probation, _("结束"))
        locked.status = ProbationStatus.ENDED
        locked.closed_on = today
        locked.save(update_fields=["status", "closed_on"])
        ProbationReview.objects.create(probation=locked, action=ReviewAction.END, note=reason, by=actor, at=now)
        _log(
            locked,
            _("试用期满考核"),
            _("%(name)s经考核不胜任，免去试任的%(post)s职务，一般按试任前职级安排工作。理由：%(reason)s")
            % {"name": locked.cadre.name, "post": locked.post, "reason": reason},
            actor,
            now,
        )
    return locked


def reminder_due(probation: Probation, today: date) -> bool:
    return probation.is_running and today >= probation.end_date - timedelta(days=probation.reminder_days)


def remind_probation_ends(*, today: date) -> int:
    """Tell org staff of each running probation within its reminder window (once per end date, so an
    extension is announced again before its new end)."""
    staff = list(User.objects.filter(is_active=True, is_org_staff=True).values_list("pk", flat=True))
    sent = 0
    for probation in Probation.objects.filter(status=ProbationStatus.RUNNING).select_related("cadre"):
        if not reminder_due(probation, today):
            continue
        sent += notify(
            recipients=staff,
            title=_("任职试用期即将期满：%(name)s，%(post)s（%(end)s 期满），请组织考核")
            % {"name": probation.cadre.name, "post": probation.post, "end": probation.end_date.isoformat()},
            url=reverse("selection:probation_detail", args=[probation.pk]),
            dedupe_key=f"probation-end-{probation.pk}-{probation.end_date.isoformat()}",
            kind=NotificationKind.PROBATION_END,
        )
    return sent


# --- Eligibility: a cadre in probation is flagged when proposed again ------------------------------


def probation_failures(cadre_ids: list[int], day: date) -> dict[int, list[str]]:
    """The qualification hook (selection.checks): a running probation covering `day`."""
    found: dict[int, list[str]] = {}
    for p in Probation.objects.filter(cadre_id__in=cadre_ids, status=ProbationStatus.RUNNING, start_date__lte=day):
        found.setdefault(p.cadre_id, []).append(
            _("任职试用期内（试任%(post)s，至 %(end)s），试用期满考核合格前不宜进一步提拔")
            % {"post": p.post, "end": p.end_date.isoformat()}
        )
    return found
