"""In-app notifications of selection work: voters hear of a ballot waiting for them; org staff hear
of reserves whose review date has come. Sent after the transaction commits."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from cadres.models import Cadre, User
from core.models import NotificationKind
from core.notifications import notify

from ..models import ReserveEntry, Selection, VoteEvent


def _ask_voters_after_commit(ids: list[int], *, title: str, url: str, dedupe_key: str) -> None:
    """A ballot waits for these users: they hear of it once the transaction has committed."""
    transaction.on_commit(
        lambda: notify(
            recipients=ids, title=title, url=url, dedupe_key=dedupe_key, kind=NotificationKind.SELECTION_VOTE
        )
    )


def notify_round1_voters(selection: Selection) -> None:
    ids = list(selection.round1_voters.filter(user__isnull=False).values_list("user_id", flat=True))
    _ask_voters_after_commit(
        ids,
        title=_("请参加海推实名推荐：%(post)s") % {"post": str(selection.post)},
        url=reverse("selection:nominate", args=[selection.pk]),
        dedupe_key=f"selection-{selection.pk}-round1",
    )


def notify_event_voters(event: VoteEvent) -> None:
    ids = list(
        Cadre.objects.filter(pk__in=event.voters.values("cadre_id"), user__isnull=False).values_list(
            "user_id", flat=True
        )
    )
    _ask_voters_after_commit(
        ids,
        title=_("请参加%(kind)s：%(post)s") % {"kind": event.get_kind_display(), "post": str(event.selection.post)},
        url=reverse("selection:vote", args=[event.pk]),
        dedupe_key=f"selection-vote-{event.pk}",
    )


def remind_reserve_reviews(*, today: date) -> int:
    """Tell org staff which reserves are due for review (once per entry and review date)."""
    due = list(ReserveEntry.objects.filter(is_active=True, review_on__lte=today).select_related("cadre"))
    staff = list(User.objects.filter(is_active=True, is_org_staff=True).values_list("pk", flat=True))
    sent = 0
    for entry in due:
        sent += notify(
            recipients=staff,
            title=_("后备干部到期复核：%(name)s（复核日期 %(day)s）")
            % {"name": entry.cadre.name, "day": entry.review_on.isoformat()},
            url=reverse("selection:pool"),
            dedupe_key=f"reserve-review-{entry.pk}-{entry.review_on.isoformat()}",
            kind=NotificationKind.RESERVE_REVIEW,
        )
    return sent
