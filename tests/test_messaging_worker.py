"""Notices by email, SMS and 企业微信, delivered by a real Celery worker to servers on loopback:
a real SMTP server (aiosmtpd), a fake SMS gateway and a fake 企业微信 API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from achievements.models import Achievement, VerificationStatus
from core.models import Notification, NotificationKind
from messaging.models import Contact, Delivery, DeliveryStatus
from ops.models import OutboxTask

from .messaging_servers import SmtpSink, configure_channels, sms_gateway, wecom_api
from .test_achievements_records import make
from .test_worker import wait_for

pytestmark = [pytest.mark.worker]


def _reachable_cadre(personas) -> None:
    user = personas.cadre.user
    user.email = "zhang@qingshan.gov.cn"
    user.save()
    Contact.objects.create(user=user, mobile="13800138000", wecom_userid="ZhangGB")


def _verify(client, personas, achievement) -> None:
    client.force_login(personas.org_staff.user)
    response = client.post(
        reverse("achievements:record_verify", args=[achievement.pk]),
        {"verification_status": "verified", "verification_note": "与验收资料一致。"},
    )
    assert response.status_code == 302


def _settled(count: int):
    def check():
        rows = list(Delivery.objects.order_by("channel"))
        if len(rows) == count and all(d.status in (DeliveryStatus.SENT, DeliveryStatus.FAILED) for d in rows):
            return rows
        return None

    return check


def test_one_action_reaches_smtp_sms_gateway_and_wecom_through_the_worker(celery_worker, client, settings, personas):
    with SmtpSink() as smtp, sms_gateway() as sms, wecom_api() as wecom:
        configure_channels(settings, smtp=smtp, sms=sms, wecom=wecom)
        _reachable_cadre(personas)
        achievement = make(personas, title="完成教师培训<script>")
        # The cadre adds SMS for this kind on the preferences page (the default is email and 企业微信).
        client.force_login(personas.cadre.user)
        chosen = ["achievement_verified:email", "achievement_verified:sms", "achievement_verified:wecom"]
        assert client.post(reverse("messaging:preferences"), {"action": "channels", "on": chosen}).status_code == 302

        _verify(client, personas, achievement)
        assert Achievement.objects.get().verification_status == VerificationStatus.VERIFIED
        # Queued through the outbox after the commit.
        assert OutboxTask.objects.filter(task="messaging.tasks.send_deliveries").count() == 1

        rows = wait_for(_settled(3), timeout=90)
        assert [(d.channel, d.status, d.attempts) for d in rows] == [
            ("email", "sent", 1),
            ("sms", "sent", 1),
            ("wecom", "sent", 1),
        ]
        assert {d.address for d in rows} == {"zhang@qingshan.gov.cn", "13800138000", "ZhangGB"}

        [mail] = smtp.messages
        assert smtp.envelopes[0].rcpt_tos == ["zhang@qingshan.gov.cn"]
        assert mail["Subject"].strip() == "【干部考核】实绩「完成教师培训<script>」核实结果：已核实"
        text = mail.get_body(preferencelist=("plain",)).get_content()
        assert "与验收资料一致。" in text
        assert f"http://127.0.0.1:8000/achievements/records/{achievement.pk}/" in text
        assert "/messaging/preferences/" in text

        [sent_sms] = sms.requests
        assert sent_sms.method == "POST" and sent_sms.path == "/sms/send"
        assert sent_sms.headers["Authorization"] == "Bearer sms-token"
        assert sent_sms.body["mobile"] == "13800138000"
        assert sent_sms.body["content"].startswith("【干部考核】实绩「完成教师培训<script>」核实结果：已核实 http")

        token_call, send_call = wecom.requests
        assert token_call.path == "/cgi-bin/gettoken" and token_call.query["corpid"] == ["ww-test"]
        assert send_call.path == "/cgi-bin/message/send" and send_call.query["access_token"] == ["TOKEN-1"]
        assert send_call.body["touser"] == "ZhangGB" and send_call.body["agentid"] == 1000002
        assert send_call.body["msgtype"] == "textcard"
        assert send_call.body["textcard"]["url"].endswith(f"/achievements/records/{achievement.pk}/")

        # Org staff read the delivery log: channel, recipient, status, attempts; user text escaped.
        client.force_login(personas.org_staff.user)
        log = client.get(reverse("messaging:deliveries")).content.decode()
        assert log.count('<tr id="delivery-') == 3 and "已发送" in log
        assert "13800138000" in log and "ZhangGB" in log
        assert "完成教师培训&lt;script&gt;" in log and "<script>」" not in log


def test_a_failing_gateway_is_retried_with_backoff_and_logged_while_the_action_stands(
    celery_worker, client, settings, personas
):
    with SmtpSink() as smtp, sms_gateway(always_fail=True) as sms:
        configure_channels(settings, smtp=smtp, sms=sms, wecom=None)
        _reachable_cadre(personas)
        client.force_login(personas.cadre.user)
        chosen = ["achievement_verified:email", "achievement_verified:sms"]
        client.post(reverse("messaging:preferences"), {"action": "channels", "on": chosen})
        achievement = make(personas)

        _verify(client, personas, achievement)
        # The action is done and its in-app notice is there, whatever the gateway does.
        assert Achievement.objects.get().verification_status == VerificationStatus.VERIFIED
        assert Notification.objects.filter(
            recipient=personas.cadre.user, kind=NotificationKind.ACHIEVEMENT_VERIFIED
        ).exists()

        email_row, sms_row = wait_for(_settled(2), timeout=120)
        assert (email_row.status, email_row.attempts) == ("sent", 1)
        assert len(smtp.messages) == 1
        # Three attempts (NOTIFY_MAX_ATTEMPTS), each reached the gateway, then 发送失败 with the reason.
        assert (sms_row.status, sms_row.attempts) == ("failed", 3)
        assert sms_row.last_error.startswith("HTTP 503") and "网关繁忙" in sms_row.last_error
        assert len(sms.requests) == 3
        assert sms_row.sent_at is None and sms_row.next_attempt_at is None

        client.force_login(personas.org_staff.user)
        log = client.get(reverse("messaging:deliveries"), {"status": "failed"}).content.decode()
        assert log.count('<tr id="delivery-') == 1 and "HTTP 503" in log and "发送失败" in log


def test_a_gateway_that_fails_once_gets_the_message_on_the_retry(celery_worker, client, settings, personas):
    with sms_gateway(fail_first=1) as sms:
        configure_channels(settings, smtp=None, sms=sms, wecom=None)
        _reachable_cadre(personas)
        client.force_login(personas.cadre.user)
        client.post(reverse("messaging:preferences"), {"action": "channels", "on": ["achievement_verified:sms"]})
        _verify(client, personas, make(personas))

        [row] = wait_for(_settled(1), timeout=90)
        assert (row.channel, row.status, row.attempts) == ("sms", "sent", 2)
        assert row.last_error == "" or row.last_error.startswith("HTTP 503")
        assert len(sms.requests) == 2
        assert sms.requests[0].body == sms.requests[1].body
