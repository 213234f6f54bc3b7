"""Personas and access matrices, in one place for every app's access tests.

The personas live around one unit (区教师发展中心) and its superior (区教育局). An access matrix is a
list of rows (id, target, expected status per persona); `matrix` turns it into one pytest param per
(persona, row) with an id such as ``cadres:cadre_list-stranger``, so that one wrong answer does not
hide the others. `check_get` makes the request and asserts the status (and, for an anonymous user
sent away, that it goes to the login page).

Rows that several tests of a module read are made once per module (and per xdist process) with
`shared_rows`: inside a transaction that is rolled back when the module ends, as Django's
``setUpTestData`` does; each test still runs in its own savepoint, and `personas` hands each test a
deep copy, so what a test changes never reaches the next one.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest
from django.urls import reverse

from cadres.models import UnitCategory, UnitRole

from .factories import CadreFactory, UnitFactory, UserFactory, ensure_default_ranks, rank

T = TypeVar("T")

ANON, CADRE, COLLEAGUE, LEADER, SUPERIOR, STAFF, STRANGER, DISCIPLINE, ADMIN, TEAM_MEMBER = (
    "anonymous",
    "cadre",
    "colleague",
    "leader",
    "superior_leader",
    "org_staff",
    "stranger",
    "discipline",
    "admin",
    "team_member",
)
# The personas every app's matrix checks; the 晒实绩 and supervision matrices add the team member.
PERSONAS = (ANON, CADRE, COLLEAGUE, LEADER, SUPERIOR, STAFF, STRANGER, DISCIPLINE, ADMIN)
WITH_TEAM_MEMBER = (*PERSONAS, TEAM_MEMBER)


@dataclass
class Personas:
    """Everyone an access test needs, around one unit (教师发展中心) and its superior (教育局)."""

    superior_unit: Any
    unit: Any
    other_unit: Any
    org_unit: Any
    cadre: Any
    colleague: Any
    leader: Any
    team_member: Any
    superior_leader: Any
    stranger: Any
    org_staff: Any
    discipline: Any
    admin: Any

    def user(self, name: str):
        if name == ANON:
            return None
        persona = getattr(self, name)
        return persona if name in (ADMIN, DISCIPLINE) else persona.user


def make_personas() -> Personas:
    ensure_default_ranks()
    superior = UnitFactory(name="区教育局", category=UnitCategory.DISTRICT_DEPARTMENT)
    unit = UnitFactory(name="区教师发展中心", category=UnitCategory.SUBORDINATE, parent=superior)
    other = UnitFactory(name="青石镇", category=UnitCategory.TOWNSHIP)
    org_unit = UnitFactory(name="区委组织部", category=UnitCategory.DISTRICT_DEPARTMENT)
    org_staff = CadreFactory(unit=org_unit, name="考核办", with_account=True)
    org_staff.user.is_org_staff = True
    org_staff.user.save()
    return Personas(
        superior_unit=superior,
        unit=unit,
        other_unit=other,
        org_unit=org_unit,
        cadre=CadreFactory(unit=unit, name="张干部", with_account=True),
        colleague=CadreFactory(unit=unit, name="李同事", with_account=True),
        leader=CadreFactory(
            unit=unit, name="王主任", role=UnitRole.MAIN_LEADER, rank=rank("副科级"), with_account=True
        ),
        team_member=CadreFactory(unit=unit, name="赵副主任", role=UnitRole.TEAM_MEMBER, with_account=True),
        superior_leader=CadreFactory(
            unit=superior, name="钱局长", role=UnitRole.MAIN_LEADER, rank=rank("正科级"), with_account=True
        ),
        stranger=CadreFactory(unit=other, name="孙镇干部", with_account=True),
        org_staff=org_staff,
        discipline=UserFactory(username="jiwei", is_discipline_staff=True),
        admin=UserFactory(username="root", is_superuser=True, is_staff=True),
    )


# --- Expected answers ------------------------------------------------------------------------------


def expect(default: int, *, personas: tuple[str, ...] = PERSONAS, **overrides: int) -> dict[str, int]:
    """Every persona answers `default` unless overridden; anonymous users go to the login (302), and
    纪检监察, which has no cadre record and no staff grant, sees a page only when everyone does."""
    table = dict.fromkeys(personas, default)
    table[ANON] = 302
    table[DISCIPLINE] = 200 if default == 200 else (404 if default == 404 else 403)
    if overrides.get(ADMIN) == 403:
        table[DISCIPLINE] = 403  # a page for cadres: neither has a cadre record
    table.update(overrides)
    return table


Row = tuple[str, Any, Mapping[str, int]]


def matrix(rows: Iterable[Row], personas: tuple[str, ...] = PERSONAS) -> list[Any]:
    """One pytest param (persona, target, expected status) per persona and row, with the id
    ``<row id>-<persona>``. A row's target is whatever the test turns into a URL."""
    params = []
    for row_id, target, expected in rows:
        assert set(expected) == set(personas), f"{row_id}: {sorted(set(personas) ^ set(expected))}"
        params += [pytest.param(p, target, expected[p], id=f"{row_id}-{p}") for p in personas]
    return params


def row_ids(rows: Iterable[Row]) -> list[str]:
    return [row_id for row_id, _target, _expected in rows]


# --- Requests --------------------------------------------------------------------------------------


def login(client, personas: Personas, persona: str) -> None:
    client.logout()
    user = personas.user(persona)
    if user is not None:
        client.force_login(user)


def check_get(client, personas: Personas, persona: str, url: str, expected: int):
    """GET `url` as `persona` and assert the status; an anonymous user sent away goes to the login."""
    login(client, personas, persona)
    response = client.get(url)
    assert response.status_code == expected, f"{persona} GET {url}"
    if persona == ANON and expected == 302:
        assert response["Location"].startswith(reverse("login"))
    return response


# --- Rows shared by a module's tests ---------------------------------------------------------------


def shared_rows(build: Callable[[], T], *, django_db_blocker, tmp_path_factory) -> Iterator[T]:
    """The body of a module-scoped fixture, through the `shared` fixture (which sets up the test
    database first): ``yield from shared(build)``. `build()` runs once, as a
    test would see it (default language, Celery eager, a private media root), inside a transaction
    that is rolled back after the module's last test. Each test runs in a savepoint inside it and
    takes a copy (`copy_of`) of what was built, so nothing one test does reaches the next."""
    import sys

    from django.conf import settings
    from django.db import connection, transaction
    from django.test import override_settings
    from django.utils import translation

    from config.celery import app

    assert connection.settings_dict["NAME"].startswith("test_"), "shared rows go to the test database only"
    atomic = transaction.atomic()
    eager = app.conf.task_always_eager
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("shared-media")):
        app.conf.task_always_eager = True
        translation.activate(settings.LANGUAGE_CODE)
        atomic.__enter__()
        try:
            rows = build()
        except BaseException:
            atomic.__exit__(*sys.exc_info())
            raise
        finally:
            translation.deactivate()
            app.conf.task_always_eager = eager
    try:
        yield rows
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def copy_of(rows: T) -> T:
    """What a test gets from a shared fixture: its own copy of the instances."""
    return copy.deepcopy(rows)
