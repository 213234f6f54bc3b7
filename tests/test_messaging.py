"""Notification channels: who may open the pages, choices per kind and channel, org defaults,
contact data, and a notice's deliveries recorded in the action's transaction (sending itself is
in test_messaging_worker.py, through a real worker to servers on loopback)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from achievements.models import Achievement, VerificationStatus
from cadres.models import UnitRole
from core.models import Notification, NotificationKind
from core.notifications import notify
from messaging import services
from messaging.models import ChannelDefault, ChannelPreference, Contact, Delivery, DeliveryStatus
from ops import outbox
from ops.models import OutboxTask

from .factories import CadreFactory
from .messaging_servers import FakeApi, configure_channels, sms_gateway
from .servers import RedisServer
from .test_achievements_records import make
from .test_faults import queued_messages, redis_at

pytestmark = pytest.mark.django_db

PAGES = {
    "preferences": reverse("messaging:preferences"),
    "defaults": reverse("messaging:defaults"),
    "deliveries": reverse("messaging:deliveries"),
}
SIGNED_IN = ("cadre", "leader", "team_member", "superior_leader", "stranger", "org_staff", "discipline", "admin")
STAFF_PAGES = {"org_staff", "admin"}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("persona", ("anonymous", *SIGNED_IN))
def test_each_role_reaches_only_its_pages(client, personas, page, persona):
    user = personas.user(persona)
    if user is not None:
        client.force_login(user)
    response = client.get(PAGES[page])
    if persona == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    elif page == "preferences" or persona in STAFF_PAGES:
        assert response.status_code == 200
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("persona", ("cadre", "leader", "discipline"))
def test_only_org_staff_change_defaults_or_resend(client, personas, persona):
    client.force_login(personas.user(persona))
    assert client.post(PAGES["defaults"], {"on": ["general:sms"]}).status_code == 403
    assert not ChannelDefault.objects.exists()
    assert client.post(reverse("messaging:delivery_retry", args=[1])).status_code == 403


@pytest.fixture
def channels_on(settings):
    """All three channels configured (nothing is sent in these tests: no worker, no commit)."""
    with sms_gateway() as sms, FakeApi(lambda request: (200, {"errcode": 0})) as wecom:
        configure_channels(settings, smtp=None, sms=sms, wecom=wecom)
        settings.EMAIL_HOST = "127.0.0.1"
        yield


def _reachable(cadre, *, email="a@qingshan.gov.cn", mobile="13800138000", wecom="WX1") -> None:
    cadre.user.email = email
    cadre.user.save()
    Contact.objects.create(user=cadre.user, mobile=mobile, wecom_userid=wecom)


def _ticked(client) -> list[str]:
    """The boxes the preferences page shows ticked, as the browser would send them."""
    page = client.get(PAGES["preferences"]).content.decode()
    return re.findall(r'name="on" value="([^"]+)" id="[^"]+" checked>', page)


def _sent(kind=NotificationKind.ACHIEVEMENT_VERIFIED, *users) -> dict[str, set[str]]:
    notify(recipients=[u.user for u in users], title="测试通知", kind=kind)
    result: dict[str, set[str]] = {}
    for delivery in Delivery.objects.select_related("user"):
        result.setdefault(delivery.user.username, set()).add(delivery.channel)
    Delivery.objects.all().delete()
    return result


def test_organization_defaults_then_personal_choices_decide_the_channels(client, personas, channels_on):
    cadre, colleague = personas.cadre, personas.colleague
    _reachable(cadre)
    _reachable(colleague, email="b@qingshan.gov.cn", mobile="13900139000", wecom="WX2")
    # Initial defaults (docs/rules.md §10): a verification result goes by email and 企业微信.
    assert _sent(NotificationKind.ACHIEVEMENT_VERIFIED, cadre, colleague) == {
        cadre.user.username: {"email", "wecom"},
        colleague.user.username: {"email", "wecom"},
    }
    # The cadre keeps only SMS for this kind.
    client.force_login(cadre.user)
    ticked = [box for box in _ticked(client) if not box.startswith("achievement_verified:")]
    assert "log_reminder:wecom" in ticked and "log_reminder:email" not in ticked
    client.post(PAGES["preferences"], {"action": "channels", "on": [*ticked, "achievement_verified:sms"]})
    pref = ChannelPreference.objects.get(user=cadre.user, kind="achievement_verified")
    assert (pref.email, pref.sms, pref.wecom) == (False, True, False)
    # Kinds the cadre left as they were follow the default (no row stored).
    assert ChannelPreference.objects.filter(user=cadre.user).count() == 1

    # Org staff change the default for this kind to email only.
    client.force_login(personas.org_staff.user)
    assert client.post(PAGES["defaults"], {"on": ["achievement_verified:email"]}).status_code == 302
    assert _sent(NotificationKind.ACHIEVEMENT_VERIFIED, cadre, colleague) == {
        cadre.user.username: {"sms"},
        colleague.user.username: {"email"},
    }
    # The defaults page saved every kind: unticked kinds now go in-app only.
    assert _sent(NotificationKind.SELECTION_VOTE, cadre, colleague) == {}
    page = client.get(PAGES["defaults"]).content.decode()
    assert 'value="achievement_verified:email" id="on-achievement_verified-email" checked' in page
    assert 'value="achievement_verified:sms" id="on-achievement_verified-sms">' in page

    # 恢复组织默认 drops the cadre's own choice.
    client.force_login(cadre.user)
    client.post(PAGES["preferences"], {"action": "reset"})
    assert _sent(NotificationKind.ACHIEVEMENT_VERIFIED, cadre) == {cadre.user.username: {"email"}}


def test_a_missing_contact_is_logged_and_unconfigured_channels_are_never_used(client, personas, settings):
    with sms_gateway() as sms:
        configure_channels(settings, smtp=None, sms=sms, wecom=None)
        cadre = personas.cadre
        cadre.phone = "0571-8888888"  # a landline in the record: not a mobile number
        cadre.save()
        client.force_login(cadre.user)
        client.post(PAGES["preferences"], {"action": "channels", "on": [*_ticked(client), "general:sms"]})
        notify(recipients=[cadre.user], title="无手机号码")
        [row] = Delivery.objects.all()
        assert (row.channel, row.status, row.address) == ("sms", DeliveryStatus.NO_ADDRESS, "")
        # The record's phone counts when it is a mobile number.
        cadre.phone = "138 0013 8000"
        cadre.save()
        notify(recipients=[cadre.user], title="档案中的手机号码")
        latest = Delivery.objects.get(notification__title="档案中的手机号码")
        assert (latest.status, latest.address) == (DeliveryStatus.QUEUED, "13800138000")
        page = client.get(PAGES["preferences"]).content.decode()
        assert 'id="on-general-wecom"' in page and "（未开通）" in page


def test_contact_form_refuses_bad_input_in_chinese_and_keeps_the_data(client, personas):
    user = personas.cadre.user
    user.email = "old@qingshan.gov.cn"
    user.save()
    client.force_login(user)
    response = client.post(PAGES["preferences"], {"action": "contact", "email": "不是邮箱", "mobile": "12345"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "请填写有效的电子邮箱" in page and "请填写 11 位手机号码" in page
    assert 'value="不是邮箱"' in page  # typed text kept
    user.refresh_from_db()
    assert user.email == "old@qingshan.gov.cn" and not Contact.objects.exists()

    saved = client.post(
        PAGES["preferences"], {"action": "contact", "email": "new@qingshan.gov.cn", "mobile": "13700137000"}
    )
    assert saved.status_code == 302
    user.refresh_from_db()
    assert user.email == "new@qingshan.gov.cn" and Contact.objects.get(user=user).mobile == "13700137000"
    assert "13700137000" in client.get(PAGES["preferences"]).content.decode()


def test_a_broken_delivery_hook_never_undoes_the_action(client, personas, channels_on, monkeypatch):
    _reachable(personas.cadre)
    achievement = make(personas)

    def broken(**kwargs):
        raise RuntimeError("bug in the preferences")

    monkeypatch.setattr(services, "wanted_channels", broken)
    client.force_login(personas.org_staff.user)
    response = client.post(
        reverse("achievements:record_verify", args=[achievement.pk]),
        {"verification_status": "verified", "verification_note": "属实"},
    )
    assert response.status_code == 302
    assert Achievement.objects.get().verification_status == VerificationStatus.VERIFIED
    assert Notification.objects.filter(recipient=personas.cadre.user, kind="achievement_verified").count() == 1
    assert not Delivery.objects.exists()


@pytest.fixture
def own_redis(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def test_with_redis_down_deliveries_wait_in_the_outbox_and_go_when_it_returns(
    client, personas, settings, own_redis, django_capture_on_commit_callbacks
):
    from .messaging_servers import SmtpSink

    with SmtpSink() as smtp:
        configure_channels(settings, smtp=smtp, sms=None, wecom=None)
        _reachable(personas.cadre)
        achievement = make(personas)
        client.force_login(personas.org_staff.user)
        own_redis.stop()
        with redis_at(settings, own_redis.url), django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("achievements:record_verify", args=[achievement.pk]),
                {"verification_status": "verified", "verification_note": "属实"},
            )
        assert response.status_code == 302
        assert Achievement.objects.get().verification_status == VerificationStatus.VERIFIED
        delivery = Delivery.objects.get()
        assert delivery.status == DeliveryStatus.QUEUED
        entry = OutboxTask.objects.get(task="messaging.tasks.send_deliveries")
        assert entry.args == [[delivery.pk]] and entry.sent_at is None and entry.last_error

        own_redis.start()
        with redis_at(settings, own_redis.url):
            assert outbox.relay(min_age=timedelta(0)) == 1
        assert queued_messages(own_redis, settings.TASK_QUEUES["notifications"]) == 1


def test_a_delivery_the_broker_lost_is_queued_again_by_the_sweep(personas, channels_on):
    _reachable(personas.cadre)
    notify(recipients=[personas.cadre.user], title="丢失的任务")
    delivery = Delivery.objects.get()
    later = delivery.next_attempt_at + timedelta(minutes=11)
    assert services.stalled_deliveries(now=delivery.next_attempt_at + timedelta(minutes=5)) == []
    assert services.stalled_deliveries(now=later) == [delivery.pk]
    assert services.stalled_deliveries(now=later) == []  # not swept twice in a row


def test_backoff_doubles_up_to_the_cap(settings):
    from messaging import rules

    settings.NOTIFY_RETRY_BASE_SECONDS = 60
    settings.NOTIFY_RETRY_MAX_SECONDS = 300
    assert [rules.retry_delay(n) for n in range(1, 6)] == [60, 120, 240, 300, 300]


def test_org_staff_resend_a_failed_delivery(client, personas, channels_on):
    leader = CadreFactory(unit=personas.unit, role=UnitRole.TEAM_MEMBER, with_account=True)
    _reachable(leader)
    notify(recipients=[leader.user], title="重发")
    delivery = Delivery.objects.first()
    client.force_login(personas.org_staff.user)
    refused = client.post(reverse("messaging:delivery_retry", args=[delivery.pk]), follow=True)
    assert "只有发送失败的记录可以重新发送" in refused.content.decode()
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED, attempts=3, last_error="HTTP 503")
    client.post(reverse("messaging:delivery_retry", args=[delivery.pk]))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.QUEUED, 0)


# --- The channels' protocols, against servers on loopback ------------------------------------------


class RecordingGateway:
    """A district's own SMS adapter, plugged in by SMS_GATEWAY_CLASS."""

    sent: list[tuple[str, str]] = []

    def send(self, *, mobile: str, text: str) -> None:
        if mobile.endswith("0000"):
            from messaging.channels import ChannelError

            raise ChannelError("号码停机")
        self.sent.append((mobile, text))


def test_a_district_plugs_in_its_own_sms_adapter(personas, settings):
    configure_channels(settings, smtp=None, sms=None, wecom=None)
    settings.SMS_GATEWAY_CLASS = "tests.test_messaging.RecordingGateway"
    RecordingGateway.sent = []
    _reachable(personas.cadre, mobile="13800138001")
    _reachable(personas.colleague, email="b@qingshan.gov.cn", mobile="13800130000", wecom="WX2")
    notify(recipients=[personas.cadre.user, personas.colleague.user], title="请完成测评", kind="evaluation_sheets")
    outcomes = {
        d.address: services.attempt_delivery(delivery_id=d.pk).status for d in Delivery.objects.filter(channel="sms")
    }
    assert outcomes == {"13800138001": DeliveryStatus.SENT, "13800130000": DeliveryStatus.RETRYING}
    assert RecordingGateway.sent == [("13800138001", "【干部考核】请完成测评 http://127.0.0.1:8000/notifications/")]
    assert Delivery.objects.get(address="13800130000").last_error == "号码停机"


def test_wecom_fetches_a_new_token_when_the_cached_one_expired(personas, settings):
    from django.core.cache import cache

    from messaging import channels
    from messaging.channels import TOKEN_CACHE_KEY, Message

    from .messaging_servers import wecom_api

    with wecom_api(token="FRESH") as wecom:
        configure_channels(settings, smtp=None, sms=None, wecom=wecom)
        cache.set(TOKEN_CACHE_KEY, "EXPIRED", 600)
        channels.send_wecom("ZhangGB", Message("标题", "内容", "https://kaohe/x/", "https://kaohe/p/"))
        assert [(r.path, r.query.get("access_token")) for r in wecom.requests] == [
            ("/cgi-bin/message/send", ["EXPIRED"]),
            ("/cgi-bin/gettoken", None),
            ("/cgi-bin/message/send", ["FRESH"]),
        ]
        assert cache.get(TOKEN_CACHE_KEY) == "FRESH"
        settings.WECOM_SECRET = "wrong"
        cache.delete(TOKEN_CACHE_KEY)
        with pytest.raises(channels.ChannelError, match="gettoken errcode 40013"):
            channels.send_wecom("ZhangGB", Message("标题", "", "https://kaohe/x/", "https://kaohe/p/"))


def test_wecom_group_robot_mentions_the_person_by_mobile(personas, settings):
    with FakeApi(lambda request: (200, {"errcode": 0, "errmsg": "ok"})) as robot:
        configure_channels(settings, smtp=None, sms=None, wecom=None)
        settings.WECOM_MODE = "webhook"
        settings.WECOM_WEBHOOK_URL = f"{robot.url}/cgi-bin/webhook/send?key=abc"
        _reachable(personas.cadre)
        notify(
            recipients=[personas.cadre.user], title="考核结果已公布", url="/evaluations/my/", kind="evaluation_results"
        )
        delivery = Delivery.objects.get()
        assert (delivery.channel, delivery.address) == ("wecom", "13800138000")
        assert services.attempt_delivery(delivery_id=delivery.pk).status == DeliveryStatus.SENT
        [request] = robot.requests
        assert request.query == {"key": ["abc"]}
        assert request.body == {
            "msgtype": "text",
            "text": {
                "content": "考核结果已公布\nhttp://127.0.0.1:8000/evaluations/my/",
                "mentioned_mobile_list": ["13800138000"],
            },
        }


def test_the_nightly_backup_task_writes_a_backup_set(settings, tmp_path):
    from ops.tasks import nightly_backup

    settings.BACKUP_DIR = tmp_path / "backups"
    settings.BACKUP_KEYS_DIR = str(tmp_path / "keys")
    path = nightly_backup.apply().get()
    assert path.startswith(str(tmp_path / "backups" / "cadreperf-"))
    assert (tmp_path / "backups").is_dir() and any((tmp_path / "keys").iterdir())
