"""Headless Chromium, the whole 任前公示 in one journey: org staff draft, pass the gate and publish; an
anonymous visitor reads the notice and sends feedback; staff triage it; after the period staff record
the outcome and the public page says the period has ended.

Time passing is simulated by moving the notice's dates (saved through the model, so the public
page cache is invalidated as it would be by a real change)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from publicity.models import Feedback, FeedbackState, GateCheckKind, Notice, NoticeState, Outcome

from .conftest import browser_login
from .factories import PASSWORD, cadre_with_record, real_channel_settings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FEEDBACK = "该同志在柳溪镇工作期间，河道整治工程的验收把关不严，请组织核实。"


def move_period(notice: Notice, *, start_days: int, end_days: int) -> None:
    today = timezone.localdate()
    notice.refresh_from_db()
    notice.start_date = today + timedelta(days=start_days)
    notice.end_date = today + timedelta(days=end_days)
    notice.save(update_fields=["start_date", "end_date"])


@pytest.fixture
def new_page(chromium, live_server):
    """Pages in separate browser contexts: org staff and an anonymous visitor do not share cookies."""
    contexts = []

    def open_page():
        context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        page.base_url = live_server.url
        return page

    yield open_page
    for context in contexts:
        context.close()


def test_notice_from_draft_to_outcome_with_public_feedback(new_page, live_server, personas, artifacts, settings):
    settings.PUBLICITY_FEEDBACK_MIN_SECONDS = 0  # the robot types at once
    real_channel_settings()
    cadre = cadre_with_record(unit=personas.unit)
    staff = new_page()
    staff.on("dialog", lambda dialog: dialog.accept())

    # Staff: a draft from the record, the four checks, publishing.
    browser_login(staff, personas.org_staff.code, PASSWORD)
    staff.goto(f"{live_server.url}/publicity/new/")
    staff.fill("#cadre-q", cadre.name)
    staff.click("#cadre-search")
    staff.click(f"#cadre-matches a[data-cadre='{cadre.code}']")
    staff.fill("#id_proposed_post", "柳溪镇党委书记")
    staff.click("#create-form button[type=submit]")
    staff.wait_for_selector("#notice-sections")
    notice = Notice.objects.get(cadre=cadre)
    staff.click("#submit-gate")
    for kind in GateCheckKind.values:
        staff.check(f"#gate-{kind} input[value=passed]")
        staff.fill(f"#gate-{kind} textarea", "经审核符合要求")
        staff.click(f"#gate-{kind} button[type=submit]")
        staff.wait_for_selector(f"#gate-{kind} .badge.text-bg-success")
    staff.click("#publish-button")  # the proposed start: the next working day
    staff.wait_for_selector("text=公示已发布")
    notice.refresh_from_db()
    assert notice.state == NoticeState.PUBLISHED
    # Not public before its first day.
    visitor = new_page()
    assert visitor.goto(f"{live_server.url}/notices/{notice.public_id}/").status == 404

    # The period starts: an anonymous visitor finds the notice, reads it and sends feedback.
    move_period(notice, start_days=0, end_days=6)
    visitor.goto(f"{live_server.url}/notices/")
    visitor.click(f"text={notice.title}")
    visitor.wait_for_selector("#notice")
    assert "柳溪镇党委书记" in visitor.inner_text("#notice")
    assert "1985年6月生" in visitor.inner_text("#notice")
    visitor.screenshot(path=str(artifacts / "publicity-journey-public-desktop.png"), full_page=True)
    visitor.set_viewport_size({"width": 390, "height": 844})
    visitor.screenshot(path=str(artifacts / "publicity-journey-public-phone.png"), full_page=True)
    assert visitor.evaluate("document.documentElement.scrollWidth") <= 390
    visitor.fill("#id_contact", "微信 liuxi2026")
    visitor.fill("#id_text", FEEDBACK)
    visitor.click("#feedback-form button[type=submit]")
    visitor.wait_for_selector("#receipt-code")
    code = visitor.inner_text("#receipt-code").strip()
    assert Feedback.objects.get(receipt_code=code).text == FEEDBACK

    # Staff: from the notice to its feedback, triaged to a finding; the outcome must wait.
    staff.goto(f"{live_server.url}/publicity/{notice.pk}/")
    assert staff.query_selector("#outcome-button") is None
    staff.click("#feedback-link")
    staff.click(f"text={code}")
    staff.click("button[value=verifying]")
    staff.wait_for_selector("text=已办理为“核查中”")
    staff.fill("#id_note", "调阅工程验收资料，验收程序完整。")
    staff.fill("#id_public_reply", "经核实，反映的问题不属实。感谢您的监督。")
    staff.click("button[value=unsubstantiated]")
    staff.wait_for_selector("text=已办理为“反映不属实”")
    assert Feedback.objects.get(receipt_code=code).state == FeedbackState.UNSUBSTANTIATED

    # The period ends: staff record the outcome; the public page says the period has ended.
    move_period(notice, start_days=-10, end_days=-3)
    staff.goto(f"{live_server.url}/publicity/{notice.pk}/")
    staff.check(f"#outcome input[value={Outcome.APPOINTED}]")
    staff.fill("#outcome textarea", "公示期内反映问题经核实不属实，按程序任用。")
    staff.click("#outcome-button")
    staff.wait_for_selector("#outcome-value")
    assert staff.inner_text("#outcome-value") == "任用"
    notice.refresh_from_db()
    assert notice.state == NoticeState.DECIDED and notice.outcome == Outcome.APPOINTED
    staff.screenshot(path=str(artifacts / "publicity-journey-staff-decided.png"), full_page=True)

    visitor.goto(f"{live_server.url}/notices/{notice.public_id}/")
    assert "公示期已结束" in visitor.inner_text("#notice")
    assert visitor.query_selector("#feedback-form") is None
    assert "任用结果" not in visitor.inner_text("#notice")  # the setting keeps the outcome private
    visitor.goto(f"{live_server.url}/notices/archive/")
    assert notice.title in visitor.inner_text("body")
    visitor.screenshot(path=str(artifacts / "publicity-journey-archive-phone.png"), full_page=True)
