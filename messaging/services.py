"""Writes of the messaging app: queue a notice's deliveries, attempt one, save choices and defaults."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from cadres.background import enqueue_after_commit
from cadres.models import User
from core.errors import DomainError
from core.models import Notification, NotificationKind

from . import channels, rules
from .models import Channel, ChannelDefault, ChannelPreference, Contact, Delivery, DeliveryStatus

logger = logging.getLogger(__name__)

MOBILE = re.compile(r"^1\d{10}$")
BATCH = 200


class MessagingError(DomainError):
    pass


# --- Who gets what, where -------------------------------------------------------------------


def defaults_by_kind() -> dict[str, frozenset[str]]:
    """Org staff's defaults, or the initial ones for a kind they never saved."""
    saved = {row.kind: row for row in ChannelDefault.objects.all()}
    result = {}
    for kind in NotificationKind.values:
        row = saved.get(kind)
        if row is None:
            result[kind] = rules.INITIAL_DEFAULTS.get(kind, frozenset())
        else:
            result[kind] = frozenset(channel for channel in Channel.values if getattr(row, channel))
    return result


def wanted_channels(*, kind: str, defaults: frozenset[str], preference: ChannelPreference | None) -> frozenset[str]:
    """A person's channels for one kind: their own choice per channel, else the default."""
    chosen = set()
    for channel in Channel.values:
        own = getattr(preference, channel) if preference is not None else None
        if own is True or (own is None and channel in defaults):
            chosen.add(channel)
    return frozenset(chosen)


def address_of(user: User, channel: str) -> str:
    """Where a channel reaches a person; empty when they have no such contact."""
    contact: Contact | None = getattr(user, "contact", None)
    if channel == Channel.EMAIL:
        return user.email or ""
    if channel == Channel.SMS:
        return mobile_of(user, contact)
    if channel == Channel.WECOM:
        if settings.WECOM_MODE == "webhook":
            # The robot posts to its group; the mobile number, when known, @-mentions the person.
            return mobile_of(user, contact) or "group"
        if contact is not None and contact.wecom_userid:
            return contact.wecom_userid
        return user.username if settings.WECOM_USERID_FROM_USERNAME else ""
    return ""


def mobile_of(user: User, contact: Contact | None) -> str:
    if contact is not None and contact.mobile:
        return contact.mobile
    cadre = getattr(user, "cadre", None)
    phone = (cadre.phone or "").replace(" ", "").replace("-", "") if cadre is not None else ""
    return phone if MOBILE.match(phone) else ""


def queue_deliveries(notices: list[Notification]) -> list[int]:
    """The hook of core.notifications.notify: record each notice's deliveries on the channels its
    recipient wants (in the caller's transaction) and queue them after commit through the outbox."""
    available = channels.configured_channels()
    if not notices or not available:
        return []
    defaults = defaults_by_kind()
    user_ids = {notice.recipient_id for notice in notices}
    kinds = {notice.kind for notice in notices}
    users = {
        user.pk: user
        for user in User.objects.filter(pk__in=user_ids, is_active=True).select_related("contact", "cadre")
    }
    preferences = {
        (pref.user_id, pref.kind): pref
        for pref in ChannelPreference.objects.filter(user_id__in=user_ids, kind__in=kinds)
    }
    rows = []
    for notice in notices:
        user = users.get(notice.recipient_id)
        if user is None:
            continue
        wanted = wanted_channels(
            kind=notice.kind,
            defaults=defaults.get(notice.kind, frozenset()),
            preference=preferences.get((user.pk, notice.kind)),
        )
        for channel in available:
            if channel not in wanted:
                continue
            address = address_of(user, channel)
            rows.append(
                Delivery(
                    notification_id=notice.pk,
                    user_id=user.pk,
                    channel=channel,
                    address=address,
                    status=DeliveryStatus.QUEUED if address else DeliveryStatus.NO_ADDRESS,
                    next_attempt_at=timezone.now() if address else None,
                )
            )
    if not rows:
        return []
    Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    ids = list(
        Delivery.objects.filter(
            notification__in=[notice.pk for notice in notices], status=DeliveryStatus.QUEUED, attempts=0
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    from . import tasks

    for start in range(0, len(ids), BATCH):
        enqueue_after_commit(tasks.send_deliveries, ids[start : start + BATCH])
    return ids


# --- Sending ----------------------------------------------------------------------------------


def message_for(notification: Notification) -> channels.Message:
    site = settings.SITE_URL.rstrip("/")
    path = notification.url if url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None) else ""
    if not path.startswith("/"):
        path = reverse("cadres:notifications")
    return channels.Message(
        title=notification.title,
        body=notification.body,
        url=site + path,
        settings_url=site + reverse("messaging:preferences"),
    )


@dataclass(frozen=True)
class Attempt:
    status: str
    retry_in: float | None = None


def attempt_delivery(*, delivery_id: int, now: datetime | None = None) -> Attempt | None:
    """Send one delivery once and record the outcome. None when there is nothing to do (already
    sent, failed for good, or another worker holds it). A failure is recorded, never raised."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("notification")
            .filter(pk=delivery_id, status__in=[DeliveryStatus.QUEUED, DeliveryStatus.RETRYING])
            .first()
        )
        if delivery is None:
            return None
        delivery.attempts += 1
        try:
            if not channels.is_configured(delivery.channel):
                raise channels.ChannelError("channel is no longer configured")
            channels.send(delivery.channel, delivery.address, message_for(delivery.notification))
        except Exception as error:  # a sender's bug must not stop the queue either
            if not isinstance(error, channels.ChannelError):
                logger.exception("delivery #%s: unexpected error", delivery.pk)
            delivery.last_error = str(error)[:500] if isinstance(error, channels.ChannelError) else repr(error)[:500]
            if delivery.attempts >= rules.max_attempts():
                delivery.status = DeliveryStatus.FAILED
                delivery.next_attempt_at = None
                retry_in = None
            else:
                retry_in = rules.retry_delay(delivery.attempts)
                delivery.status = DeliveryStatus.RETRYING
                delivery.next_attempt_at = (now or timezone.now()) + timedelta(seconds=retry_in)
            logger.warning(
                "delivery #%s (%s) attempt %s failed: %s",
                delivery.pk,
                delivery.channel,
                delivery.attempts,
                delivery.last_error,
            )
        else:
            delivery.status = DeliveryStatus.SENT
            delivery.sent_at = now or timezone.now()
            delivery.next_attempt_at = None
            retry_in = None
        delivery.save()
        return Attempt(status=delivery.status, retry_in=retry_in)


def stalled_deliveries(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Deliveries due for a while whose task never ran (lost by the broker): due again now."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=rules.STALLED_AFTER_SECONDS)
    due = Delivery.objects.filter(
        Q(status__in=[DeliveryStatus.QUEUED, DeliveryStatus.RETRYING]), next_attempt_at__lte=cutoff
    ).order_by("next_attempt_at")
    ids = list(due.values_list("pk", flat=True)[:limit])
    # Not swept again for another while, even if this queueing is lost too.
    Delivery.objects.filter(pk__in=ids).update(next_attempt_at=now)
    return ids


def retry_now(*, delivery: Delivery) -> Delivery:
    """Org staff send a failed delivery again (fresh attempts)."""
    if delivery.status != DeliveryStatus.FAILED:
        raise MessagingError(_("只有发送失败的记录可以重新发送。"))
    from . import tasks

    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.QUEUED, attempts=0, next_attempt_at=timezone.now(), updated_at=timezone.now()
        )
        enqueue_after_commit(tasks.send_deliveries, [delivery.pk])
    delivery.refresh_from_db()
    return delivery


# --- Choices and defaults ------------------------------------------------------------------


@transaction.atomic
def save_preferences(*, actor: User, chosen: dict[str, set[str]]) -> None:
    """Store a person's choice per kind; where it equals the default, follow the default (None)."""
    defaults = defaults_by_kind()
    available = set(channels.configured_channels())
    own = {pref.kind: pref for pref in ChannelPreference.objects.filter(user=actor)}
    for kind in NotificationKind.values:
        picked = chosen.get(kind, set())
        values = {
            channel: (None if (channel in picked) == (channel in defaults[kind]) else channel in picked)
            for channel in Channel.values
        }
        # A channel that is not set up shows as a disabled box, which the browser does not send:
        # the stored choice for it stays as it was.
        for channel in Channel.values:
            if channel not in available:
                values[channel] = getattr(own[kind], channel) if kind in own else None
        if all(value is None for value in values.values()):
            ChannelPreference.objects.filter(user=actor, kind=kind).delete()
        else:
            ChannelPreference.objects.update_or_create(user=actor, kind=kind, defaults=values)


@transaction.atomic
def reset_preferences(*, actor: User) -> None:
    ChannelPreference.objects.filter(user=actor).delete()


@transaction.atomic
def save_contact(*, actor: User, email: str, mobile: str) -> Contact:
    actor.email = email
    actor.save(update_fields=["email"])
    contact, _new = Contact.objects.get_or_create(user=actor)
    contact.mobile = mobile
    contact.save()
    return contact


@transaction.atomic
def save_defaults(*, chosen: dict[str, set[str]]) -> None:
    for kind in NotificationKind.values:
        picked = chosen.get(kind, set())
        row, created = ChannelDefault.objects.get_or_create(kind=kind)
        changed = False
        for channel in Channel.values:
            if getattr(row, channel) != (channel in picked):
                setattr(row, channel, channel in picked)
                changed = True
        if changed or created:
            row.save()
