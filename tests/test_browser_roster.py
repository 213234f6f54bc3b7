"""Headless Chromium: org staff import a roster through the browser and see the cadres."""

import pytest

from .conftest import browser_login
from .factories import PASSWORD
from .roster_files import row, valid_rows, xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_imports_roster_in_the_browser(page, personas, tmp_path, artifacts):
    roster = tmp_path / "青山区花名册.xlsx"
    roster.write_bytes(xlsx(valid_rows()))
    browser_login(page, personas.org_staff.code, PASSWORD)

    page.click("text=干部管理")
    page.click("text=花名册导入")
    page.set_input_files("#id_file", str(roster))
    page.click("text=上传并导入")
    page.wait_for_selector("text=导入成功")
    assert "新增 5 人" in page.inner_text("#import-status")
    page.screenshot(path=str(artifacts / "roster-import-success.png"), full_page=True)

    page.click("text=查看干部名册")
    page.fill("#id_q", "FG")
    page.click("button:has-text('筛选')")
    table = page.inner_text("#cadre-table")
    for name in ("钱局长", "孙副局长", "李科员"):
        assert name in table
    page.screenshot(path=str(artifacts / "roster-cadre-list.png"), full_page=True)
    assert page.js_errors == []


def test_bad_roster_shows_every_error_in_the_browser(page, personas, tmp_path, artifacts):
    roster = tmp_path / "bad.xlsx"
    roster.write_bytes(xlsx([*valid_rows(), row("X1", birth="1980-02-31"), row("X2", category="开发区")]))
    browser_login(page, personas.org_staff.code, PASSWORD)
    page.goto(f"{page.base_url}/roster/import/")
    page.set_input_files("#id_file", str(roster))
    page.click("text=上传并导入")
    page.wait_for_selector("#import-errors")
    rows = page.inner_text("#import-errors")
    assert "7\t出生日期" in rows and "8\t单位类别" in rows
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts / "roster-import-errors-phone.png"), full_page=True)
    assert page.js_errors == []
