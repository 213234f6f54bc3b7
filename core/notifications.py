"""In-app notifications: any app sends them, the header shows the unread count."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet
from django.utils import timezone

from .models import Notification


def notify(
    *, recipients: Iterable[AbstractBaseUser | int], title: str, body: str = "", url: str = "", dedupe_key: str = ""
) -> int:
    """Send one notice to each recipient; with a dedupe_key, a recipient gets it only once.

    Returns how many notices were actually created.
    """
    ids = {r if isinstance(r, int) else r.pk for r in recipients}
    if dedupe_key:
        ids -= set(
            Notification.objects.filter(recipient_id__in=ids, dedupe_key=dedupe_key).values_list(
                "recipient_id", flat=True
            )
        )
    notices = [
        Notification(recipient_id=pk, title=title, body=body, url=url, dedupe_key=dedupe_key) for pk in sorted(ids)
    ]
    # ignore_conflicts still guards against a concurrent run sending the same key.
    Notification.objects.bulk_create(notices, ignore_conflicts=bool(dedupe_key), batch_size=1000)
    return len(notices)


def unread_count(user: AbstractBaseUser) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_for(user: AbstractBaseUser) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def mark_read(*, user: AbstractBaseUser, notification_id: int | None = None) -> None:
    notices = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        notices = notices.filter(pk=notification_id)
    notices.update(read_at=timezone.now())
