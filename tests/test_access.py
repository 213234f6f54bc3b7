"""Every page of the cadres app, for every persona: who gets in, who gets 403, who gets 404."""

import re

import pytest
from django.urls import reverse

from .personas import CADRE, LEADER, STAFF, check_get, copy_of, expect, matrix


@pytest.fixture
def personas(shared_personas, db):
    return copy_of(shared_personas)


STAFF_ONLY = expect(403, org_staff=200, admin=200)
# (url name, kwargs from personas, expected status per persona)
PAGES = [
    ("home", None, expect(200)),
    ("cadres:my_profile", None, expect(200, discipline=403, admin=403)),
    ("cadres:cadre_list", None, STAFF_ONLY),
    ("cadres:cadre_create", None, STAFF_ONLY),
    (
        "cadres:cadre_detail",
        "cadre",
        expect(404, cadre=200, leader=200, superior_leader=200, org_staff=200, admin=200),
    ),
    ("cadres:cadre_detail", "leader", expect(404, leader=200, superior_leader=200, org_staff=200, admin=200)),
    ("cadres:cadre_edit", "cadre", STAFF_ONLY),
    ("cadres:cadre_photo", "cadre", expect(404)),
    ("cadres:cadre_deactivate", "cadre", expect(403, org_staff=405, admin=405)),
    ("cadres:cadre_reactivate", "cadre", expect(403, org_staff=405, admin=405)),
    ("cadres:cadre_reset_password", "cadre", expect(403, org_staff=405, admin=405)),
    ("cadres:unit_list", None, STAFF_ONLY),
    ("cadres:unit_create", None, STAFF_ONLY),
    ("cadres:unit_edit", "unit", STAFF_ONLY),
    ("cadres:roster_import", None, STAFF_ONLY),
    ("cadres:roster_export", None, STAFF_ONLY),
    ("cadres:roster_template", None, STAFF_ONLY),
    ("cadres:accounts_issue", None, STAFF_ONLY),
    ("cadres:age_alerts", None, STAFF_ONLY),
    ("cadres:audit_log", None, STAFF_ONLY),
    ("cadres:org_settings", None, STAFF_ONLY),
    ("password_change", None, expect(200)),
]


def _url(personas, name, target):
    if target is None:
        return reverse(name)
    obj = getattr(personas, target)
    return reverse(name, kwargs={"pk": obj.pk})


@pytest.mark.parametrize(("persona", "page", "expected"), matrix((f"{n}:{t}", (n, t), e) for n, t, e in PAGES))
def test_page_access_per_persona(client, personas, persona, page, expected):
    check_get(client, personas, persona, _url(personas, *page), expected)


def test_object_outside_scope_is_indistinguishable_from_missing(client, personas):
    client.force_login(personas.stranger.user)
    hidden = client.get(reverse("cadres:cadre_detail", kwargs={"pk": personas.cadre.pk}))
    missing = client.get(reverse("cadres:cadre_detail", kwargs={"pk": 999999}))
    assert hidden.status_code == missing.status_code == 404
    assert _normalized(hidden) == _normalized(missing)


def _normalized(response) -> str:
    # CSRF tokens are masked differently on every response, and the language switcher echoes
    # the requested path; everything else must be identical.
    text = response.content.decode().replace(response.wsgi_request.path, "PATH")
    return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", text)


def test_role_pages_answer_403_with_chinese_message(client, personas):
    client.force_login(personas.cadre.user)
    response = client.get(reverse("cadres:cadre_list"))
    assert response.status_code == 403
    assert "您没有权限访问此页面" in response.content.decode()


API = [
    ("/api/cadres/", expect(200, anonymous=403)),
    ("/api/units/", expect(200, anonymous=403)),
    ("/api/me/", expect(200, anonymous=403)),
    ("/api/schema/", expect(200, anonymous=403)),
]


@pytest.mark.parametrize(("persona", "url", "expected"), matrix((url, url, e) for url, e in API))
def test_api_access_per_persona(client, personas, persona, url, expected):
    check_get(client, personas, persona, url, expected)


def test_admin_site_is_for_system_admins_only(client, personas):
    for persona in (CADRE, LEADER, STAFF):
        client.force_login(personas.user(persona))
        assert client.get("/admin/").status_code == 302
    client.force_login(personas.admin)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "系统管理" in response.content.decode()
