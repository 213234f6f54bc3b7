"""In-app notifications: sent once per key, counted in the header, read by their recipient only."""

import pytest
from django.urls import reverse

from core.models import Notification
from core.notifications import notify

pytestmark = pytest.mark.django_db


def test_dedupe_key_sends_a_reminder_once(personas):
    users = [personas.cadre.user, personas.colleague.user]
    assert notify(recipients=users, title="今日日志未填写", dedupe_key="log-2026-11-20") == 2
    assert notify(recipients=users, title="今日日志未填写", dedupe_key="log-2026-11-20") == 0
    assert Notification.objects.filter(dedupe_key="log-2026-11-20").count() == 2


def test_header_shows_unread_count_and_opening_marks_read(client, personas):
    notify(recipients=[personas.cadre.user], title="请补记 11月18日 的日志", url="/me/")
    notify(recipients=[personas.cadre.user], title="第二条")
    client.force_login(personas.cadre.user)
    home = client.get(reverse("home")).content.decode()
    assert 'id="notification-count">2<' in home
    notice = Notification.objects.get(title="请补记 11月18日 的日志")
    response = client.get(reverse("cadres:notification_open", args=[notice.pk]))
    assert response["Location"] == "/me/"
    assert 'id="notification-count">1<' in client.get(reverse("home")).content.decode()
    client.post(reverse("cadres:notifications_read_all"))
    assert "notification-count" not in client.get(reverse("home")).content.decode()


def test_a_notice_never_redirects_off_site_and_is_private(client, personas):
    notify(recipients=[personas.cadre.user], title="x", url="https://evil.example/phish")
    notice = Notification.objects.get()
    client.force_login(personas.colleague.user)
    assert client.get(reverse("cadres:notification_open", args=[notice.pk])).status_code == 404
    client.force_login(personas.cadre.user)
    assert client.get(reverse("cadres:notification_open", args=[notice.pk]))["Location"] == reverse(
        "cadres:notifications"
    )
    assert "x" in client.get(reverse("cadres:notifications")).content.decode()


def test_notify_all_keeps_the_kind_and_hands_only_its_new_notices_to_the_delivery_hooks(personas, monkeypatch):
    """The set-based sender (the opening of a period) goes through the same delivery hooks as
    notify(): email, SMS and 企业微信 see each new notice once, never one a recipient already had."""
    from django.contrib.auth import get_user_model

    from core import notifications
    from core.models import NotificationKind

    handed: list[list[Notification]] = []
    monkeypatch.setattr(notifications, "_delivery_hooks", [handed.append])
    notify(recipients=[personas.cadre.user], title="旧", dedupe_key="opening-2026Q3")
    handed.clear()
    users = get_user_model().objects.filter(pk__in=[personas.cadre.user.pk, personas.leader.user.pk]).values("pk")

    created = notifications.notify_all(
        user_ids=users,
        title="2026年第3季度 测评已开始",
        dedupe_key="opening-2026Q3",
        kind=NotificationKind.EVALUATION_SHEETS,
    )

    assert created == 1
    assert [[(n.recipient_id, n.kind) for n in batch] for batch in handed] == [
        [(personas.leader.user.pk, NotificationKind.EVALUATION_SHEETS)]
    ]
    assert Notification.objects.get(recipient=personas.leader.user).kind == NotificationKind.EVALUATION_SHEETS
    handed.clear()
    assert notifications.notify_all(user_ids=users, title="again", dedupe_key="opening-2026Q3") == 0
    assert handed == []
