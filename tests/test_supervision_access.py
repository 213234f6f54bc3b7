"""Who reaches supervision: org staff and discipline staff; everyone else 403 (anonymous to the login);
records, reports and scans outside that answer 403 too. Nothing below supervision imports it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.urls import reverse

from .factories import sanction
from .personas import ANON, WITH_TEAM_MEMBER, check_get, copy_of, matrix

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
STAFF_PAGES = [
    "supervision:record_list",
    "supervision:record_create",
    "supervision:rectifications",
    "supervision:report_list",
    "supervision:report_register",
    "supervision:report_statistics",
    "supervision:info_list",
]
OTHERS = ["cadre", "colleague", "leader", "team_member", "superior_leader", "stranger"]


STAFF = {"org_staff": 200, "discipline": 200, "admin": 200, **dict.fromkeys(OTHERS, 403), ANON: 302}
SETTINGS = {"org_staff": 200, "discipline": 403, **dict.fromkeys(OTHERS, 403)}


@pytest.fixture
def personas(shared_personas):
    return copy_of(shared_personas)


def _get(client, personas, who, url):
    user = personas.user(who)
    if user is not None:
        client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize(
    ("persona", "url_name", "expected"), matrix(((n, n, STAFF) for n in STAFF_PAGES), personas=WITH_TEAM_MEMBER)
)
def test_staff_pages_per_role(client, personas, persona, url_name, expected):
    check_get(client, personas, persona, reverse(url_name), expected)


@pytest.mark.parametrize(
    ("persona", "url_name", "expected"),
    matrix([("settings", "supervision:settings", SETTINGS)], personas=tuple(SETTINGS)),
)
def test_settings_are_org_staff_only(client, personas, persona, url_name, expected):
    check_get(client, personas, persona, reverse(url_name), expected)


def test_a_record_is_not_reachable_by_the_cadre_it_is_about(client, personas):
    record = sanction(personas.cadre, personas.org_staff.user)
    url = reverse("supervision:record_detail", args=[record.pk])
    assert _get(client, personas, "cadre", url).status_code == 403
    client.logout()
    assert _get(client, personas, "discipline", url).status_code == 200
    post = client.post(reverse("supervision:record_close", args=[record.pk]), {"note": "x"})
    assert post.status_code == 302  # refused by the service: not under rectification
    client.force_login(personas.leader.user)
    assert client.post(reverse("supervision:record_close", args=[record.pk]), {"note": "x"}).status_code == 403


def test_public_report_pages_need_no_login(client):
    assert client.get(reverse("supervision_public:report")).status_code == 200
    assert client.get(reverse("supervision_public:lookup")).status_code == 200


def test_no_lower_app_imports_supervision():
    offenders = []
    for app in ("cadres", "achievements", "evaluations", "publicity", "selection"):
        for path in (ROOT / app).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names = [node.module]
                offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] == "supervision"]
    assert offenders == []
