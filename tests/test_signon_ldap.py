"""Directory sign-on (LDAP/AD, django-auth-ldap) against a real OpenLDAP server on loopback.

slapd is started by a fixture with a configuration this module writes (tests/ldap_server.py); the
login goes through the ordinary login form over HTTP, as a person's browser sends it.
"""

from __future__ import annotations

import ldap
import pytest
from django.urls import reverse
from django_auth_ldap.config import LDAPSearch

from cadres import services
from cadres.models import SignOn, User

from . import ldap_server
from .factories import PASSWORD, CadreFactory
from .ldap_server import PEOPLE, Person

pytestmark = pytest.mark.django_db

DIRECTORY_PASSWORD = "Dir-Pass-2026"


@pytest.fixture(scope="module")
def directory(tmp_path_factory):
    """slapd on a free loopback port, with people whose uid is a 编号 and people with employeeNumber."""
    server = ldap_server.start(
        tmp_path_factory.mktemp("slapd"),
        [
            Person("LDAP001", DIRECTORY_PASSWORD, "张目录"),
            Person("LDAP002", DIRECTORY_PASSWORD, "李目录"),
            Person("zhang.san", DIRECTORY_PASSWORD, "张三", employee_number="LDAP003"),
            Person("nobody", DIRECTORY_PASSWORD, "无此人"),
            Person("root", DIRECTORY_PASSWORD, "管理员"),
        ],
    )
    yield server
    server.stop()


@pytest.fixture
def ldap_on(settings, directory):
    """The settings LDAP_SERVER_URI & co. produce (config/settings.py), pointed at the test server."""
    settings.LDAP_SERVER_URI = directory.uri
    settings.AUTH_LDAP_SERVER_URI = directory.uri
    settings.AUTH_LDAP_BIND_DN = ldap_server.ADMIN_DN
    settings.AUTH_LDAP_BIND_PASSWORD = ldap_server.ADMIN_PASSWORD
    settings.AUTH_LDAP_USER_SEARCH = LDAPSearch(PEOPLE, ldap.SCOPE_SUBTREE, "(uid=%(user)s)")
    settings.AUTH_LDAP_CONNECTION_OPTIONS = {ldap.OPT_NETWORK_TIMEOUT: 5}
    settings.LDAP_CADRE_CODE_ATTRIBUTE = ""
    settings.SIGNON_LOCAL_LOGIN = "admin"
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "cadres.signon.LocalBackend",
        "cadres.signon.DirectoryBackend",
    ]
    return settings


def login(client, username, password, ip="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_a_cadre_signs_on_with_the_directory_password_and_gets_no_local_password(client, ldap_on, personas):
    cadre = CadreFactory(code="LDAP001", name="张目录", unit=personas.unit)
    assert cadre.user is None

    response = login(client, "ldap001", DIRECTORY_PASSWORD)

    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert "您好，张目录" in client.get(reverse("home")).content.decode()
    cadre.refresh_from_db()
    user = cadre.user
    assert user.username == "LDAP001" and user.sign_on == SignOn.DIRECTORY
    assert not user.has_usable_password() and not user.must_change_password
    # No local password to change: the menu has no link, the page says where to change it.
    home = client.get(reverse("home")).content.decode()
    assert reverse("password_change") not in home
    changed = client.get(reverse("password_change"), follow=True)
    assert "请在原系统中修改密码" in changed.content.decode()
    # The login page says it is the directory's login.
    client.logout()
    assert "请使用单位目录（域）账号和密码登录" in client.get(reverse("login")).content.decode()


def test_an_existing_local_account_is_taken_over_and_its_old_password_stops_working(client, ldap_on, personas):
    cadre = CadreFactory(code="LDAP002", name="李目录", unit=personas.unit, with_account=True)
    old_user_pk = cadre.user.pk

    assert login(client, "LDAP002", DIRECTORY_PASSWORD).status_code == 302

    cadre.refresh_from_db()
    assert cadre.user.pk == old_user_pk and not cadre.user.has_usable_password()
    client.logout()
    # Neither the old local password nor a reset gives a local password back.
    assert login(client, "LDAP002", PASSWORD).status_code == 200
    with pytest.raises(services.ExternalAccountError):
        services.account_reset_password(cadre=cadre)
    # Org staff, signed on through the directory too, are told why there is no reset.
    client.force_login(personas.org_staff.user, backend="cadres.signon.DirectoryBackend")
    response = client.post(reverse("cadres:cadre_reset_password", args=[cadre.pk]), follow=True)
    assert "不设本地密码" in response.content.decode()
    assert not User.objects.get(pk=old_user_pk).has_usable_password()


def test_the_code_can_come_from_a_mapped_attribute(client, ldap_on, personas):
    ldap_on.LDAP_CADRE_CODE_ATTRIBUTE = "employeeNumber"
    cadre = CadreFactory(code="LDAP003", name="张三", unit=personas.unit)

    assert login(client, "zhang.san", DIRECTORY_PASSWORD).status_code == 302

    cadre.refresh_from_db()
    assert cadre.user.username == "LDAP003" and cadre.user.sign_on == SignOn.DIRECTORY


def test_a_wrong_directory_password_is_refused_with_the_usual_message(client, ldap_on, personas):
    cadre = CadreFactory(code="LDAP001", name="张目录", unit=personas.unit)
    response = login(client, "LDAP001", "not-the-password")
    assert response.status_code == 200 and "编号（用户名）或密码不正确" in response.content.decode()
    cadre.refresh_from_db()
    assert cadre.user is None


def test_a_directory_person_without_an_active_cadre_is_refused(client, ldap_on, personas):
    assert login(client, "nobody", DIRECTORY_PASSWORD).status_code == 200
    departed = CadreFactory(code="LDAP001", name="张目录", unit=personas.unit, is_active=False)
    assert login(client, "LDAP001", DIRECTORY_PASSWORD).status_code == 200
    departed.refresh_from_db()
    assert departed.user is None
    assert not User.objects.filter(username__in=["nobody", "LDAP001"]).exists()


def test_only_the_system_admin_keeps_the_local_login(client, ldap_on, personas):
    admin = personas.admin
    admin.set_password(PASSWORD)
    admin.save()
    # A cadre's local password no longer works once directory sign-on is on ...
    assert login(client, personas.cadre.code, PASSWORD).status_code == 200
    # ... the administrator's does, and the directory entry named like the admin does not take it over.
    assert login(client, "root", DIRECTORY_PASSWORD).status_code == 200
    assert login(client, "root", PASSWORD).status_code == 302
    admin.refresh_from_db()
    assert admin.has_usable_password() and admin.sign_on == SignOn.LOCAL


def test_directory_failures_lock_the_account_out(client, ldap_on, personas):
    CadreFactory(code="LDAP001", name="张目录", unit=personas.unit)
    for _ in range(4):
        assert login(client, "LDAP001", "wrong").status_code == 200
    assert login(client, "LDAP001", "wrong").status_code == 429  # the fifth failure locks
    locked = login(client, "LDAP001", DIRECTORY_PASSWORD)
    assert locked.status_code == 429 and "登录已暂时锁定" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_directory_sign_on_is_off_by_default(client, settings, directory, personas):
    assert "cadres.signon.DirectoryBackend" not in settings.AUTHENTICATION_BACKENDS
    assert settings.LDAP_SERVER_URI == "" and settings.SIGNON_LOCAL_LOGIN == "all"
    CadreFactory(code="LDAP001", name="张目录", unit=personas.unit)
    assert login(client, "LDAP001", DIRECTORY_PASSWORD).status_code == 200
    assert login(client, personas.cadre.code, PASSWORD).status_code == 302
