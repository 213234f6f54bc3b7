"""Every page and API endpoint of the evaluations app, for every persona: 200, 302 to login, 403 or 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from evaluations.models import AnnualResult, FollowUp, PeriodKind, SheetAssignment
from evaluations.services import annual, periods

from .evaluation_helpers import close_and_compute, open_period, submit_all
from .test_access import PERSONAS, expect

pytestmark = pytest.mark.django_db

STAFF_ONLY = expect(403, org_staff=200, admin=200)
ANY_CADRE = expect(200, admin=403)


@pytest.fixture
def world(personas):
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


def pages(w):
    q, y = w["quarter"].pk, w["year"].pk
    return [
        ("evaluations:my_sheets", [], ANY_CADRE),
        ("evaluations:sheet_fill", [w["sheet"].pk], expect(404, cadre=200, admin=403)),
        ("evaluations:my_results", [], ANY_CADRE),
        ("evaluations:my_result_detail", [q], ANY_CADRE),
        (
            "evaluations:annual_detail",
            [w["annual_result"].pk],
            expect(404, cadre=200, org_staff=200, admin=200),
        ),
        ("evaluations:rules", [], expect(200)),
        ("evaluations:settings", [], STAFF_ONLY),
        ("evaluations:scope_list", [], STAFF_ONLY),
        ("evaluations:scope_edit", [w["unit"].pk], STAFF_ONLY),
        ("evaluations:period_list", [], STAFF_ONLY),
        ("evaluations:period_detail", [q], STAFF_ONLY),
        ("evaluations:period_detail", [w["draft"].pk], STAFF_ONLY),
        ("evaluations:period_progress", [q], STAFF_ONLY),
        ("evaluations:period_opening_progress", [w["opening"].pk], STAFF_ONLY),
        ("evaluations:completion", [q], STAFF_ONLY),
        ("evaluations:paper_entry", [q], STAFF_ONLY),
        ("evaluations:results", [q], STAFF_ONLY),
        ("evaluations:results_export", [q], STAFF_ONLY),
        ("evaluations:result_detail", [q, w["annual_result"].cadre_id], STAFF_ONLY),
        ("evaluations:quality", [q], STAFF_ONLY),
        ("evaluations:annual_results", [y], STAFF_ONLY),
        ("evaluations:annual_results_export", [y], STAFF_ONLY),
        ("evaluations:unit_scores", [], STAFF_ONLY),
        ("evaluations:use_of_results", [], STAFF_ONLY),
        ("evaluations:follow_up_list", [], STAFF_ONLY),
        ("evaluations:follow_up_detail", [w["follow_up"].pk], STAFF_ONLY),
        # POST-only actions answer 405 to a GET from those allowed, 403 to everyone else.
        ("evaluations:period_remind", [q], expect(403, org_staff=405, admin=405)),
        ("evaluations:grades_confirm", [y], expect(403, org_staff=405, admin=405)),
        ("evaluations:grade_set", [w["annual_result"].pk], expect(403, org_staff=405, admin=405)),
        ("evaluations:period_action", [w["draft"].pk, "open"], expect(403, org_staff=405, admin=405)),
    ]


def test_every_page_per_persona(client, personas, world):
    for name, args, expected in pages(world):
        url = reverse(name, args=args)
        for persona in PERSONAS:
            client.logout()
            user = personas.user(persona)
            if user is not None:
                client.force_login(user)
            response = client.get(url)
            assert response.status_code == expected[persona], f"{persona} GET {url}"
            if persona == "anonymous":
                assert response["Location"].startswith(reverse("login"))


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


@pytest.mark.parametrize(("url", "expected"), API, ids=[a[0] for a in API])
def test_api_per_persona(client, personas, world, url, expected):
    for persona in PERSONAS:
        client.logout()
        user = personas.user(persona)
        if user is not None:
            client.force_login(user)
        assert client.get(url).status_code == expected[persona], f"{persona} GET {url}"


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
