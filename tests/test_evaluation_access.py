"""Every page and API endpoint of the evaluations app, for every persona: 200, 302 to login, 403 or 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from evaluations.models import AnnualResult, FollowUp, PeriodKind, SheetAssignment
from evaluations.services import annual, periods

from .factories import close_and_compute, open_period, submit_all
from .personas import check_get, copy_of, expect, matrix

pytestmark = pytest.mark.django_db

STAFF_ONLY = expect(403, org_staff=200, admin=200)
ANY_CADRE = expect(200, admin=403)


@pytest.fixture
def personas(shared_personas):
    return copy_of(shared_personas)


@pytest.fixture(scope="module")
def shared_world(shared_personas, shared):
    """Periods in each state, results and a follow-up: computed once for the module."""
    yield from shared(lambda: build_world(shared_personas))


@pytest.fixture
def world(shared_world):
    return copy_of(shared_world)


def build_world(personas):
    quarter = open_period()
    # The cadre comes last in the unit, so the year has a follow-up (a unit all tied has no last place).
    submit_all(quarter, lambda rater, ratee: 70 if ratee.pk == personas.cadre.pk else 80)
    close_and_compute(quarter)
    periods.period_publish(period=quarter)
    year = open_period(2026, None, kind=PeriodKind.ANNUAL)
    close_and_compute(year)
    annual.grades_confirm(period=year, actor=personas.org_staff.user)
    periods.period_publish(period=year)
    draft = periods.period_create(kind="quarterly", year=2026, quarter=4)
    open_q2 = open_period(2026, 2)
    opening = periods.period_create(kind="quarterly", year=2026, quarter=3)
    periods.period_open_request(period=opening, actor=personas.org_staff.user)  # queued, never run here
    return {
        "opening": opening,
        "quarter": quarter,
        "year": year,
        "draft": draft,
        "sheet": SheetAssignment.objects.get(period=open_q2, rater=personas.cadre, unit=personas.unit),
        "annual_result": AnnualResult.objects.get(year=2026, cadre=personas.cadre),
        "follow_up": FollowUp.objects.filter(year=2026).first(),
        "unit": personas.unit,
    }


# (row id, (url name, args from the world), expected status per persona)
PAGES = [
    ("my_sheets", ("evaluations:my_sheets", lambda w: []), ANY_CADRE),
    ("sheet_fill", ("evaluations:sheet_fill", lambda w: [w["sheet"].pk]), expect(404, cadre=200, admin=403)),
    ("my_results", ("evaluations:my_results", lambda w: []), ANY_CADRE),
    ("my_result_detail", ("evaluations:my_result_detail", lambda w: [w["quarter"].pk]), ANY_CADRE),
    (
        "annual_detail",
        ("evaluations:annual_detail", lambda w: [w["annual_result"].pk]),
        expect(404, cadre=200, org_staff=200, admin=200),
    ),
    ("rules", ("evaluations:rules", lambda w: []), expect(200)),
    ("settings", ("evaluations:settings", lambda w: []), STAFF_ONLY),
    ("scope_list", ("evaluations:scope_list", lambda w: []), STAFF_ONLY),
    ("scope_edit", ("evaluations:scope_edit", lambda w: [w["unit"].pk]), STAFF_ONLY),
    ("period_list", ("evaluations:period_list", lambda w: []), STAFF_ONLY),
    ("period_detail", ("evaluations:period_detail", lambda w: [w["quarter"].pk]), STAFF_ONLY),
    ("period_detail:draft", ("evaluations:period_detail", lambda w: [w["draft"].pk]), STAFF_ONLY),
    ("period_progress", ("evaluations:period_progress", lambda w: [w["quarter"].pk]), STAFF_ONLY),
    ("period_opening_progress", ("evaluations:period_opening_progress", lambda w: [w["opening"].pk]), STAFF_ONLY),
    ("completion", ("evaluations:completion", lambda w: [w["quarter"].pk]), STAFF_ONLY),
    ("paper_entry", ("evaluations:paper_entry", lambda w: [w["quarter"].pk]), STAFF_ONLY),
    ("results", ("evaluations:results", lambda w: [w["quarter"].pk]), STAFF_ONLY),
    ("results_export", ("evaluations:results_export", lambda w: [w["quarter"].pk]), STAFF_ONLY),
    (
        "result_detail",
        ("evaluations:result_detail", lambda w: [w["quarter"].pk, w["annual_result"].cadre_id]),
        STAFF_ONLY,
    ),
    ("quality", ("evaluations:quality", lambda w: [w["quarter"].pk]), STAFF_ONLY),
    ("annual_results", ("evaluations:annual_results", lambda w: [w["year"].pk]), STAFF_ONLY),
    ("annual_results_export", ("evaluations:annual_results_export", lambda w: [w["year"].pk]), STAFF_ONLY),
    ("unit_scores", ("evaluations:unit_scores", lambda w: []), STAFF_ONLY),
    ("use_of_results", ("evaluations:use_of_results", lambda w: []), STAFF_ONLY),
    ("follow_up_list", ("evaluations:follow_up_list", lambda w: []), STAFF_ONLY),
    ("follow_up_detail", ("evaluations:follow_up_detail", lambda w: [w["follow_up"].pk]), STAFF_ONLY),
    # POST-only actions answer 405 to a GET from those allowed, 403 to everyone else.
    (
        "period_remind",
        ("evaluations:period_remind", lambda w: [w["quarter"].pk]),
        expect(403, org_staff=405, admin=405),
    ),
    ("grades_confirm", ("evaluations:grades_confirm", lambda w: [w["year"].pk]), expect(403, org_staff=405, admin=405)),
    (
        "grade_set",
        ("evaluations:grade_set", lambda w: [w["annual_result"].pk]),
        expect(403, org_staff=405, admin=405),
    ),
    (
        "period_action",
        ("evaluations:period_action", lambda w: [w["draft"].pk, "open"]),
        expect(403, org_staff=405, admin=405),
    ),
]


@pytest.mark.parametrize(("persona", "page", "expected"), matrix(PAGES))
def test_every_page_per_persona(client, personas, world, persona, page, expected):
    name, args = page
    check_get(client, personas, persona, reverse(name, args=args(world)), expected)


def test_post_actions_are_refused_to_everyone_but_org_staff(client, personas, world):
    url = reverse("evaluations:period_action", args=[world["draft"].pk, "open"])
    for persona in ("cadre", "leader", "superior_leader", "stranger"):
        client.force_login(personas.user(persona))
        assert client.post(url).status_code == 403
    world["draft"].refresh_from_db()
    assert world["draft"].state == "draft"
    client.force_login(personas.org_staff.user)
    assert client.post(url).status_code == 302


API = [
    ("/api/evaluations/periods/", expect(403, anonymous=403, org_staff=200, admin=200)),
    ("/api/evaluations/my-sheets/", expect(200, anonymous=403, admin=403)),
    ("/api/evaluations/my-results/", expect(200, anonymous=403, admin=403)),
    ("/api/evaluations/annual-results/", expect(200, anonymous=403)),
]


@pytest.mark.parametrize(("persona", "url", "expected"), matrix((url, url, e) for url, e in API))
def test_api_per_persona(client, personas, world, persona, url, expected):
    check_get(client, personas, persona, url, expected)


def test_api_detail_endpoints_follow_the_same_scope(client, personas, world):
    q = world["quarter"].pk
    staff_urls = [f"/api/evaluations/periods/{q}/", f"/api/evaluations/periods/{q}/results/"]
    staff_urls.append(f"/api/evaluations/periods/{q}/completion/")
    for url in staff_urls:
        client.force_login(personas.cadre.user)
        assert client.get(url).status_code == 403, url
        client.force_login(personas.org_staff.user)
        assert client.get(url).status_code == 200, url
    sheet = world["sheet"].pk
    client.force_login(personas.colleague.user)
    assert client.get(f"/api/evaluations/my-sheets/{sheet}/lines/").status_code == 404
    client.force_login(personas.cadre.user)
    assert client.get(f"/api/evaluations/my-sheets/{sheet}/lines/").status_code == 200
    mine = client.get("/api/evaluations/annual-results/").json()["results"]
    assert {r["cadre_code"] for r in mine} == {personas.cadre.code}
