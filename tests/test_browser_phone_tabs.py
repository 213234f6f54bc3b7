"""On a phone, a row of tabs that does not fit scrolls sideways, and the cut edge fades with an arrow."""

from datetime import date

import pytest

from achievements.models import DailyLog

from .conftest import browser_login
from .factories import CHINESE_LOG, PASSWORD
from .support import today

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def state(page) -> dict:
    return page.eval_on_selector(
        "#archive-years",
        """nav => ({
            overflowX: getComputedStyle(nav).overflowX,
            scrollable: nav.scrollWidth > nav.clientWidth,
            rows: new Set([...nav.children].map(li => li.offsetTop)).size,
            moreStart: nav.classList.contains("scroll-more-start"),
            moreEnd: nav.classList.contains("scroll-more-end"),
            mask: getComputedStyle(nav).maskImage || getComputedStyle(nav).webkitMaskImage,
            next: getComputedStyle(nav.parentElement.querySelector(".scroll-arrow.next")).display,
            prev: getComputedStyle(nav.parentElement.querySelector(".scroll-arrow.prev")).display,
        })""",
    )


def test_year_tabs_scroll_sideways_with_a_hint_on_a_phone(page, personas, artifacts):
    cadre = personas.cadre
    for year in range(today().year - 8, today().year):
        DailyLog.objects.create(author=cadre, unit=cadre.unit, day=date(year, 6, 1), text=CHINESE_LOG)
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(page, cadre.code, PASSWORD)
    page.goto(f"{page.base_url}/achievements/archive/")
    page.wait_for_load_state("networkidle")

    first = state(page)
    assert first["overflowX"] == "auto" and first["scrollable"] and first["rows"] == 1
    assert first["moreEnd"] and not first["moreStart"]  # this year is first and active: more years to the right
    assert "gradient" in first["mask"] and first["next"] == "flex" and first["prev"] == "none"
    page.screenshot(path=str(artifacts / "phone-tabs-start.png"), clip={"x": 0, "y": 0, "width": 390, "height": 260})

    page.click(".scroll-wrap:has(#archive-years) .scroll-arrow.next")  # the arrow scrolls the tabs
    for _ in range(50):
        if state(page)["moreStart"]:
            break
        page.wait_for_timeout(100)
    assert state(page)["moreStart"]
    page.eval_on_selector("#archive-years", "nav => { nav.style.scrollBehavior = 'auto'; nav.scrollLeft = 1e6; }")
    for _ in range(50):
        if not state(page)["moreEnd"]:
            break
        page.wait_for_timeout(100)
    last = state(page)
    assert last["moreStart"] and not last["moreEnd"] and last["prev"] == "flex" and last["next"] == "none"
    page.screenshot(path=str(artifacts / "phone-tabs-end.png"), clip={"x": 0, "y": 0, "width": 390, "height": 260})
    page.click(f"#archive-years >> text={today().year - 8}")
    page.wait_for_load_state("networkidle")
    assert f"/{today().year - 8}/" in page.url
    assert page.js_errors == []

    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    wide = state(page)
    assert not wide["scrollable"] and wide["next"] == "none" and wide["prev"] == "none"
