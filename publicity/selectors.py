"""Reads of the staff side of 任前公示: the notice list with feedback counts and deadlines, the
gate panel and the history of one notice. Each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from achievements.rules import WorkCalendar
from cadres.types import Actor
from core.fields import field_label

from . import gate_hints, rules
from .access import feedback_visible_to
from .models import (
    NOTICE_TEXT_FIELDS,
    Feedback,
    FeedbackEvent,
    FeedbackState,
    GateCheck,
    GateCheckKind,
    Notice,
    NoticeState,
)
from .privacy import find_private_data

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Tab:
    key: str
    label: StrOrPromise


TABS = (
    Tab("draft", _("草稿")),
    Tab("gate", _("把关中")),
    Tab("publicity", _("公示中")),
    Tab("ended", _("已结束待决定")),
    Tab("decided", _("已决定")),
)
TAB_KEYS = {t.key for t in TABS}


def _tab_filter(key: str, today: date) -> Q:
    """Where a notice stands: the dates decide "in publicity" and "ended", never a stored flag."""
    published = Q(state=NoticeState.PUBLISHED)
    return {
        "draft": Q(state=NoticeState.DRAFT),
        "gate": Q(state=NoticeState.GATE),
        # Published and not yet over: under way, or scheduled to start.
        "publicity": published & Q(end_date__gte=today),
        "ended": published & Q(end_date__lt=today),
        "decided": Q(state=NoticeState.DECIDED),
    }[key]


def tab_counts(today: date) -> dict[str, int]:
    return Notice.objects.aggregate(**{t.key: Count("pk", filter=_tab_filter(t.key, today)) for t in TABS})


def notice_list(*, today: date, tab: str = "", q: str = "") -> QuerySet[Notice]:
    """Notices with their feedback counts (total and not yet closed), newest activity first."""
    notices = Notice.objects.select_related("cadre__unit").annotate(
        feedback_total=Count("feedback", distinct=True),
        feedback_open=Count("feedback", filter=~Q(feedback__state=FeedbackState.CLOSED), distinct=True),
    )
    if tab in TAB_KEYS:
        notices = notices.filter(_tab_filter(tab, today))
    q = q.strip()
    if q:
        notices = notices.filter(Q(cadre__name__icontains=q) | Q(cadre__code__iexact=q) | Q(title__icontains=q))
    return notices.order_by("-updated_at", "-pk")


def stage(notice: Notice, today: date) -> str:
    """The tab a notice belongs to today."""
    if notice.state == NoticeState.PUBLISHED:
        return "ended" if notice.end_date is not None and notice.end_date < today else "publicity"
    stages: dict[str, str] = {NoticeState.DRAFT: "draft", NoticeState.GATE: "gate", NoticeState.DECIDED: "decided"}
    return stages[notice.state]


STAGE_LABELS = {t.key: t.label for t in TABS}


def with_deadlines(notices: list[Notice], today: date) -> list[Notice]:
    """Set `stage`, `stage_label`, `not_started` and `workdays_left` on each row (one calendar query)."""
    ends = [n.end_date for n in notices if n.end_date]
    calendar = WorkCalendar.load(today, max(ends)) if ends else None
    for notice in notices:
        notice.stage = stage(notice, today)
        notice.stage_label = str(STAGE_LABELS[notice.stage])
        notice.not_started = bool(notice.start_date and notice.start_date > today)
        start, end = notice.start_date, notice.end_date
        notice.workdays_left = (
            rules.workdays_left(start=start, end=end, today=today, calendar=calendar)
            if notice.state == NoticeState.PUBLISHED and calendar is not None and start and end
            else None
        )
    return notices


@dataclass
class GateRow:
    kind: str
    label: StrOrPromise
    check: GateCheck | None
    # A computed pre-check from another app's data (e.g. the 职数 from selection), shown beside the check.
    hint: gate_hints.GateHint | None = None


def gate_rows(notice: Notice) -> list[GateRow]:
    checks = {c.kind: c for c in notice.gate_checks.select_related("checked_by__cadre")}
    return [
        GateRow(kind, label, checks.get(kind), gate_hints.hint_for(kind, notice))
        for kind, label in GateCheckKind.choices
    ]


def feedback_counts(notice: Notice) -> dict[str, int]:
    return notice.feedback.aggregate(total=Count("pk"), open=Count("pk", filter=~Q(state=FeedbackState.CLOSED)))


# --- History ---------------------------------------------------------------------------------------

EMPTY = "—"
# Long sections would swamp the history; the full text is on the page itself.
CHANGE_PREVIEW_CHARS = 80


def _shown(value: Any) -> str:
    text = "" if value is None else str(value)
    if text in ("", "None"):
        return EMPTY
    return text if len(text) <= CHANGE_PREVIEW_CHARS else text[:CHANGE_PREVIEW_CHARS] + "……"


ACTIONS = {
    LogEntry.Action.CREATE: _("创建"),
    LogEntry.Action.UPDATE: _("修改"),
    LogEntry.Action.DELETE: _("删除"),
}


@dataclass
class HistoryRow:
    entry: LogEntry
    subject: str
    action: StrOrPromise
    changes: list[tuple[str, str, str]]
    reason: str


def history(notice: Notice) -> list[HistoryRow]:
    """The audit trail of a notice and its gate checks, newest first (two queries)."""
    notice_type = ContentType.objects.get_for_model(Notice)
    check_type = ContentType.objects.get_for_model(GateCheck)
    check_ids = [str(pk) for pk in notice.gate_checks.values_list("pk", flat=True)]
    entries = (
        LogEntry.objects.filter(
            Q(content_type=notice_type, object_pk=str(notice.pk)) | Q(content_type=check_type, object_pk__in=check_ids)
        )
        .select_related("actor__cadre", "content_type")
        .order_by("-timestamp", "-pk")
    )
    # Said by the row's subject already (or, for a new notice, by the page itself).
    hidden = {field_label(GateCheck, f) for f in ("id", "notice", "kind")}
    rows = []
    for entry in entries:
        is_check = entry.content_type_id == check_type.pk
        created_notice = not is_check and entry.action == LogEntry.Action.CREATE
        shown = [(str(field), _shown(old), _shown(new)) for field, (old, new) in entry.changes_display_dict.items()]
        changes = [
            (field, old, new) for field, old, new in shown if old != new and field not in hidden and not created_notice
        ]
        subject = entry.object_repr.split(" ", 1)[-1] if is_check else str(notice_type.name)
        reason = (entry.additional_data or {}).get("reason", "") if isinstance(entry.additional_data, dict) else ""
        rows.append(
            HistoryRow(
                entry=entry, subject=subject, action=ACTIONS.get(entry.action, ""), changes=changes, reason=reason
            )
        )
    return rows


def publish_preview(start: date) -> rules.PublicityPeriod:
    return rules.publicity_period(start)


@dataclass(frozen=True)
class PrivacyWarning:
    section: str
    kind: str
    excerpt: str


def privacy_warnings(notice: Notice) -> list[PrivacyWarning]:
    """Private data staff typed into the text: the public pages hide it, but staff should remove it."""
    return [
        PrivacyWarning(field_label(Notice, field), finding.label, finding.excerpt)
        for field in NOTICE_TEXT_FIELDS
        for finding in find_private_data(getattr(notice, field), cadre=notice.cadre)
    ]


# --- Public feedback (staff triage) ------------------------------------------------------------


def feedback_list(*, actor: Actor, notice_id: int | None = None, state: str = "", q: str = "") -> QuerySet[Feedback]:
    items = feedback_visible_to(actor).order_by("-created_at", "-pk")
    if notice_id:
        items = items.filter(notice_id=notice_id)
    if state in FeedbackState.values:
        items = items.filter(state=state)
    if q := q.strip():
        items = items.filter(
            Q(receipt_code__icontains=q)
            | Q(text__icontains=q)
            | Q(name__icontains=q)
            | Q(contact__icontains=q)
            | Q(notice__title__icontains=q)
            | Q(notice__cadre__name__icontains=q)
        )
    return items


def feedback_trail(feedback: Feedback) -> QuerySet[FeedbackEvent]:
    return feedback.events.select_related("actor").order_by("at", "pk")
