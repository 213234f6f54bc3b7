"""A year the calendar package lacks: staff enter its 放假安排 at once and confirm it complete; until
then staff are warned and cadres see that their deadline comes from the Monday–Friday fallback."""

from datetime import date, datetime, time

import chinese_calendar
import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from achievements import selectors
from achievements.models import CalendarYearConfirmation, WorkdayOverride
from achievements.rules import SHANGHAI, WorkCalendar, uncovered_years

pytestmark = pytest.mark.django_db
YEAR = max(chinese_calendar.holidays).year + 1  # the first year the package does not know (2027)

HOLIDAYS = f"""{YEAR}-01-01 元旦
{YEAR}-02-06 至 {YEAR}-02-13 春节
{YEAR}/04/05 清明节
{YEAR}-10-01 ~ {YEAR}-10-07 国庆节
"""
WORKDAYS = f"{YEAR}-02-14 春节调休, {YEAR}-02-20 春节调休\n{YEAR}-10-09"


def enter(client, **extra):
    data = {"action": "year", "year": YEAR, "holidays": HOLIDAYS, "workdays": WORKDAYS} | extra
    return client.post(reverse("achievements:workdays"), data)


def test_staff_enter_a_whole_year_at_once_and_confirm_it(client, personas):
    client.force_login(personas.org_staff.user)
    response = enter(client, confirm="on")
    assert response.status_code == 302
    assert WorkdayOverride.objects.filter(day__year=YEAR, is_workday=False).count() == 1 + 8 + 1 + 7
    assert set(WorkdayOverride.objects.filter(is_workday=True).values_list("day", flat=True)) == {
        date(YEAR, 2, 14),
        date(YEAR, 2, 20),
        date(YEAR, 10, 9),
    }
    calendar = WorkCalendar.load()
    assert not calendar.is_workday(date(YEAR, 2, 10)) and calendar.is_workday(date(YEAR, 2, 14))
    assert WorkdayOverride.objects.get(day=date(YEAR, 2, 8)).note == "春节"
    confirmation = CalendarYearConfirmation.objects.get(year=YEAR)
    assert confirmation.confirmed_by == personas.org_staff.user and confirmation.confirmed_at
    assert uncovered_years([YEAR]) == []
    page = client.get(reverse("achievements:workdays"), {"year": YEAR}).content.decode()
    assert 'id="uncovered-warning"' not in page
    assert "该字段是必填项" not in page  # neither form is shown as submitted on a plain visit
    assert "确认录入完整" in page and personas.org_staff.user.username in page
    entry = LogEntry.objects.filter(content_type__model="calendaryearconfirmation").latest("timestamp")
    assert entry.actor == personas.org_staff.user


def test_entering_without_confirming_keeps_the_warning_until_the_confirm_button(client, personas):
    client.force_login(personas.org_staff.user)
    assert enter(client).status_code == 302
    page = client.get(reverse("achievements:workdays"), {"year": YEAR}).content.decode()
    assert 'id="uncovered-warning"' in page and 'id="confirm-year"' in page
    home = client.get(reverse("home")).content.decode()
    assert f"{YEAR} 年的法定节假日尚未确认录入完整" in home

    client.post(reverse("achievements:workdays"), {"action": "confirm", "year": YEAR})
    assert 'id="uncovered-warning"' not in client.get(reverse("achievements:workdays"), {"year": YEAR}).content.decode()
    client.post(reverse("achievements:workdays"), {"action": "unconfirm", "year": YEAR})
    assert uncovered_years([YEAR]) == [YEAR]
    assert LogEntry.objects.filter(
        content_type__model="calendaryearconfirmation", action=LogEntry.Action.DELETE
    ).exists()


def test_a_year_without_any_holiday_cannot_be_confirmed(client, personas):
    client.force_login(personas.org_staff.user)
    page = client.post(reverse("achievements:workdays"), {"action": "confirm", "year": YEAR}, follow=True)
    assert "还没有录入任何放假日期" in page.content.decode()
    assert not CalendarYearConfirmation.objects.exists()


def test_bad_lines_are_named_and_nothing_is_saved_and_the_text_stays(client, personas):
    client.force_login(personas.org_staff.user)
    response = enter(client, holidays=HOLIDAYS + "春节后一天\n", confirm="on")
    text = response.content.decode()
    assert response.status_code == 200
    assert "第 5 行“春节后一天”无法识别" in text
    assert "国庆节" in response.context["year_form"]["holidays"].value()
    overlap = enter(client, workdays=f"{YEAR}-02-08")
    assert "既在放假区间内，又列为调休上班日" in overlap.content.decode()
    other_year = enter(client, workdays=f"{YEAR + 1}-02-08")
    assert f"不在 {YEAR} 年内" in other_year.content.decode()
    assert not WorkdayOverride.objects.exists() and not CalendarYearConfirmation.objects.exists()


def test_only_org_staff_enter_or_confirm(client, personas):
    for persona in (personas.cadre, personas.leader):
        client.force_login(persona.user)
        assert enter(client, confirm="on").status_code == 403
        assert client.post(reverse("achievements:workdays"), {"action": "confirm", "year": YEAR}).status_code == 403
    assert not WorkdayOverride.objects.exists() and not CalendarYearConfirmation.objects.exists()


def test_cadres_see_when_their_deadline_comes_from_the_weekday_fallback(client, personas):
    cadre = personas.cadre
    # Late December: the window of 28 Dec 2026 runs into 2027.
    composer = selectors.log_composer(
        cadre=cadre, day=date(YEAR - 1, 12, 28), now=datetime.combine(date(YEAR - 1, 12, 28), time(9), SHANGHAI)
    )
    assert composer.provisional_years == [YEAR]
    early = selectors.log_composer(cadre=cadre, day=date(YEAR - 1, 12, 1))
    assert early.provisional_years == []

    client.force_login(cadre.user)
    page = client.get(reverse("achievements:my_logs"), {"day": f"{YEAR}-01-04"}).content.decode()
    assert 'id="provisional-calendar"' in page and f"{YEAR} 年的法定节假日和调休安排尚未由组织部确认录入完整" in page
    CalendarYearConfirmation.objects.create(year=YEAR, confirmed_at=datetime.now(SHANGHAI))
    page = client.get(reverse("achievements:my_logs"), {"day": f"{YEAR}-01-04"}).content.decode()
    assert 'id="provisional-calendar"' not in page
