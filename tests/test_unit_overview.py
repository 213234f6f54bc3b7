"""The unit overview of missing logs and deductions: who may open it, what each row says, and a
constant number of queries however many cadres the unit has."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from achievements import rules
from achievements.deductions import deduction_report
from achievements.models import DailyLog, LeavePeriod
from cadres.models import Cadre

from .factories import CHINESE_LOG, CadreFactory
from .support import closed_day, today

pytestmark = pytest.mark.django_db

URL = reverse("achievements:unit_overview")


def overview(client, **params):
    return client.get(URL, params)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("cadre", 404),
        ("colleague", 404),
        ("stranger", 404),
        ("leader", 200),
        ("team_member", 200),
        ("superior_leader", 200),
        ("org_staff", 200),
        ("admin", 200),
    ],
)
def test_unit_overview_is_for_the_units_leaders_leaders_above_and_org_staff(client, personas, persona, status):
    client.force_login(personas.user(persona))
    response = overview(client, unit=personas.unit.pk)
    assert response.status_code == status
    if status == 200:
        assert personas.cadre.name in response.content.decode()


def test_anonymous_users_go_to_the_login_page(client, personas):
    response = overview(client, unit=personas.unit.pk)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["leader", "team_member", "superior_leader"])
def test_leaders_get_404_for_a_unit_they_do_not_lead(client, personas, persona):
    client.force_login(personas.user(persona))
    assert overview(client, unit=personas.other_unit.pk).status_code == 404
    assert overview(client, unit=personas.org_unit.pk).status_code == 404


def test_a_leader_of_the_unit_below_cannot_overview_the_unit_above(client, personas):
    client.force_login(personas.leader.user)
    assert overview(client, unit=personas.superior_unit.pk).status_code == 404
    page = overview(client).content.decode()  # the default is the leader's own unit
    assert personas.cadre.name in page and personas.superior_leader.name not in page


def row_of(page: str, code: str) -> list[str]:
    row = page.split(f'data-cadre="{code}"', 1)[1].split("</tr>", 1)[0]
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_each_row_gives_missing_open_and_leave_days_and_points_and_links_to_the_detail(client, personas):
    year = closed_day().year
    cadre = personas.cadre
    Cadre.objects.filter(pk=cadre.pk).update(records_from=date(year, 1, 1))
    workday = rules.WorkCalendar.load(closed_day() - timedelta(days=20), closed_day()).workdays(
        closed_day() - timedelta(days=20), closed_day()
    )
    LeavePeriod.objects.create(cadre=cadre, start=workday[0], end=workday[1])
    DailyLog.objects.create(author=cadre, unit=cadre.unit, day=workday[-1], text=CHINESE_LOG)
    cadre.refresh_from_db()
    report = deduction_report(cadre=cadre, year=year)
    assert report.missing_day_count > 0 and len(report.leave_days) == 2

    client.force_login(personas.leader.user)
    page = overview(client, unit=personas.unit.pk, year=year, quarter="year").content.decode()
    cells = row_of(page, cadre.code)
    assert cells[1:4] == [str(report.missing_day_count), str(len(report.open_days)), "2"]
    assert cells[5] == f"{report.quarterly_deduction:.2f}"
    detail = reverse("achievements:cadre_deductions", args=[cadre.pk])
    link = f'href="{detail}?year={year}&amp;quarter=year"'
    assert link in page
    assert client.get(f"{detail}?year={year}&quarter=year").status_code == 200
    assert row_of(page, personas.colleague.code)[1] == "0"  # records start today: nothing missing yet


def test_org_staff_choose_any_unit(client, personas):
    client.force_login(personas.org_staff.user)
    page = overview(client, unit=personas.other_unit.pk).content.decode()
    assert personas.stranger.name in page and personas.cadre.name not in page


def test_the_leaders_menu_links_to_the_overview(client, personas):
    client.force_login(personas.leader.user)
    assert f'href="{URL}"' in client.get(reverse("home")).content.decode()
    client.force_login(personas.cadre.user)
    assert f'href="{URL}"' not in client.get(reverse("home")).content.decode()


def add_cadres(unit, count: int) -> None:
    days = [today() - timedelta(days=n) for n in range(1, 30)]
    for _ in range(count):
        cadre = CadreFactory(unit=unit, records_from=today() - timedelta(days=60))
        DailyLog.objects.bulk_create(DailyLog(author=cadre, unit=unit, day=day, text=CHINESE_LOG) for day in days[::3])
        LeavePeriod.objects.create(cadre=cadre, start=days[-1], end=days[-2] + timedelta(days=1))


def test_unit_overview_costs_a_constant_number_of_queries(client, personas):
    client.force_login(personas.leader.user)
    client.get(reverse("home"))  # the header's unread count is cached from the first page on
    add_cadres(personas.unit, 1)
    with CaptureQueriesContext(connection) as quiet:
        assert overview(client, unit=personas.unit.pk, quarter="year").status_code == 200
    add_cadres(personas.unit, 12)
    with CaptureQueriesContext(connection) as busy:
        response = overview(client, unit=personas.unit.pk, quarter="year")
    assert response.content.decode().count("data-cadre=") == Cadre.objects.filter(unit=personas.unit).count()
    assert len(busy) == len(quiet), "\n".join(q["sql"][:120] for q in busy.captured_queries)
