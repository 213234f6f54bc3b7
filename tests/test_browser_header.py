"""Headless Chromium: the reminder bell is in sight on a phone, not only inside the folded menu."""

import pytest

from core.notifications import notify

from .conftest import browser_login
from .factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_phone_header_shows_the_unread_count_without_opening_the_menu(page, personas, artifacts):
    cadre = personas.cadre
    notify(recipients=[cadre.user], title="今天的工作日志还没有填写", url="/achievements/logs/", dedupe_key="a")
    notify(recipients=[cadre.user], title="11月30日的日志明天停止补记", url="/achievements/logs/", dedupe_key="b")

    page.set_viewport_size({"width": 360, "height": 740})
    browser_login(page, cadre.code, PASSWORD)
    assert not page.is_visible("#mainnav")  # the menu is folded
    bell = page.locator("#notification-bell-compact")
    assert bell.is_visible()
    assert bell.inner_text().strip() == "2"
    bell_box, toggler_box = bell.bounding_box(), page.locator(".navbar-toggler").bounding_box()
    assert abs(bell_box["y"] + bell_box["height"] / 2 - toggler_box["y"] - toggler_box["height"] / 2) < 8  # one row
    page.screenshot(path=str(artifacts / "header-phone-bell.png"))
    bell.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/notifications/")

    page.set_viewport_size({"width": 1280, "height": 900})
    assert not page.is_visible("#notification-bell-compact")  # the desktop header has its own bell
    assert page.is_visible("#notification-bell")
    assert page.js_errors == []


@pytest.mark.parametrize("width", [1200, 1280, 1440])
def test_wide_header_keeps_every_menu_entry_on_one_line(page, personas, artifacts, width):
    """Org staff have the fullest menu: on a desktop it stays one row, and no entry wraps."""
    page.set_viewport_size({"width": width, "height": 800})
    browser_login(page, personas.org_staff.code, PASSWORD)
    assert page.is_visible("#mainnav")
    entries = page.locator("#mainnav > ul > li > a.nav-link")
    assert entries.count() >= 8
    boxes = [entries.nth(i).bounding_box() for i in range(entries.count())]
    line = page.evaluate("parseFloat(getComputedStyle(document.querySelector('#mainnav .nav-link')).lineHeight)")
    assert all(box["height"] < 2 * line for box in boxes), boxes  # one line each
    middles = {round(box["y"] + box["height"] / 2) for box in boxes}
    assert max(middles) - min(middles) < 8, boxes  # one row
    brand = page.locator(".navbar-brand")
    assert brand.get_attribute("title") == "干部实绩考核评价系统"
    assert page.locator(".navbar-brand img").get_attribute("alt") == "干部实绩考核评价系统"
    page.screenshot(path=str(artifacts / f"header-org-staff-{width}.png"))
    assert page.js_errors == []
