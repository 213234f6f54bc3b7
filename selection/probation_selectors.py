"""Reads of the time after the appointment: probations (lists, a cadre's) and the 干部调整情况通报."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from .inspection_models import Decision, DecisionMeeting, MeetingKind
from .probation_models import Probation, ProbationStatus
from .services.probation import reminder_due

if TYPE_CHECKING:
    from publicity.models import Notice


def probations() -> QuerySet[Probation]:
    return Probation.objects.select_related("cadre__unit", "decision__selection").order_by("end_date", "pk")


@dataclass
class ProbationRow:
    probation: Probation
    due: bool  # within the reminder window (or past the end) and still running
    overdue: bool


def probation_rows(today: date, *, status: str = "") -> list[ProbationRow]:
    qs = probations()
    if status:
        qs = qs.filter(status=status)
    return [
        ProbationRow(p, reminder_due(p, today), p.is_running and today > p.end_date)
        for p in qs.order_by("-status", "end_date", "pk")  # running first, then by end
    ]


def cadre_probations(cadre_id: int) -> list[Probation]:
    return list(Probation.objects.filter(cadre_id=cadre_id).prefetch_related("reviews").order_by("-start_date", "-pk"))


# --- 干部调整情况通报 ---------------------------------------------------------------------------------


@dataclass
class BriefingMeeting:
    """One sitting: the meetings of one kind on one day (each selection records its own)."""

    kind: str
    held_on: date
    decisions: int

    @property
    def label(self) -> str:
        return str(MeetingKind(self.kind).label)


def briefing_meetings() -> list[BriefingMeeting]:
    rows = (
        Decision.objects.values("meeting__kind", "meeting__held_on")
        .annotate(n=Count("pk"))
        .order_by("-meeting__held_on", "meeting__kind")
    )
    return [BriefingMeeting(r["meeting__kind"], r["meeting__held_on"], r["n"]) for r in rows]


@dataclass
class Adjustment:
    name: str
    unit: str
    from_post: str
    to_post: str
    appoint: str  # 任
    remove: str  # 免 ("" when the former post was not a leadership one)
    probation: str
    notice: str
    selection_id: int


def _notice_text(notice: Notice | None) -> str:
    if notice is None:
        return _("未生成")
    if notice.start_date and notice.end_date:
        text = _("%(start)s 至 %(end)s") % {"start": notice.start_date.isoformat(), "end": notice.end_date.isoformat()}
        if notice.outcome:
            text += _("（%(outcome)s）") % {"outcome": notice.get_outcome_display()}
        return text
    return str(notice.get_state_display())


def _probation_text(decision: Decision) -> str:
    probation = getattr(decision, "probation", None)
    if probation is None:
        return _("不实行试用期")
    text = _("试用期至 %(end)s") % {"end": probation.end_date.isoformat()}
    if probation.status != ProbationStatus.RUNNING:
        text += _("（%(status)s）") % {"status": probation.get_status_display()}
    elif probation.is_extended:
        text += _("（已延长）")
    return text


def briefing(kind: str, held_on: date) -> tuple[list[DecisionMeeting], list[Adjustment]]:
    """The adjustments decided at the meetings of `kind` on `held_on`, in the order they were decided."""
    decisions = list(
        Decision.objects.filter(meeting__kind=kind, meeting__held_on=held_on)
        .select_related("chosen__cadre__unit", "selection__post__unit", "notice", "meeting", "probation")
        .order_by("decided_at", "pk")
    )
    rows = []
    for d in decisions:
        cadre = d.chosen.cadre
        from_post = d.previous_post or cadre.post_title or ""
        to_post = str(d.selection.post)
        rows.append(
            Adjustment(
                name=cadre.name,
                unit=d.previous_unit or cadre.unit.name,
                from_post=from_post or "—",
                to_post=to_post,
                appoint=to_post,
                remove=f"{d.previous_unit}{from_post}" if d.previous_is_leadership and from_post else "",
                probation=_probation_text(d),
                notice=_notice_text(d.notice),
                selection_id=d.selection_id,
            )
        )
    return [d.meeting for d in decisions], rows
