"""Reads of the messaging app: the preferences grid, the defaults grid, the delivery log."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from cadres.models import User
from core.models import NotificationKind

from . import channels, services
from .models import Channel, ChannelPreference, Contact, Delivery


@dataclass(frozen=True)
class Cell:
    channel: str
    label: str
    checked: bool
    is_default: bool  # what the organization's default says for this cell
    available: bool  # the channel is configured on this installation


@dataclass(frozen=True)
class Row:
    kind: str
    label: str
    cells: tuple[Cell, ...]


def channel_labels() -> list[tuple[str, str, bool]]:
    configured = set(channels.configured_channels())
    return [(value, str(label), value in configured) for value, label in Channel.choices]


def preference_rows(actor: User) -> list[Row]:
    defaults = services.defaults_by_kind()
    own = {pref.kind: pref for pref in ChannelPreference.objects.filter(user=actor)}
    configured = set(channels.configured_channels())
    rows = []
    for kind, label in NotificationKind.choices:
        wanted = services.wanted_channels(kind=kind, defaults=defaults[kind], preference=own.get(kind))
        cells = tuple(
            Cell(channel, str(channel_label), channel in wanted, channel in defaults[kind], channel in configured)
            for channel, channel_label in Channel.choices
        )
        rows.append(Row(kind, str(label), cells))
    return rows


def default_rows() -> list[Row]:
    defaults = services.defaults_by_kind()
    configured = set(channels.configured_channels())
    return [
        Row(
            kind,
            str(label),
            tuple(
                Cell(channel, str(channel_label), channel in defaults[kind], True, channel in configured)
                for channel, channel_label in Channel.choices
            ),
        )
        for kind, label in NotificationKind.choices
    ]


def contact_of(actor: User) -> Contact:
    return Contact.objects.filter(user=actor).first() or Contact(user=actor)


def addresses_of(actor: User) -> dict[str, str]:
    fresh = User.objects.select_related("contact", "cadre").get(pk=actor.pk)
    return {channel: services.address_of(fresh, channel) for channel in Channel.values}


def deliveries(*, channel: str = "", status: str = "", query: str = "") -> QuerySet[Delivery]:
    rows = Delivery.objects.select_related("notification", "user", "user__cadre")
    if channel:
        rows = rows.filter(channel=channel)
    if status:
        rows = rows.filter(status=status)
    if query:
        rows = rows.filter(
            Q(user__username__icontains=query)
            | Q(user__cadre__name__icontains=query)
            | Q(address__icontains=query)
            | Q(notification__title__icontains=query)
        )
    return rows
