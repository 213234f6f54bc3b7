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


def notify_all(*, user_ids: QuerySet, title: str, body: str = "", url: str = "", dedupe_key: str) -> int:
    """`notify` for a whole organization, set-based: one INSERT … SELECT from a query of user ids.

    For tens of thousands of recipients (the opening of a period): no list of users or notices is
    built in Python. A recipient who already has a notice with the key gets no second one.
    Returns how many notices were created.
    """
    from django.contrib.auth import get_user_model
    from django.db import connection

    quote = connection.ops.quote_name
    table, users = quote(Notification._meta.db_table), quote(get_user_model()._meta.db_table)
    sql, params = user_ids.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {table} (recipient_id, title, body, url, dedupe_key, created_at)
                SELECT u.id, %s, %s, %s, %s, %s FROM {users} u
                WHERE u.id IN ({sql}) AND NOT EXISTS (
                    SELECT 1 FROM {table} n WHERE n.recipient_id = u.id AND n.dedupe_key = %s)
                ON CONFLICT DO NOTHING""",  # noqa: S608  (table names from model metadata; values are parameters)
            [title, body, url, dedupe_key, timezone.now(), *params, dedupe_key],
        )
        return cursor.rowcount
