"""The month calendar fills the first and last week with the adjacent months' days, greyed but legible."""

import calendar
from datetime import date, timedelta

import pytest

from .conftest import browser_login
from .factories import PASSWORD
from .support import today

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CELLS = """cells => cells.map(cell => {
    const style = getComputedStyle(cell);
    let opacity = 1;
    for (let el = cell; el; el = el.parentElement) opacity *= parseFloat(getComputedStyle(el).opacity);
    return {
        num: cell.querySelector(".num").textContent.trim(),
        out: cell.classList.contains("out"),
        opacity: opacity,
        color: getComputedStyle(cell.querySelector(".num")).color,
        background: style.backgroundColor,
        tag: cell.querySelector(".tag").textContent.trim(),
    };
})"""


def luminance(rgb: str) -> float:
    r, g, b = (int(v) for v in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3])
    return (0.299 * r + 0.587 * g + 0.114 * b) / 255


def test_adjacent_months_days_are_filled_in_grey(page, personas, artifacts):
    cadre = personas.cadre
    cadre.records_from = today() - timedelta(days=90)
    cadre.save()
    # A month whose grid starts and ends with other months' days, shown as this month (next days are future).
    year, month = today().year, today().month
    weeks = calendar.Calendar().monthdatescalendar(year, month)
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(page, cadre.code, PASSWORD)
    page.goto(f"{page.base_url}/achievements/logs/?month={year}-{month}")
    page.wait_for_load_state("networkidle")
    cells = page.eval_on_selector_all("#log-calendar .cal-day", CELLS)
    days = [d for week in weeks for d in week]
    assert [c["num"] for c in cells] == [str(d.day) for d in days]
    outside = [(d, c) for d, c in zip(days, cells, strict=True) if d.month != month]
    inside = [c for d, c in zip(days, cells, strict=True) if d.month == month]
    for day, cell in outside:
        assert cell["out"], day
        assert cell["opacity"] == 1 and luminance(cell["color"]) < 0.7, (day, cell)  # legible, not blank
        assert luminance(cell["color"]) > luminance(inside[0]["color"]), (day, cell)  # but greyer than this month's
        assert cell["background"] == "rgb(241, 241, 239)", (day, cell)
        if day.day == 1:
            assert cell["tag"] == f"{day.month}月", (day, cell)
    page.locator("#log-calendar").screenshot(path=str(artifacts / "calendar-adjacent-days.png"))
    assert page.js_errors == []


def test_a_month_with_days_of_the_next_month_shows_them(page, personas, artifacts):
    """Viewing last month from the log page: its last week carries this month's first days."""
    cadre = personas.cadre
    cadre.records_from = today() - timedelta(days=90)
    cadre.save()
    last = (today().replace(day=1) - timedelta(days=1)).replace(day=1)
    trailing = [d for d in calendar.Calendar().monthdatescalendar(last.year, last.month)[-1] if d.month != last.month]
    browser_login(page, cadre.code, PASSWORD)
    page.goto(f"{page.base_url}/achievements/logs/?month={last.year}-{last.month}")
    page.wait_for_load_state("networkidle")
    cells = page.eval_on_selector_all("#log-calendar tbody tr:last-child .cal-day", CELLS)
    shown = [c for c in cells if c["out"]]
    assert [c["num"] for c in shown] == [str(d.day) for d in trailing]
    assert all(c["opacity"] == 1 for c in shown)
    if trailing:
        assert shown[0]["tag"] == f"{trailing[0].month}月" and trailing[0] == date(today().year, today().month, 1)
