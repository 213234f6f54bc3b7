"""Reads of public feedback for staff triage: the filtered list and one item's trail."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from .feedback_access import feedback_visible_to
from .models import Feedback, FeedbackEvent, FeedbackState


def feedback_list(*, viewer: Any, notice_id: int | None = None, state: str = "", q: str = "") -> QuerySet[Feedback]:
    items = feedback_visible_to(viewer).order_by("-created_at", "-pk")
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
