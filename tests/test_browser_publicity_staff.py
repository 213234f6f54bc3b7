"""Headless Chromium: org staff draft a 任前公示 for a cadre, pass the four gate checks and publish it,
seeing the end date the working-day calendar gives before and after publishing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from publicity import rules
from publicity.models import GateCheckKind, Notice, NoticeState

from .conftest import browser_login
from .factories import PASSWORD, cadre_with_record, real_channel_settings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def cn_day(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def test_staff_draft_pass_the_gate_and_publish(page, personas, artifacts):
    page.on("dialog", lambda dialog: dialog.accept())
    real_channel_settings()
    cadre = cadre_with_record(unit=personas.unit)
    browser_login(page, personas.org_staff.code, PASSWORD)

    # From the menu to the list, then a new draft for the cadre.
    page.click("text=任前公示")
    page.click("a.dropdown-item:has-text('公示管理')")
    page.click("#new-notice")
    page.fill("#cadre-q", "周明")
    page.click("#cadre-search")
    page.click(f"#cadre-matches a[data-cadre='{cadre.code}']")
    assert "周明远" in page.inner_text("#selected-cadre")
    page.fill("#id_proposed_post", "柳溪镇党委书记")
    page.click("#create-form button[type=submit]")
    page.wait_for_selector("#notice-sections")
    assert "1985年6月生" in page.inner_text("#section-basic_info")
    assert "本人角色：分管领导" in page.inner_text("#section-achievements")
    notice = Notice.objects.get(cadre=cadre)
    page.screenshot(path=str(artifacts / "publicity-staff-draft.png"), full_page=True)

    # To the gate; publishing early is refused naming the checks still missing.
    page.click("#submit-gate")
    page.wait_for_selector("#gate form")
    start = rules.default_start(timezone.localdate())
    end = rules.publicity_period(start).end
    page.fill("#id_start_date", start.isoformat())
    page.dispatch_event("#id_start_date", "change")
    page.wait_for_selector("#preview-end")
    assert page.inner_text("#preview-end") == cn_day(end)
    page.click("#publish-button")
    page.wait_for_selector("#action-error")
    assert "尚未把关" in page.inner_text("#action-error")
    page.screenshot(path=str(artifacts / "publicity-staff-gate-refused.png"), full_page=True)
    page.js_errors.clear()  # the refusal answered 400 on purpose

    for kind in GateCheckKind.values:
        page.check(f"#gate-{kind} input[value=passed]")
        page.fill(f"#gate-{kind} textarea", "经审核符合要求")
        page.click(f"#gate-{kind} button[type=submit]")
        page.wait_for_selector(f"#gate-{kind} .badge.text-bg-success")
    page.screenshot(path=str(artifacts / "publicity-staff-gate-passed.png"), full_page=True)

    page.fill("#id_start_date", start.isoformat())
    page.click("#publish-button")
    page.wait_for_selector("text=公示已发布")
    assert cn_day(end) in page.inner_text("#notice-period")
    notice.refresh_from_db()
    assert notice.state == NoticeState.PUBLISHED and notice.end_date == end
    page.screenshot(path=str(artifacts / "publicity-staff-published-desktop.png"), full_page=True)
    assert page.get_attribute("#feedback-link", "href") == f"/publicity/feedback/?notice={notice.pk}"

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{page.base_url}/publicity/?state=publicity")
    assert "周明远" in page.inner_text("#notice-table")
    page.screenshot(path=str(artifacts / "publicity-staff-list-phone.png"), full_page=True)
    page.goto(f"{page.base_url}/publicity/{notice.pk}/")
    page.screenshot(path=str(artifacts / "publicity-staff-published-phone.png"), full_page=True)
    assert not page.js_errors
