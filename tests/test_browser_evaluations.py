"""Headless Chromium: a quarter from opening to a cadre reading how their score was computed."""

from __future__ import annotations

import pytest

from evaluations.models import Period, PeriodState, QuarterlyResult, SheetAssignment

from .conftest import browser_login
from .factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_sheet(page, values: list[int]) -> None:
    inputs = page.locator("input.score-input")
    assert inputs.count() == len(values)
    for index, value in enumerate(values):
        inputs.nth(index).fill(str(value))


def test_quarter_from_opening_to_the_cadres_explanation(page, personas, artifacts):
    page.on("dialog", lambda dialog: dialog.accept())
    staff = personas.org_staff.code

    # Org staff create and open a quarter.
    browser_login(page, staff, PASSWORD)
    page.click("text=考实绩")
    page.click("a.dropdown-item:has-text('考核周期')")
    page.select_option("#id_kind", "quarterly")
    page.select_option("#id_year", "2026")
    page.select_option("#id_quarter", "1")
    page.click("button:has-text('新建')")
    page.wait_for_selector("#opening-check")
    page.click("#period-actions button:has-text('开始测评')")
    # The opening runs as a background job; the card polls (htmx) until it reports the sheets.
    page.wait_for_selector("text=正在后台开始测评")
    page.wait_for_selector("#opening-status[data-status='succeeded']", timeout=60000)
    assert "已生成测评表" in page.inner_text("#opening-status")
    period = Period.objects.get(year=2026, quarter=1)
    assert period.state == PeriodState.OPEN
    page.screenshot(path=str(artifacts / "evaluations-period-open.png"), full_page=True)

    # Three raters of 区教师发展中心 submit; the first tries too many high scores.
    raters = [personas.cadre, personas.colleague, personas.team_member]
    receipts: dict[str, str] = {}
    for number, rater in enumerate(raters):
        page.context.clear_cookies()
        browser_login(page, rater.code, PASSWORD)
        page.goto(f"{page.base_url}/evaluations/sheets/")
        sheet = SheetAssignment.objects.get(period=period, rater=rater, unit=personas.unit)
        page.click(f"a[href='/evaluations/sheets/{sheet.pk}/']")
        page.wait_for_selector("#sheet-form")
        if number == 0:
            page.set_viewport_size({"width": 390, "height": 844})
            fill_sheet(page, [95, 92, 80])
            # The live counter: 3 ratees allow one score of 90 or more, two were given.
            assert page.inner_text("[data-band-left]") == "0"
            assert "已超出 1 个" in page.inner_text("[data-band-over]")
            page.screenshot(path=str(artifacts / "evaluations-ballot-over-band-phone.png"), full_page=True)
            page.click("button[name=submit]")
            page.wait_for_selector("#sheet-problems")
            assert "强制分档" in page.inner_text("#sheet-problems")
            assert page.input_value("input.score-input >> nth=0") == "95"  # what was typed is kept
            page.screenshot(path=str(artifacts / "evaluations-ballot-refused-phone.png"), full_page=True)
            fill_sheet(page, [95, 85, 80])
            assert page.inner_text("[data-band-left]") == "0" and not page.is_visible("[data-band-over]")
            page.set_viewport_size({"width": 1280, "height": 900})
        else:
            fill_sheet(page, [88 - number, 84, 79 + number])
        page.click("button[name=submit]")
        page.wait_for_selector("#receipt")
        receipts[rater.code] = page.inner_text("#receipt")
        assert "感谢参与" in page.inner_text("#receipt-card")
        if number == 0:
            page.set_viewport_size({"width": 390, "height": 844})
            page.screenshot(path=str(artifacts / "evaluations-ballot-receipt-phone.png"), full_page=True)
            page.set_viewport_size({"width": 1280, "height": 900})
        page.click("a:has-text('返回我的测评表')")
        assert "已提交" in page.inner_text("#open-sheets")

    # Staff close the period; the computation runs and the results appear.
    page.context.clear_cookies()
    browser_login(page, staff, PASSWORD)
    page.goto(f"{page.base_url}/evaluations/periods/{period.pk}/")
    page.click("#period-actions button:has-text('截止测评并计算')")
    page.wait_for_selector("#run-status[data-status=succeeded]")
    assert "计算完成" in page.inner_text("#run-status")
    page.click("#period-tabs a:has-text('结果与排名')")
    page.wait_for_selector("#result-table")
    page.wait_for_function("document.querySelector('canvas[data-chart=distribution]').width > 0")
    page.screenshot(path=str(artifacts / "evaluations-results.png"), full_page=True)
    page.click("#period-tabs a:has-text('概况')")
    page.click("#period-actions button:has-text('公布结果')")
    page.wait_for_selector("text=的结果已公布")

    # The cadre reads their result and how it was computed.
    page.context.clear_cookies()
    browser_login(page, personas.cadre.code, PASSWORD)
    page.goto(f"{page.base_url}/evaluations/my/")
    page.click("#my-quarterly a:has-text('怎样算出来的')")
    page.wait_for_selector("#final-score")
    own = QuarterlyResult.objects.get(period=period, cadre=personas.cadre)
    assert page.inner_text("#final-score") == str(own.score)
    text = page.inner_text("main")
    assert "领导主评" in text and "实际占比" in text and "缺记扣分" in text
    page.screenshot(path=str(artifacts / "evaluations-explanation.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts / "evaluations-explanation-phone.png"), full_page=True)

    # The box is open: the cadre finds their receipt (typed in lower case, without dashes) in the list.
    page.goto(f"{page.base_url}/evaluations/sheets/")
    page.click("a:has-text('核对回执')")
    page.wait_for_selector("#receipt-list")
    listed = page.inner_text("#receipt-list").split()
    assert sorted(receipts.values()) == sorted(r for r in listed if r in receipts.values())
    assert listed == sorted(listed)
    page.fill("#id_code", receipts[personas.cadre.code].replace("-", "").lower())
    page.click("#receipt-check button")
    page.wait_for_selector(".alert-success")
    assert "已计入" in page.inner_text(".alert-success")
    page.screenshot(path=str(artifacts / "evaluations-receipts-phone.png"), full_page=True)
    assert page.js_errors == []
