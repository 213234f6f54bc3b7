"""In-app notifications: any app sends them, the header shows the unread count.

Every notice has a kind (core.models.NotificationKind). Besides the in-app list, a notice can also
go by email, SMS or 企业微信: the messaging app registers a delivery hook here (a lower app never
imports a higher one) that records the deliveries in the caller's transaction and queues them
after commit. A fault in that hook is logged and never undoes the action that sent the notice.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from .models import Notification, NotificationKind

logger = logging.getLogger(__name__)

DeliveryHook = Callable[[list[Notification]], None]
_delivery_hooks: list[DeliveryHook] = []


def add_delivery_hook(hook: DeliveryHook) -> None:
    """Called with the notices each notify() created (the messaging app sends them on other channels)."""
    if hook not in _delivery_hooks:
        _delivery_hooks.append(hook)


def notify(
    *,
    recipients: Iterable[AbstractBaseUser | int],
    title: str,
    body: str = "",
    url: str = "",
    dedupe_key: str = "",
    kind: str = NotificationKind.GENERAL,
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
        Notification(recipient_id=pk, kind=kind, title=title, body=body, url=url, dedupe_key=dedupe_key)
        for pk in sorted(ids)
    ]
    # ignore_conflicts still guards against a concurrent run sending the same key.
    Notification.objects.bulk_create(notices, ignore_conflicts=bool(dedupe_key), batch_size=1000)
    if notices:
        unread_changed(user_ids=ids)
    if notices and _delivery_hooks:
        _run_delivery_hooks(notices, dedupe_key=dedupe_key)
    return len(notices)


def _run_delivery_hooks(notices: list[Notification], *, dedupe_key: str) -> None:
    if dedupe_key:
        # With ignore_conflicts the database returns no ids: read back the rows of this key.
        recipients = [notice.recipient_id for notice in notices]
        notices = list(Notification.objects.filter(recipient_id__in=recipients, dedupe_key=dedupe_key))
    _run_delivery_hooks_on(notices)


def _run_delivery_hooks_on(notices: list[Notification]) -> None:
    for hook in _delivery_hooks:
        try:
            # A savepoint: a failing hook leaves the notices and the caller's own writes intact.
            with transaction.atomic():
                hook(notices)
        except Exception:
            logger.exception("notification delivery hook %r failed; the in-app notices stand", hook)


# --- The unread count in the header ---------------------------------------------------------------
#
# Every signed-in page shows it, so it is kept in the shared cache under two version stamps: one for
# everyone (bumped by set-based writes: notify_all, bulk updates) and one per person (bumped when their
# own notices change). A count is stored with the stamps read *before* it was counted, and used only
# while both are unchanged; a writer bumps them when its transaction commits (and at once, for reads
# on its own connection), so a count taken before a commit is never used after it.

UNREAD_TIMEOUT_SECONDS = 10 * 60
_ALL_VERSION_KEY = "notifications:unread:all"


def _user_version_key(user_id: int) -> str:
    return f"notifications:unread:v:{user_id}"


def _user_count_key(user_id: int) -> str:
    return f"notifications:unread:n:{user_id}"


def _bump(keys: list[str]) -> None:
    stamp = uuid.uuid4().hex[:12]
    cache.set_many(dict.fromkeys(keys, stamp), None)


def unread_changed(*, user_ids: Iterable[int] | None = None) -> None:
    """The unread counts of these people (None: of everyone) may have changed."""
    keys = [_ALL_VERSION_KEY] if user_ids is None else [_user_version_key(pk) for pk in user_ids]
    if not keys:
        return
    _bump(keys)
    transaction.on_commit(lambda: _bump(keys))


def unread_count(user: AbstractBaseUser) -> int:
    pk = int(user.pk)
    version_key, count_key = _user_version_key(pk), _user_count_key(pk)
    found = cache.get_many([_ALL_VERSION_KEY, version_key, count_key])
    stamps = (found.get(_ALL_VERSION_KEY), found.get(version_key))
    stored = found.get(count_key)
    if stamps[0] is not None and stored is not None and tuple(stored[:2]) == stamps:
        return int(stored[2])
    if stamps[0] is None:  # first use (or the cache was emptied): start the stamp for everyone
        cache.add(_ALL_VERSION_KEY, uuid.uuid4().hex[:12], None)
        stamps = (cache.get(_ALL_VERSION_KEY), stamps[1])
    count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    if stamps[0] is not None:
        cache.set(count_key, (*stamps, count), UNREAD_TIMEOUT_SECONDS)
    return count


def _notice_changed(sender: Any, instance: Notification, **_kwargs: Any) -> None:
    unread_changed(user_ids=[instance.recipient_id])


post_save.connect(_notice_changed, sender=Notification, dispatch_uid="notifications-unread-save")
post_delete.connect(_notice_changed, sender=Notification, dispatch_uid="notifications-unread-delete")


def notifications_for(user: AbstractBaseUser) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def mark_read(*, actor: AbstractBaseUser, notification_id: int | None = None) -> None:
    notices = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if notification_id is not None:
        notices = notices.filter(pk=notification_id)
    if notices.update(read_at=timezone.now()):
        unread_changed(user_ids=[actor.pk])


def notify_all(
    *,
    user_ids: QuerySet,
    title: str,
    body: str = "",
    url: str = "",
    dedupe_key: str,
    kind: str = NotificationKind.GENERAL,
) -> int:
    """`notify` for a whole organization, set-based: one INSERT … SELECT from a query of user ids.

    For tens of thousands of recipients (the opening of a period): no list of users or notices is
    built in Python. A recipient who already has a notice with the key gets no second one.
    Returns how many notices were created. The delivery hooks get the notices this call created
    (read back by their key and creation time), as with notify().
    """
    from django.contrib.auth import get_user_model
    from django.db import connection

    now = timezone.now()
    quote = connection.ops.quote_name
    table, users = quote(Notification._meta.db_table), quote(get_user_model()._meta.db_table)
    sql, params = user_ids.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {table} (recipient_id, kind, title, body, url, dedupe_key, created_at)
                SELECT u.id, %s, %s, %s, %s, %s, %s FROM {users} u
                WHERE u.id IN ({sql}) AND NOT EXISTS (
                    SELECT 1 FROM {table} n WHERE n.recipient_id = u.id AND n.dedupe_key = %s)
                ON CONFLICT DO NOTHING""",  # noqa: S608  (table names from model metadata; values are parameters)
            [kind, title, body, url, dedupe_key, now, *params, dedupe_key],
        )
        created = cursor.rowcount
    if created:
        unread_changed()
    if created and _delivery_hooks:
        _run_delivery_hooks_on(list(Notification.objects.filter(dedupe_key=dedupe_key, created_at=now)))
    return created
