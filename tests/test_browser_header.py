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
