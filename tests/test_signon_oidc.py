"""Unified sign-on (统一身份认证) by OpenID Connect, mozilla-django-oidc, against a provider on loopback.

The provider (tests/oidc_provider.py) is a real HTTP server: the test follows the real redirects —
the login page's button, the authorization endpoint, the callback — and the app fetches the token,
the JWKS and userinfo from it over HTTP.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.urls import reverse

from cadres.models import SignOn

from . import oidc_provider
from .factories import PASSWORD, CadreFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def provider():
    running = oidc_provider.start()
    yield running
    running.stop()


@pytest.fixture
def oidc_on(settings, provider):
    """The settings OIDC_RP_CLIENT_ID & co. produce (config/settings.py), pointed at the test provider."""
    provider.next_person = None
    provider.audience = oidc_provider.CLIENT_ID
    settings.OIDC_RP_CLIENT_ID = oidc_provider.CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = oidc_provider.CLIENT_SECRET
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = provider.endpoint("authorize")
    settings.OIDC_OP_TOKEN_ENDPOINT = provider.endpoint("token")
    settings.OIDC_OP_USER_ENDPOINT = provider.endpoint("userinfo")
    settings.OIDC_OP_JWKS_ENDPOINT = provider.endpoint("jwks")
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.OIDC_RP_SCOPES = "openid profile"
    settings.OIDC_USE_PKCE = True
    settings.OIDC_TIMEOUT = 5
    settings.OIDC_CADRE_CLAIM = "preferred_username"
    settings.SIGNON_UNIFIED_LABEL = ""
    settings.SIGNON_LOCAL_LOGIN = "admin"
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "cadres.signon.LocalBackend",
        "cadres.signon.UnifiedIdentityBackend",
    ]
    return settings


def sign_on(client, provider, person, next_url="/"):
    """Click the login page's button and follow the redirects through the provider and back."""
    provider.next_person = person
    page = client.get(reverse("login"), {"next": next_url}).content.decode()
    button = page.split('href="/accounts/signon/authenticate/', 1)[1].split('"', 1)[0]
    start = client.get("/accounts/signon/authenticate/" + button.replace("&amp;", "&"))
    assert start.status_code == 302
    authorize = start["Location"]
    assert authorize.startswith(provider.endpoint("authorize"))
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"]
    back = requests.get(authorize, allow_redirects=False, timeout=5)
    assert back.status_code == 302
    callback = urlsplit(back.headers["Location"])
    assert callback.path == reverse("oidc_authentication_callback")
    return client.get(callback.path, parse_qs(callback.query))


def test_a_cadre_signs_on_through_the_platform_and_lands_where_they_were_going(client, oidc_on, provider, personas):
    cadre = CadreFactory(code="OIDC01", name="周统一", unit=personas.unit)
    page = client.get(reverse("login")).content.decode()
    assert "统一身份认证登录" in page and "下方密码登录仅供系统管理员使用" in page

    response = sign_on(
        client, provider, {"sub": "u-1", "preferred_username": "oidc01"}, next_url=reverse("cadres:my_profile")
    )

    assert response.status_code == 302 and response["Location"] == reverse("cadres:my_profile")
    assert "您好，周统一" in client.get(reverse("home")).content.decode()
    cadre.refresh_from_db()
    assert cadre.user.username == "OIDC01" and cadre.user.sign_on == SignOn.UNIFIED
    assert not cadre.user.has_usable_password()
    assert provider.token_requests >= 1


def test_an_existing_account_is_taken_over_and_loses_its_local_password(client, oidc_on, provider, personas):
    cadre = personas.cadre
    old = cadre.user.pk
    assert sign_on(client, provider, {"sub": "u-2", "preferred_username": cadre.code}).status_code == 302
    cadre.refresh_from_db()
    assert cadre.user.pk == old and not cadre.user.has_usable_password()
    client.logout()
    response = client.post(reverse("login"), {"username": cadre.code, "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_the_code_can_come_from_another_claim(client, oidc_on, provider, personas):
    oidc_on.OIDC_CADRE_CLAIM = "employee_number"
    cadre = CadreFactory(code="OIDC02", name="吴工号", unit=personas.unit)
    person = {"sub": "u-3", "preferred_username": "wu", "employee_number": "OIDC02"}
    assert sign_on(client, provider, person).status_code == 302
    cadre.refresh_from_db()
    assert cadre.user.sign_on == SignOn.UNIFIED


def test_a_person_without_an_active_cadre_is_sent_back_with_a_chinese_message(client, oidc_on, provider, personas):
    response = sign_on(client, provider, {"sub": "u-4", "preferred_username": "NOBODY"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?signon=failed"
    assert "_auth_user_id" not in client.session
    assert "没有与该身份对应的在职干部编号" in client.get(response["Location"]).content.decode()


def test_the_admin_is_not_taken_over_and_keeps_the_local_login(client, oidc_on, provider, personas):
    admin = personas.admin
    admin.set_password(PASSWORD)
    admin.save()
    CadreFactory(code="ROOTC", unit=personas.org_unit, user=admin)
    response = sign_on(client, provider, {"sub": "u-5", "preferred_username": "ROOTC"})
    assert response["Location"] == "/accounts/login/?signon=failed"
    assert client.post(reverse("login"), {"username": "root", "password": PASSWORD}).status_code == 302
    admin.refresh_from_db()
    assert admin.has_usable_password() and admin.sign_on == SignOn.LOCAL


def test_an_id_token_for_another_client_is_refused(client, oidc_on, provider, personas):
    CadreFactory(code="OIDC03", unit=personas.unit)
    provider.audience = "some-other-app"
    response = sign_on(client, provider, {"sub": "u-6", "preferred_username": "OIDC03"})
    assert response.status_code == 400 and "_auth_user_id" not in client.session


def test_a_cancelled_sign_on_returns_to_the_login_page(client, oidc_on, provider, personas):
    response = sign_on(client, provider, None)
    assert response["Location"] == "/accounts/login/?signon=failed"
    assert "_auth_user_id" not in client.session


def test_unified_sign_on_is_off_by_default(client, settings):
    assert settings.OIDC_RP_CLIENT_ID == ""
    assert client.get("/accounts/signon/authenticate/").status_code == 404
    assert client.get("/accounts/signon/callback/").status_code == 404
    assert "统一身份认证登录" not in client.get(reverse("login")).content.decode()
