"""Headless Chromium: a cadre writes today's log, backfills last week, is refused an old day with
the deadline, and downloads the dossier PDF (checked with pdftotext)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from achievements import rules
from achievements.models import DailyLog

from .conftest import browser_login
from .factories import CHINESE_LOG, PASSWORD
from .support import closed_day, pdf_text, today

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
BACKFILL = "补记：参加区教育局教研工作会议，汇报本中心新任教师培训方案并修改完善。"


def last_open_workday(cadre):
    """The latest working day before today whose window is open: last week's, whatever today is."""
    calendar = rules.WorkCalendar.load(today() - timedelta(days=30), today())
    for day in reversed(calendar.workdays(today() - timedelta(days=20), today() - timedelta(days=1))):
        if timezone.now() < rules.log_deadline(day, unit=cadre.unit):
            return day
    raise AssertionError("no open working day")


def test_cadre_logs_backfills_is_refused_and_downloads_the_dossier(page, personas, artifacts, tmp_path):
    cadre = personas.cadre
    cadre.records_from = today() - timedelta(days=30)
    cadre.save()
    browser_login(page, cadre.code, PASSWORD)

    # Today's log from the dashboard, with the live counter.
    page.fill("#home_text", CHINESE_LOG)
    counter = page.inner_text("[data-counter-for=home_text] .count")
    assert counter == str(len(CHINESE_LOG))
    page.screenshot(path=str(artifacts / "achievements-home-composer.png"), full_page=True)
    page.click("#today-log-card button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "已保存" in page.inner_text("main")
    assert DailyLog.objects.get(author=cadre, day=today()).text == CHINESE_LOG

    # Backfill a working day from last week by clicking it in the calendar.
    page.click("text=晒实绩")
    page.click(".dropdown-menu >> text=工作日志")
    page.wait_for_load_state("networkidle")
    target = last_open_workday(cadre)
    cell = f'#log-calendar a[data-day="{target.isoformat()}"]'
    if page.locator(cell).count() == 0:
        page.click("[aria-label=上个月]")
        page.wait_for_load_state("networkidle")
    assert page.get_attribute(cell, "data-status") == "open"
    page.click(cell)
    page.wait_for_load_state("networkidle")
    assert page.input_value("#id_day") == target.isoformat()
    page.fill("#id_text", BACKFILL)
    page.click("#log-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert DailyLog.objects.get(author=cadre, day=target).text == BACKFILL
    assert page.get_attribute(cell, "data-status") == "logged"
    page.screenshot(path=str(artifacts / "achievements-logs-desktop.png"), full_page=True)

    # Picking an old day loads that day: frozen, with the deadline, and nothing to overwrite.
    old = closed_day()
    page.fill("#id_day", old.isoformat())
    page.wait_for_url(f"**day={old.isoformat()}**")
    page.wait_for_load_state("networkidle")
    message = page.inner_text("#frozen-note")
    assert "补记期限已于" in message and "24:00 截止" in message
    assert page.locator("#log-form").count() == 0
    assert not DailyLog.objects.filter(author=cadre, day=old).exists()
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts / "achievements-refused-phone.png"), full_page=True)

    # The dossier PDF from the archive page.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.click("text=晒实绩")
    page.click(".dropdown-menu >> text=实绩档案")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(artifacts / "achievements-archive-desktop.png"), full_page=True)
    with page.expect_download() as info:
        page.click("#dossier-form button[type=submit]")
    path = tmp_path / "dossier.pdf"
    info.value.save_as(path)
    assert info.value.suggested_filename.endswith(".pdf")
    text = pdf_text(path.read_bytes(), tmp_path, "check.pdf")
    assert "干部实绩档案" in text and cadre.name in text
    assert CHINESE_LOG[:20] in text and BACKFILL[:20] in text
    assert page.js_errors == []


def test_phone_log_page(page, personas, artifacts):
    browser_login(page, personas.colleague.code, PASSWORD)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{page.base_url}/achievements/logs/")
    page.fill("#id_text", "短")
    assert "is-short" in page.get_attribute("[data-counter-for=id_text]", "class")
    page.fill("#id_text", CHINESE_LOG)
    assert "is-enough" in page.get_attribute("[data-counter-for=id_text]", "class")
    page.screenshot(path=str(artifacts / "achievements-logs-phone.png"), full_page=True)
    assert page.js_errors == []


def test_changing_the_date_loads_that_days_log_and_never_saves_over_it(page, personas, artifacts):
    """The reported defect: the heading and text stayed on today and the save replaced 12月1日's log."""
    cadre = personas.cadre
    cadre.records_from = today() - timedelta(days=30)
    cadre.save()
    earlier = last_open_workday(cadre)
    log = DailyLog.objects.create(author=cadre, unit=cadre.unit, day=earlier, text=CHINESE_LOG)
    browser_login(page, cadre.code, PASSWORD)
    page.goto(f"{page.base_url}/achievements/logs/")
    assert page.input_value("#id_text") == ""

    page.fill("#id_day", earlier.isoformat())
    page.wait_for_url(f"**day={earlier.isoformat()}**")
    page.wait_for_load_state("networkidle")
    assert f"{earlier.month}月{earlier.day}日" in page.inner_text("#composer h2")
    assert page.input_value("#id_text") == CHINESE_LOG
    assert page.input_value("#id_version") == log.version
    page.screenshot(path=str(artifacts / "achievements-logs-date-switched.png"), full_page=True)

    page.fill("#id_text", BACKFILL)
    page.click("#log-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert DailyLog.objects.get(pk=log.pk).text == BACKFILL
    assert not DailyLog.objects.filter(author=cadre, day=today()).exists()

    # Typed but unsaved text is only dropped when the cadre says so.
    page.fill("#id_text", BACKFILL + "还没保存的补充。")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.fill("#id_day", today().isoformat())
    page.wait_for_timeout(800)
    assert page.input_value("#id_day") == earlier.isoformat()
    assert page.input_value("#id_text") == BACKFILL + "还没保存的补充。"
    page.once("dialog", lambda dialog: dialog.accept())
    page.fill("#id_day", today().isoformat())
    page.wait_for_url(f"**day={today().isoformat()}**")
    page.wait_for_load_state("networkidle")
    assert page.input_value("#id_text") == ""
    assert DailyLog.objects.get(pk=log.pk).text == BACKFILL
    assert page.js_errors == []
