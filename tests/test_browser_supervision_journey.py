"""Headless Chromium, from a phone call to a refused promotion: discipline staff register a phone
report about a cadre, verify it and find it substantiated, record the 诫勉 that follows; org staff
then try to enter the cadre in a selection on a phone and are refused with the reason and the end
of the 影响期. Screenshots go to test-artifacts/ (desktop 1280 and phone 390)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from supervision import rules
from supervision.models import Report, RewardSanction

from .conftest import browser_login
from .factories import PASSWORD, open_selection, post_with_vacancy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def _page(chromium, live_server, viewport):
    context = chromium.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors
    return context, page


def test_phone_report_to_sanction_to_refused_promotion(chromium, live_server, personas, artifacts):
    today = timezone.localdate()
    cadre = personas.cadre
    selection = open_selection(post_with_vacancy(personas.unit), personas.org_staff.user)
    selection.qualification_date = today
    selection.save()
    base = live_server.url

    context, jw = _page(chromium, live_server, {"width": 1280, "height": 900})
    browser_login(jw, "jiwei", PASSWORD)
    jw.goto(f"{base}/supervision/reports/")
    jw.click("#register-report")
    jw.select_option("#id_channel", "phone")
    jw.fill("#id_received_on", today.isoformat())
    jw.select_option("#id_cadre", str(cadre.pk))
    jw.fill("#id_reporter_name", "刘某")
    jw.fill("#id_reporter_contact", "13900001111")
    jw.fill("#id_text", "来电反映该同志在项目验收中接受施工方宴请，请组织核实。")
    jw.click("#report-form button[type=submit]")
    jw.wait_for_selector("#report-state")
    report = Report.objects.get()
    assert report.channel == "phone" and report.cadre == cadre
    assert "已受理" in jw.inner_text("#report-state")
    jw.select_option("#id_to_state", "verifying")
    jw.click("#transition-form button[type=submit]")
    jw.wait_for_selector("#report-state:has-text('核查中')")
    jw.select_option("#id_to_state", "substantiated")
    jw.fill("#id_note", "经核查，接受宴请问题属实。")
    jw.fill("#id_public_reply", "反映问题属实，已依规处理。")
    jw.click("#transition-form button[type=submit]")
    jw.wait_for_selector("#report-state:has-text('反映属实')")
    jw.screenshot(path=str(artifacts / "supervision-report-desktop.png"), full_page=True)

    jw.goto(f"{base}/supervision/records/new/?cadre={cadre.pk}")
    jw.select_option("#id_kind", "admonition")
    jw.fill("#id_document_no", "青纪诫〔2026〕3号")
    jw.fill("#id_issuing_body", "中共青山区纪委")
    jw.fill("#id_date", today.isoformat())
    jw.fill("#id_reason", "在项目验收中接受施工方宴请（举报查实）。")
    jw.click("#record-form button[type=submit]")
    jw.wait_for_selector("#record-facts")
    end = rules.impact_end(today, 6)
    assert RewardSanction.objects.get().impact_end == end
    assert end.isoformat() in jw.inner_text("#record-facts")
    jw.screenshot(path=str(artifacts / "supervision-sanction-desktop.png"), full_page=True)
    assert jw.js_errors == []
    context.close()

    context, staff = _page(chromium, live_server, PHONE)
    browser_login(staff, personas.org_staff.code, PASSWORD)
    staff.goto(f"{base}/selection/{selection.pk}/")
    assert f"影响期至 {end.isoformat()}" not in staff.inner_text("body")  # not a candidate yet
    staff.select_option("#unit-recommendation-form select[name=unit]", str(personas.unit.pk))
    staff.select_option("#unit-recommendation-form select[name=cadre]", str(cadre.pk))
    staff.fill("#unit-recommendation-form textarea[name=reason]", "工作扎实，群众公认。")
    staff.fill("#unit-recommendation-form input[name=document_number]", "教党〔2026〕5号")
    staff.click("#unit-recommendation-form button[type=submit]")
    staff.wait_for_selector("#unit-recommendation-form .errorlist")
    refusal = staff.inner_text("#unit-recommendation-form")
    assert "不符合任职资格条件" in refusal and "受到诫勉" in refusal and f"影响期至 {end.isoformat()}" in refusal
    staff.screenshot(path=str(artifacts / "supervision-refused-phone.png"), full_page=True)
    assert not selection.candidates.exists()
    # The day after the 影响期 ends, the same cadre qualifies.
    selection.qualification_date = end + timedelta(days=1)
    selection.save()
    staff.click("#unit-recommendation-form button[type=submit]")
    staff.wait_for_load_state("networkidle")
    assert selection.candidates.filter(cadre=cadre).exists()
    assert staff.js_errors == []
    context.close()
