"""Numbers too big for the database in URLs and parameters answer 404 or 400 (or are ignored), never 500."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.urls.converters import IntConverter

from core.ids import DatabaseIdConverter

pytestmark = pytest.mark.django_db
HUGE = "99999999999999999999"

PATHS = [
    # cadres
    f"/cadres/{HUGE}/",
    f"/cadres/{HUGE}/edit/",
    f"/cadres/{HUGE}/photo/",
    f"/notifications/{HUGE}/",
    f"/units/{HUGE}/edit/",
    f"/roster/import/{HUGE}/",
    # achievements
    f"/achievements/records/{HUGE}/",
    f"/achievements/attachments/{HUGE}/",
    f"/achievements/assessments/{HUGE}/",
    f"/achievements/cadres/{HUGE}/deductions/",
    f"/achievements/cadres/{HUGE}/archive/2026/",
    f"/achievements/cadres/{HUGE}/dossier.pdf",
    f"/achievements/exports/{HUGE}/",
    f"/achievements/rules/{HUGE}/edit/",
    # evaluations
    f"/evaluations/periods/{HUGE}/",
    f"/evaluations/periods/{HUGE}/results/",
    f"/evaluations/periods/{HUGE}/quality/",
    f"/evaluations/periods/{HUGE}/open/",
    f"/evaluations/sheets/{HUGE}/",
    f"/evaluations/my/{HUGE}/",
    f"/evaluations/annual/{HUGE}/",
    f"/evaluations/scopes/{HUGE}/",
    f"/evaluations/follow-ups/{HUGE}/",
    # publicity
    f"/publicity/{HUGE}/",
    f"/publicity/{HUGE}/edit/",
    f"/publicity/{HUGE}/publish/preview/",
    f"/publicity/feedback/{HUGE}/",
    # API
    f"/api/cadres/{HUGE}/",
    f"/api/units/{HUGE}/",
    f"/api/achievements/{HUGE}/",
    f"/api/daily-logs/{HUGE}/",
    f"/api/summaries/{HUGE}/",
    f"/api/evaluations/periods/{HUGE}/",
    f"/api/evaluations/my-sheets/{HUGE}/",
    f"/api/evaluations/my-results/{HUGE}/",
    f"/api/evaluations/annual-results/{HUGE}/",
    f"/api/publicity/notices/{HUGE}/",
    f"/api/publicity/feedback/{HUGE}/",
]

QUERIES = [
    f"/achievements/cadres/1/archive/{HUGE}/",
    f"/achievements/summaries/{HUGE}/q1/",
    f"/achievements/summaries/2026/q{HUGE}/",
    f"/achievements/summaries/{HUGE}/annual/",
    f"/cadres/?unit={HUGE}",
    f"/cadres/?rank={HUGE}",
    f"/cadres/?page={HUGE}",
    f"/audit/?year={HUGE}",
    f"/messaging/deliveries/?page={HUGE}&channel={HUGE}&status={HUGE}&q={HUGE}",
    f"/age-alerts/?year={HUGE}",
    f"/achievements/feed/?unit={HUGE}&author={HUGE}",
    f"/achievements/verification/?unit={HUGE}&category={HUGE}&year={HUGE}",
    f"/achievements/exports/?unit={HUGE}",
    f"/achievements/summaries/?year={HUGE}",
    f"/achievements/deductions/?year={HUGE}",
    f"/achievements/workdays/?year={HUGE}",
    f"/evaluations/periods/?year={HUGE}",
    f"/evaluations/unit-scores/?year={HUGE}",
    f"/evaluations/use/?year={HUGE}&unit={HUGE}",
    f"/evaluations/follow-ups/?year={HUGE}",
    f"/evaluations/rules/?year={HUGE}",
    f"/evaluations/settings/?year={HUGE}",
    f"/api/cadres/?unit={HUGE}",
    f"/api/cadres/?rank={HUGE}",
    f"/api/daily-logs/?author={HUGE}",
    f"/api/achievements/?cadre={HUGE}&category={HUGE}",
    f"/api/evaluations/periods/?year={HUGE}",
    f"/api/evaluations/annual-results/?year={HUGE}&unit={HUGE}",
    f"/publicity/?page={HUGE}",
    f"/publicity/new/?cadre={HUGE}",
    f"/publicity/feedback/?notice={HUGE}&page={HUGE}",
    f"/notices/archive/?page={HUGE}",
    f"/api/publicity/notices/?cadre={HUGE}",
    f"/api/publicity/feedback/?notice={HUGE}",
]


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["org_staff", "admin", "cadre"])
def test_huge_ids_in_paths_answer_404(personas, who):
    client = _client(personas.user(who))
    answers = {url: client.get(url).status_code for url in PATHS}
    assert {url: code for url, code in answers.items() if code != 404} == {}


@pytest.mark.parametrize("who", ["org_staff", "cadre"])
def test_huge_numbers_in_query_parameters_are_refused_or_ignored(personas, who):
    client = _client(personas.user(who))
    answers = {url: client.get(url).status_code for url in QUERIES}
    assert {url: code for url, code in answers.items() if code not in (200, 400, 403, 404)} == {}


def test_huge_ids_in_posted_forms_are_field_errors(client, personas):
    client.force_login(personas.org_staff.user)
    response = client.post("/evaluations/unit-scores/?year=2026", {"save": "1", "one-unit": HUGE, "one-score": "90"})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    response = client.post("/api/cadres/", {"unit": HUGE, "rank": HUGE, "name": "x"}, content_type="application/json")
    assert response.status_code == 400


def test_every_id_in_the_apps_urls_uses_the_database_id_converter():
    """<int:…> would accept a number no database column can hold; <dbid:…> stops it at 18 digits."""
    offenders, ids = [], 0
    for namespace in ("cadres", "messaging", "achievements", "evaluations", "publicity"):
        resolver = next(
            r for r in get_resolver().url_patterns if isinstance(r, URLResolver) and r.namespace == namespace
        )
        for pattern in resolver.url_patterns:
            for name, converter in pattern.pattern.converters.items():
                if isinstance(converter, IntConverter) and name not in ("year", "quarter"):
                    offenders.append(f"{namespace}:{pattern.name} <{name}>")
                ids += isinstance(converter, DatabaseIdConverter)
    assert offenders == [] and ids > 40


def test_shared_lookup_turns_numbers_no_column_holds_into_404(personas):
    from django.http import Http404

    from cadres.access import get_object_or_404_in
    from cadres.models import Cadre

    for bad in (float("inf"), "x", None):  # int(inf) is an OverflowError, whatever the database
        with pytest.raises(Http404):
            get_object_or_404_in(Cadre.objects.all(), pk=bad)
    assert get_object_or_404_in(Cadre.objects.all(), pk=str(personas.cadre.pk)) == personas.cadre


def test_id_parameters_beyond_18_digits_count_as_absent():
    from achievements.views._common import parse_int
    from core.ids import parse_id

    assert [parse_id(v) for v in ("12", " 7 ", "0", "-3", "1e3", HUGE, "9" * 18, None)] == [
        12, 7, None, None, None, None, 10**18 - 1, None,
    ]  # fmt: skip
    assert parse_int(HUGE, 5) == 5 and parse_int(f"-{HUGE}") is None and parse_int("42") == 42


def test_period_pages_ignore_a_huge_unit_parameter(client, personas):
    from .factories import make_team, open_period

    team = make_team("参数镇")
    period = open_period()
    client.force_login(personas.org_staff.user)
    for name in ("completion", "paper_entry"):
        response = client.get(f"/evaluations/periods/{period.pk}/{name.replace('_entry', '')}/?unit={HUGE}")
        assert response.status_code in (200, 404), name
    response = client.get(f"/evaluations/periods/{period.pk}/completion/?unit={team.unit.pk}")
    assert response.status_code == 200 and team["S1"].name in response.content.decode()


def test_api_results_ignore_unit_and_rank_parameters_that_are_not_ids(client, personas):
    from evaluations.services import periods

    from .factories import close_and_compute, make_team, open_period, submit_all

    team = make_team("接口镇", staff=3)
    period = open_period()
    submit_all(period, lambda rater, ratee: 80)
    close_and_compute(period)
    periods.period_publish(period=period)
    client.force_login(personas.org_staff.user)
    url = f"/api/evaluations/periods/{period.pk}/results/"
    everyone = client.get(url).json()["count"]
    assert everyone > len(team.people)
    for params in ({"unit": "²"}, {"rank": "５"}, {"unit": HUGE, "rank": HUGE}):
        response = client.get(url, params)
        assert response.status_code == 200 and response.json()["count"] == everyone, params
    assert client.get(url, {"unit": team.unit.pk}).json()["count"] == len(team.people)
