"""Headless Chromium: the results page's unit tree (htmx under the strict CSP) and a phone-sized view."""

from __future__ import annotations

import pytest

from cadres.models import Unit

from .conftest import browser_login
from .factories import PASSWORD, close_and_compute, make_team, open_period, submit_all

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_unit_tree_loads_children_and_a_click_filters_the_results(page, personas, artifacts):
    county = Unit.objects.create(name="树形县", category="township")
    town = make_team("树形县甲镇", staff=2, parent=county)
    make_team("树形县乙镇", staff=2, parent=county)
    make_team("别处镇", staff=2)
    period = open_period()
    submit_all(period, lambda rater, ratee: 78)
    close_and_compute(period)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    browser_login(page, personas.org_staff.code, PASSWORD)
    page.goto(f"{page.base_url}/evaluations/periods/{period.pk}/results/")
    assert page.locator("#result-filter select[name=unit]").count() == 0
    page.click("#unit-picker summary:has-text('按层级选择单位')")
    page.wait_for_selector("#unit-picker button[name=unit]:has-text('树形县')")
    page.click("#unit-picker details summary:has(button:has-text('树形县'))", position={"x": 2, "y": 8})
    page.wait_for_selector("#unit-picker button[name=unit]:has-text('树形县甲镇')")
    page.screenshot(path=str(artifacts / "results-unit-tree.png"), full_page=True)
    page.click("#unit-picker button[name=unit]:has-text('树形县甲镇')")
    page.wait_for_selector("#selected-unit")
    assert "树形县甲镇" in page.inner_text("#selected-unit")
    units = set(page.locator("#result-table td[data-label='单位']").all_inner_texts())
    assert units == {"树形县甲镇"} and town.unit.pk

    # Typing part of a name lists matching units at once (htmx), each a filter button.
    page.fill("#id_unit_name", "乙镇")
    page.wait_for_selector("#unit-picker-list button[name=unit]:has-text('树形县乙镇')")
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts / "results-unit-search-phone.png"), full_page=True)
    assert not [e for e in errors if "Content Security Policy" in e], errors
