"""Public feedback on a notice: submission, limits, anti-bot checks, closed period, rate limit, lookup."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from publicity.errors import FeedbackClosed
from publicity.models import Feedback, FeedbackEvent, FeedbackState, Notice, PublicitySettings
from publicity.services import feedback as service

from .factories import FeedbackFactory, NoticeFactory

pytestmark = pytest.mark.django_db

TEXT = "反映该同志在招商引资项目中存在虚报数字的情况，请组织核实。"


@pytest.fixture
def notice():
    return NoticeFactory(published=True)


def submit_url(notice: Notice) -> str:
    return reverse("public:feedback_submit", args=[notice.public_id])


def token(notice: Notice, *, age_seconds: int = 30) -> str:
    return service.form_token_issue(public_id=notice.public_id, now=timezone.now() - timedelta(seconds=age_seconds))


def form(notice: Notice, **overrides) -> dict:
    data = {"name": "李群众", "contact": "邮箱 li@example.org", "text": TEXT, "website": "", "token": token(notice)}
    data.update(overrides)
    return data


def test_feedback_is_received_with_a_receipt_code_and_can_be_looked_up(client, notice):
    response = client.post(submit_url(notice), form(notice))
    assert response.status_code == 302 and response["Location"] == reverse("public:feedback_receipt")
    feedback = Feedback.objects.get()
    assert (feedback.notice, feedback.name, feedback.text, feedback.state) == (
        notice,
        "李群众",
        TEXT,
        FeedbackState.RECEIVED,
    )
    event = FeedbackEvent.objects.get(feedback=feedback)
    assert (event.from_state, event.to_state, event.actor) == ("", FeedbackState.RECEIVED, None)
    receipt = client.get(reverse("public:feedback_receipt")).content.decode()
    assert feedback.receipt_code in receipt and notice.title in receipt
    # The sender types the code as they like: lower case, without dashes.
    typed = feedback.receipt_code.replace("-", "").lower()
    lookup = client.post(reverse("public:feedback_lookup"), {"code": typed}).content.decode()
    assert "已受理" in lookup and feedback.receipt_code in lookup


def test_anonymous_feedback_needs_no_name_or_contact(client, notice):
    response = client.post(submit_url(notice), form(notice, name="", contact=""))
    assert response.status_code == 302
    assert Feedback.objects.get().name == ""


def test_receipt_page_without_a_submission_goes_to_the_lookup(client):
    response = client.get(reverse("public:feedback_receipt"))
    assert response.status_code == 302 and response["Location"] == reverse("public:feedback_lookup")


def refused(response, message: str, kept: str = TEXT) -> str:
    html = response.content.decode()
    assert response.status_code == 400, response.status_code
    assert message in html, html[-3000:]
    assert kept in html  # what the sender typed is kept
    assert Feedback.objects.count() == 0
    return html


def test_text_shorter_than_the_minimum_is_refused(client, notice):
    refused(client.post(submit_url(notice), form(notice, text="太短了的反映")), "反映内容至少 10 个字", "太短了的反映")


def test_text_longer_than_the_setting_is_refused(client, notice):
    settings = PublicitySettings.load()
    settings.feedback_max_chars = 100
    settings.save()
    long_text = "长" * 101
    html = refused(client.post(submit_url(notice), form(notice, text=long_text)), "反映内容最多 100 个字", long_text)
    assert 'maxlength="100"' in html
    assert client.post(submit_url(notice), form(notice, text="长" * 100)).status_code == 302


def test_a_filled_honeypot_is_refused(client, notice):
    html = refused(client.post(submit_url(notice), form(notice, website="http://spam.example")), "表单校验未通过")
    assert "http://spam.example" not in html


def test_a_form_sent_back_too_fast_is_refused(client, notice):
    refused(client.post(submit_url(notice), form(notice, token=token(notice, age_seconds=0))), "提交过快")


def test_a_form_too_old_is_refused_and_a_fresh_one_issued(client, notice):
    old = token(notice, age_seconds=service.FORM_MAX_AGE_SECONDS + 60)
    html = refused(client.post(submit_url(notice), form(notice, token=old)), "表单已过期")
    fresh = html.split('name="token" value="')[1].split('"')[0]
    assert fresh != old
    assert signing.loads(fresh, salt="publicity.feedback.form")["n"] == str(notice.public_id)


@pytest.mark.parametrize(
    "bad_token",
    ["", "not-a-token", "tampered"],
)
def test_a_missing_or_tampered_token_is_refused(client, notice, bad_token):
    if bad_token == "tampered":
        good = token(notice)
        bad_token = good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB")
    refused(client.post(submit_url(notice), form(notice, token=bad_token)), "表单校验未通过")


def test_a_token_of_another_notice_is_refused(client, notice):
    other = NoticeFactory(published=True)
    refused(client.post(submit_url(notice), form(notice, token=token(other))), "表单校验未通过")


def test_feedback_is_refused_once_the_period_has_ended(client):
    ended = NoticeFactory(ended=True)
    response = client.post(submit_url(ended), form(ended))
    html = response.content.decode()
    assert response.status_code == 400 and "公示期已于" in html and "网上反映通道已关闭" in html
    assert Feedback.objects.count() == 0


def test_feedback_on_a_notice_not_yet_public_is_404(client):
    draft = NoticeFactory()
    assert client.post(submit_url(draft), form(draft)).status_code == 404
    today = timezone.localdate()
    future = NoticeFactory(published=True, start_date=today + timedelta(days=3), end_date=today + timedelta(days=10))
    assert client.post(submit_url(future), form(future)).status_code == 404
    assert Feedback.objects.count() == 0


def test_service_refuses_before_the_start_and_after_the_end_with_clear_messages():
    today = timezone.localdate()
    notice = NoticeFactory(published=True, start_date=today + timedelta(days=1), end_date=today + timedelta(days=8))
    with pytest.raises(FeedbackClosed, match="尚未开始"):
        service.feedback_submit(notice=notice, name="", contact="", text=TEXT, today=today)
    with pytest.raises(FeedbackClosed, match="结束"):
        service.feedback_submit(
            notice=notice, name="", contact="", text=TEXT, today=notice.end_date + timedelta(days=1)
        )
    feedback = service.feedback_submit(notice=notice, name="", contact="", text=TEXT, today=notice.end_date)
    assert feedback.state == FeedbackState.RECEIVED


def test_submissions_are_rate_limited_per_client_through_the_shared_cache(client, notice):
    settings = PublicitySettings.load()
    settings.feedback_rate_limit = "2/h"
    settings.save()
    for _ in range(2):
        assert client.post(submit_url(notice), form(notice), REMOTE_ADDR="10.1.2.3").status_code == 302
    response = client.post(submit_url(notice), form(notice), REMOTE_ADDR="10.1.2.3")
    html = response.content.decode()
    assert response.status_code == 429 and "提交过于频繁" in html and TEXT in html
    assert Feedback.objects.count() == 2
    # Another client is not affected; the count lives in Redis, not in this process.
    assert client.post(submit_url(notice), form(notice), REMOTE_ADDR="10.9.9.9").status_code == 302
    from django.conf import settings as django_settings
    from django.core.cache import cache

    redis = cache._cache.get_client()
    prefix = django_settings.CACHES["default"]["KEY_PREFIX"]
    assert list(redis.scan_iter(match=f"{prefix}:*rl:*"))


def test_rate_limit_reads_the_client_address_from_the_configured_header(client, notice, settings):
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    publicity_settings = PublicitySettings.load()
    publicity_settings.feedback_rate_limit = "1/h"
    publicity_settings.save()
    assert client.post(submit_url(notice), form(notice), HTTP_X_REAL_IP="203.0.113.5").status_code == 302
    assert client.post(submit_url(notice), form(notice), HTTP_X_REAL_IP="203.0.113.5").status_code == 429
    assert client.post(submit_url(notice), form(notice), HTTP_X_REAL_IP="203.0.113.6").status_code == 302


def test_a_malformed_rate_setting_falls_back_to_the_default():
    settings = PublicitySettings.load()
    settings.feedback_rate_limit = "five per hour"
    assert service.feedback_rate(settings) == service.DEFAULT_RATE


def test_lookup_shows_the_state_and_public_reply_but_never_staff_notes(client, personas):
    feedback = FeedbackFactory()
    service.feedback_transition(feedback=feedback, to_state=FeedbackState.VERIFYING, actor=personas.org_staff.user)
    service.feedback_transition(
        feedback=feedback,
        to_state=FeedbackState.UNSUBSTANTIATED,
        note="内部意见：经查阅项目档案，验收程序完整。",
        public_reply="经核实，反映的问题不属实。感谢您的监督。",
        actor=personas.org_staff.user,
    )
    html = client.post(reverse("public:feedback_lookup"), {"code": feedback.receipt_code}).content.decode()
    assert "反映不属实" in html and "经核实，反映的问题不属实。感谢您的监督。" in html
    assert "内部意见" not in html and feedback.text not in html


def test_lookup_of_an_unknown_code_says_so(client):
    html = client.post(reverse("public:feedback_lookup"), {"code": "AAAA-BBBB-CCCC"}).content.decode()
    assert "未找到该查询码对应的反映" in html


def test_lookups_are_rate_limited(client, monkeypatch):
    monkeypatch.setattr(service, "LOOKUP_RATE", "3/h")
    for _ in range(3):
        assert client.post(reverse("public:feedback_lookup"), {"code": "AAAA"}).status_code == 200
    response = client.post(reverse("public:feedback_lookup"), {"code": "AAAA"})
    assert response.status_code == 429 and "查询过于频繁" in response.content.decode()


def test_receipt_and_lookup_escape_what_the_sender_wrote(client, notice, personas):
    feedback = FeedbackFactory(notice=notice)
    service.feedback_transition(feedback=feedback, to_state=FeedbackState.VERIFYING, actor=personas.org_staff.user)
    service.feedback_transition(
        feedback=feedback,
        to_state=FeedbackState.SUBSTANTIATED,
        note="属实",
        public_reply="<script>alert(1)</script>已转交处理",
        actor=personas.org_staff.user,
    )
    html = client.post(reverse("public:feedback_lookup"), {"code": feedback.receipt_code}).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;已转交处理" in html


def test_behind_a_proxy_the_limit_follows_the_forwarded_client_not_the_proxy(client, notice, settings):
    settings.RATELIMIT_IP_META_KEY = "publicity.client_address.client_ip"
    settings.AXES_IPWARE_PROXY_COUNT = 1
    publicity_settings = PublicitySettings.load()
    publicity_settings.feedback_rate_limit = "1/h"
    publicity_settings.save()
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    # A client cannot escape the limit by writing its own X-Forwarded-For entries.
    first = client.post(submit_url(notice), form(notice), HTTP_X_FORWARDED_FOR="1.1.1.1, 198.51.100.7", **proxy)
    again = client.post(submit_url(notice), form(notice), HTTP_X_FORWARDED_FOR="2.2.2.2, 198.51.100.7", **proxy)
    other = client.post(submit_url(notice), form(notice), HTTP_X_FORWARDED_FOR="198.51.100.8", **proxy)
    assert (first.status_code, again.status_code, other.status_code) == (302, 429, 302)
