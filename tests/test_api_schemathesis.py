"""The OpenAPI schema tells the truth: schemathesis drives every operation of the API in-process,
as org staff and as a cadre, with valid and invalid input, on real objects from the factories.

No answer is a server error, every status is documented, and every body (errors included) matches
its documented schema and media type. Each example runs in a savepoint that is rolled back, so every
operation sees the same world.

schemathesis' negative_data_rejection check is left out on purpose: DRF is lenient where the schema
is exact (a number is accepted for a string field, an empty filter means no filter), and a multipart
body cannot carry a type mutation at all. Invalid input is still sent (negative mode) and must be
answered with a documented status and body, never a 500.
"""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass, field

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from achievements.models import Achievement, DailyLog, Summary, SummaryKind
from config.wsgi import application
from evaluations.models import AnnualResult, Grade, SheetAssignment

from .factories import FeedbackFactory, NoticeFactory, category, close_and_compute, open_period, submit_all
from .support import open_past_day, today

pytestmark = pytest.mark.django_db

EXAMPLES = 10  # per operation and mode; derandomized, so every run sends the same requests
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@dataclass
class World:
    cookies: dict[str, str]
    ids: dict[str, int] = field(default_factory=dict)

    def signed_in(self, persona: str) -> dict[str, dict[str, str]]:
        """Session and CSRF cookies plus the CSRF header, as a browser of this persona sends them."""
        token = self.cookies["csrf"]
        return {"cookies": {"sessionid": self.cookies[persona], "csrftoken": token}, "headers": {"X-CSRFToken": token}}


def _session(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


@pytest.fixture
def world(personas) -> World:
    """One of everything the API serves, with the ids of the objects each path should open."""
    cadre = personas.cadre
    past = open_past_day(cadre)
    log = DailyLog.objects.create(author=cadre, unit=cadre.unit, day=past, text="完成课题研究方案的修改并提交评审。")
    summary = Summary.objects.create(
        author=cadre, unit=cadre.unit, kind=SummaryKind.ANNUAL, year=today().year, text="年度总结" * 60
    )
    achievement = Achievement.objects.create(
        title="完成教师培训",
        date=past,
        category=category(),
        description="组织培训三期。",
        created_by=cadre,
        unit=cadre.unit,
    )
    computed = open_period(2026, 1)
    submit_all(computed, lambda rater, ratee: 80 + (ratee.pk + rater.pk) % 10)
    close_and_compute(computed)
    current = open_period(2026, 4)
    sheet = SheetAssignment.objects.filter(period=current, rater=cadre).first()
    AnnualResult.objects.create(
        cadre=cadre,
        year=2025,
        unit=cadre.unit,
        unit_category=cadre.unit.category,
        role=cadre.role,
        rank=cadre.rank,
        annual_score="93.50",
        rank_in_unit=1,
        unit_size=5,
        grade=Grade.EXCELLENT,
        is_published=True,
    )
    selection, vote = _selection_with_a_vote(personas)
    notice = NoticeFactory(cadre=personas.colleague)
    feedback = FeedbackFactory(notice=NoticeFactory(cadre=personas.team_member, published=True))
    assert sheet is not None
    return World(
        cookies={
            "org_staff": _session(personas.org_staff.user),
            "cadre": _session(cadre.user),
            "csrf": secrets.token_hex(16),
        },
        ids={
            "/api/achievements/": achievement.pk,
            "/api/cadres/": cadre.pk,
            "/api/daily-logs/": log.pk,
            "/api/summaries/": summary.pk,
            "/api/units/": cadre.unit_id,
            "/api/evaluations/annual-results/": AnnualResult.objects.get().pk,
            "/api/evaluations/my-sheets/": sheet.pk,
            "/api/evaluations/periods/": computed.pk,
            "/api/publicity/notices/": notice.pk,
            "/api/publicity/feedback/": feedback.pk,
            "/api/selection/selections/": selection.pk,
            "/api/selection/my-ballots/": vote.pk,
        },
    )


def _selection_with_a_vote(personas):
    """A selection past round 1, with an online round-2 vote in which the cadre persona votes."""
    from selection.models import VoteKind, VoteMode
    from selection.services import selections, votes

    from .factories import open_selection, post_with_vacancy

    staff = personas.org_staff.user
    selection = open_selection(post_with_vacancy(personas.unit), staff)
    selections.selection_start_nomination(selection=selection, voter_ids=[personas.colleague.pk], actor=staff)
    selections.nomination_sign(selection=selection, nominator=personas.colleague, nominee=personas.team_member)
    selections.round1_close(selection=selection, actor=staff)
    vote = votes.event_setup(
        selection=selection, kind=VoteKind.ROUND2, mode=VoteMode.ONLINE, voter_ids=[personas.cadre.pk], actor=staff
    )
    return selection, vote


@pytest.fixture
def in_test_transaction():
    """Requests through the WSGI handler keep the test's connection and transaction, as with Django's
    test client: the handler would otherwise close the connection at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _as(app, world: World, persona: str):
    """The app as one persona sees it: werkzeug's test client replaces a Cookie header with its own jar."""

    def signed_in(environ, start_response):
        environ["HTTP_COOKIE"] = f"sessionid={world.cookies[persona]}"
        return app(environ, start_response)

    return signed_in


def _real_id(world: World, path: str) -> int | None:
    if "{id}" not in path:
        return None
    return world.ids[path.split("{id}")[0]]


def test_every_operation_answers_as_its_schema_says(world, settings, in_test_transaction, caplog):
    settings.ALLOWED_HOSTS = ["localhost"]  # the host schemathesis' WSGI client sends
    caplog.set_level(logging.ERROR, logger="django.request")  # thousands of expected 4xx; a 500 still shows
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", _as(application, world, "org_staff"))
    schema.app = application
    failures: list[str] = []
    operations = examples = 0
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        real_id = _real_id(world, operation.path)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            # The session cookie is the persona's, set on each call: never generated or left out.
            strategy = operation.as_strategy(
                generation_mode=mode,
                path_parameters={"id": real_id} if real_id is not None else None,
                cookies={"sessionid": "persona"},
            )

            @given(case=strategy)
            @hypothesis_settings(
                max_examples=EXAMPLES,
                derandomize=True,
                deadline=None,
                database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def run(case) -> None:
                nonlocal examples
                examples += 1
                for persona in ("org_staff", "cadre"):
                    with transaction.atomic():
                        case.call_and_validate(checks=CHECKS, **world.signed_in(persona))
                        transaction.set_rollback(True)

            try:
                run()
            except Unsatisfiable:
                assert mode == GenerationMode.NEGATIVE, operation.label  # nothing left to make invalid
            except (Exception, BaseExceptionGroup) as error:  # one entry per failing operation, then the next
                failures.append(f"{operation.label} [{mode.value}]: {str(error)[:1500]}")
    elapsed = time.monotonic() - started
    print(f"schemathesis: {operations} operations, {examples} examples, {elapsed:.1f} s")  # noqa: T201
    assert operations >= 50
    assert not failures, "\n\n".join(failures)


def _enum_values(schema: dict, prop: dict) -> set:
    """The values a property may take, through $ref and oneOf."""
    if "$ref" in prop:
        return _enum_values(schema, schema["components"]["schemas"][prop["$ref"].rsplit("/", 1)[1]])
    if "oneOf" in prop:
        return set().union(*(_enum_values(schema, p) for p in prop["oneOf"]))
    return set(prop.get("enum", []))


def test_the_schema_states_limits_blank_values_and_error_answers(client, personas):
    client.force_login(personas.org_staff.user)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    year = components["SummaryRequest"]["properties"]["year"]
    assert (year["minimum"], year["maximum"]) == (2000, 2100)
    assert components["UnitRequest"]["properties"]["sort_order"]["maximum"] == 2147483647
    # Answers carry "" until an outcome or a finding is recorded.
    assert _enum_values(schema, components["Notice"]["properties"]["outcome"]) == {
        "",
        "appointed",
        "educated",
        "not_appointed",
    }
    assert "" in _enum_values(schema, components["Feedback"]["properties"]["finding"])
    # Lists that are never paged are not documented as pages.
    completion = schema["paths"]["/api/evaluations/periods/{id}/completion/"]["get"]["responses"]["200"]
    assert completion["content"]["application/json"]["schema"]["type"] == "array"
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            responses = operation["responses"]
            assert {"403", "404"} <= set(responses), f"{method} {path}"
            if "requestBody" in operation:
                body = responses["400"]["content"]["application/json"]["schema"]
                assert body == {"$ref": "#/components/schemas/ValidationError"}, f"{method} {path}"
