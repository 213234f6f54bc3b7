"""The notification pages on a phone: a person picks channels per kind; org staff read the log."""

import pytest

from core.models import Notification
from core.notifications import notify
from messaging.models import ChannelPreference, Contact, Delivery, DeliveryStatus

from .conftest import browser_login
from .factories import PASSWORD
from .messaging_servers import FakeApi, configure_channels

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_cadre_chooses_channels_on_a_phone_and_org_staff_read_the_delivery_log(page, personas, settings, artifacts):
    with FakeApi(lambda request: (200, {"code": 0})) as sms:
        configure_channels(settings, smtp=None, sms=sms, wecom=None)
        settings.EMAIL_HOST = "127.0.0.1"
        page.set_viewport_size({"width": 390, "height": 844})
        cadre = personas.cadre
        browser_login(page, cadre.code, PASSWORD)
        page.goto(f"{page.base_url}/messaging/preferences/")
        assert page.is_checked("#on-achievement_verified-email")
        assert page.is_disabled("#on-achievement_verified-wecom")  # 企业微信 not set up here
        page.fill("#id_mobile", "1380013800")
        page.click("#contact-form button[type=submit]")
        assert "请填写 11 位手机号码" in page.inner_text("#contact-form")
        page.fill("#id_mobile", "13800138000")
        page.fill("#id_email", "zhang@qingshan.gov.cn")
        page.click("#contact-form button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert "联系方式已保存" in page.content()

        page.check("#on-selection_vote-sms")
        page.uncheck("#on-achievement_verified-email")
        assert fits_the_screen(page)
        page.screenshot(path=str(artifacts / "messaging-preferences-phone.png"), full_page=True)
        page.click("#preferences-form button[value=channels]")
        page.wait_for_load_state("networkidle")
        assert "通知方式已保存" in page.content()
        assert not page.is_checked("#on-achievement_verified-email") and page.is_checked("#on-selection_vote-sms")
        pref = ChannelPreference.objects.get(user=cadre.user, kind="achievement_verified")
        assert (pref.email, pref.sms) == (False, None)
        assert Contact.objects.get(user=cadre.user).mobile == "13800138000"
        assert page.js_errors == []

    settings.EMAIL_HOST = settings.SMS_GATEWAY_URL = ""  # the log below is written by hand, nothing sent
    notify(recipients=[cadre.user], title="请参加民主推荐：<b>副主任</b>", kind="selection_vote")
    Delivery.objects.create(
        notification=Notification.objects.get(kind="selection_vote"),
        user=cadre.user,
        channel="sms",
        address="13800138000",
        status=DeliveryStatus.FAILED,
        attempts=3,
        last_error="HTTP 503: 网关繁忙",
    )
    page.context.clear_cookies()
    browser_login(page, personas.org_staff.code, PASSWORD)
    page.goto(f"{page.base_url}/messaging/deliveries/")
    table = page.inner_text("#delivery-table")
    assert "请参加民主推荐：<b>副主任</b>" in table and "发送失败" in table and "HTTP 503" in table
    assert fits_the_screen(page)
    page.screenshot(path=str(artifacts / "messaging-deliveries-phone.png"), full_page=True)
    page.goto(f"{page.base_url}/messaging/defaults/")
    assert fits_the_screen(page)
    page.screenshot(path=str(artifacts / "messaging-defaults-phone.png"))
    assert page.js_errors == []
