"""Login, lockout, forced password change, logout, deactivation."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from cadres import services
from cadres.models import Cadre

from .factories import PASSWORD, CadreFactory

pytestmark = pytest.mark.django_db


def login(client, username, password, ip="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_cadre_logs_in_with_code_and_lands_on_home(client, personas):
    response = login(client, personas.cadre.code, PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    home = client.get(reverse("home")).content.decode()
    assert "您好，张干部" in home


def test_wrong_password_message_is_chinese_and_keeps_the_username(client, personas):
    response = login(client, personas.cadre.code, "wrong-password")
    text = response.content.decode()
    assert response.status_code == 200
    assert "编号（用户名）或密码不正确" in text
    assert f'value="{personas.cadre.code}"' in text


def test_lockout_is_per_username_and_ip_and_cools_off(client, personas):
    for _ in range(5):
        login(client, personas.cadre.code, "wrong")
    locked = login(client, personas.cadre.code, PASSWORD)
    assert locked.status_code == 429
    assert "登录已暂时锁定" in locked.content.decode()
    assert "请 15 分钟后再试" in locked.content.decode()
    assert "该账号在本地址连续多次输入错误密码" in locked.content.decode()

    # A colleague behind the same office address is not locked out ...
    assert login(client, personas.colleague.code, PASSWORD).status_code == 302
    client.logout()
    # ... nor is the same person from another address.
    assert login(client, personas.cadre.code, PASSWORD, ip="10.0.0.2").status_code == 302
    client.logout()

    # After the cool-off period the lock lifts by itself.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert login(client, personas.cadre.code, PASSWORD).status_code == 302


def test_spraying_one_password_over_every_account_locks_the_address(client, personas):
    """Under the per-account limit on each account, but 20 failures from one address lock that address."""
    accounts = [CadreFactory(unit=personas.unit, with_account=True) for _ in range(25)]
    responses = [login(client, cadre.code, "Qingshan2026", ip="10.0.0.9").status_code for cadre in accounts]
    assert responses[:19] == [200] * 19
    assert responses[19:] == [429] * 6
    locked = login(client, accounts[0].code, "Qingshan2026", ip="10.0.0.9")
    text = locked.content.decode()
    assert locked.status_code == 429 and "登录已暂时锁定" in text
    assert "本地址登录失败次数过多" in text and "请 15 分钟后再试" in text

    # The right password from the locked address is refused too, for any account ...
    assert login(client, personas.cadre.code, PASSWORD, ip="10.0.0.9").status_code == 429
    assert not client.session.get("_auth_user_id")
    # ... while another address logs in as usual.
    assert login(client, personas.cadre.code, PASSWORD, ip="10.0.0.10").status_code == 302
    client.logout()

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert login(client, personas.cadre.code, PASSWORD, ip="10.0.0.9").status_code == 302


def test_a_login_to_ones_own_account_does_not_clear_the_address_count(client, personas):
    """A sprayer with an account of their own cannot reset the count of the address by logging in."""
    accounts = [CadreFactory(unit=personas.unit, with_account=True) for _ in range(20)]
    for cadre in accounts[:19]:
        assert login(client, cadre.code, "Qingshan2026", ip="10.0.0.9").status_code == 200
    assert login(client, personas.stranger.code, PASSWORD, ip="10.0.0.9").status_code == 302
    client.logout()
    assert login(client, accounts[19].code, "Qingshan2026", ip="10.0.0.9").status_code == 429


def test_a_login_clears_only_the_accounts_own_failures(client, personas):
    for _ in range(4):
        login(client, personas.cadre.code, "wrong")
        login(client, personas.colleague.code, "wrong")
    assert login(client, personas.colleague.code, PASSWORD).status_code == 302
    client.logout()
    # The colleague's success leaves 张干部's four failures: the fifth locks.
    assert login(client, personas.cadre.code, "wrong").status_code == 429


def test_initial_password_must_be_changed_before_anything_else(client, personas):
    credential = services.account_reset_password(cadre=personas.cadre)
    assert login(client, personas.cadre.code, credential.password).status_code == 302

    blocked = client.get(reverse("cadres:my_profile"))
    assert blocked.status_code == 302 and blocked["Location"] == reverse("password_change")
    assert client.get("/api/me/").status_code == 403

    form = client.get(reverse("password_change")).content.decode()
    assert "一次性初始密码" in form
    response = client.post(
        reverse("password_change"),
        {"old_password": credential.password, "new_password1": "Qingshan-2026!", "new_password2": "Qingshan-2026!"},
    )
    assert response.status_code == 302
    assert client.get(reverse("cadres:my_profile")).status_code == 200
    personas.cadre.user.refresh_from_db()
    assert not personas.cadre.user.must_change_password
    # The weaker initial hash is replaced by the default one on first login.
    assert personas.cadre.user.password.startswith(("argon2$", "md5$"))


def test_password_change_errors_are_chinese_and_nothing_changes(client, personas):
    client.force_login(personas.cadre.user)
    response = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": "123", "new_password2": "456"}
    )
    assert response.status_code == 200
    assert "输入的两个密码不一致" in response.content.decode()
    personas.cadre.user.refresh_from_db()
    assert personas.cadre.user.check_password(PASSWORD)


def test_logout_needs_post_and_ends_the_session(client, personas):
    client.force_login(personas.cadre.user)
    assert client.get(reverse("logout")).status_code == 405
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_deactivated_cadre_is_signed_out_everywhere_and_keeps_the_record(client, personas):
    client.force_login(personas.cadre.user)
    assert client.get(reverse("cadres:my_profile")).status_code == 200

    staff = client.__class__()
    staff.force_login(personas.org_staff.user)
    staff.post(reverse("cadres:cadre_deactivate", kwargs={"pk": personas.cadre.pk}))

    assert client.get(reverse("cadres:my_profile"))["Location"].startswith(reverse("login"))
    assert login(client, personas.cadre.code, PASSWORD).status_code == 200
    cadre = Cadre.objects.get(pk=personas.cadre.pk)
    assert not cadre.is_active and cadre.name == "张干部"
    assert staff.get(reverse("cadres:cadre_detail", kwargs={"pk": cadre.pk})).status_code == 200


@pytest.fixture
def production_hashers(settings):
    """The hashers as deployed (the test settings put a fast one first)."""
    settings.PASSWORD_HASHERS = [h for h in settings.PASSWORD_HASHERS if "MD5" not in h]
    return settings.PASSWORD_HASHERS


def test_new_passwords_are_hashed_with_argon2id_at_owasp_parameters(production_hashers, personas):
    user = personas.cadre.user
    user.set_password("Qingshan-2026!")
    user.save()
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


def test_an_old_pbkdf2_password_still_logs_in_and_is_upgraded_to_argon2(client, production_hashers, personas):
    from django.contrib.auth.hashers import make_password

    user = personas.cadre.user
    user.password = make_password("Qingshan-2026!", hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    assert login(client, personas.cadre.code, "Qingshan-2026!").status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
    client.logout()
    assert login(client, personas.cadre.code, "Qingshan-2026!").status_code == 302


def test_a_login_verifies_the_password_once(client, production_hashers, personas, monkeypatch):
    """The login's cost is one Argon2 verification at the parameters above (about 0.1 s on this
    machine, measured, not asserted): no backend, lockout check or upgrade hashes it a second time."""
    from cadres.hashers import OwaspArgon2PasswordHasher

    user = personas.cadre.user
    user.set_password("Qingshan-2026!")
    user.save()
    calls = []
    verify = OwaspArgon2PasswordHasher.verify

    def counting_verify(self, password, encoded):
        calls.append(encoded)
        return verify(self, password, encoded)

    monkeypatch.setattr(OwaspArgon2PasswordHasher, "verify", counting_verify)
    assert login(client, personas.cadre.code, "Qingshan-2026!").status_code == 302
    assert len(calls) == 1, calls


def test_password_pages_address_the_user_as_nin_not_ni(client, personas):
    """Django's Chinese catalogue says 你; the product says 您 everywhere a user reads it."""
    client.force_login(personas.cadre.user)
    form = client.get(reverse("password_change")).content.decode()
    assert "您的密码必须包含至少 8 个字符。" in form and "您的密码不能全是数字。" in form
    assert "你" not in form
    response = client.post(
        reverse("password_change"),
        {"old_password": "not-my-password", "new_password1": "Qingshan-2026!", "new_password2": "Qingshan-2026!"},
    )
    page = response.content.decode()
    assert "您输入的原密码不正确，请重新输入。" in page and "你" not in page
    numeric = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": "20262026", "new_password2": "20262026"}
    ).content.decode()
    assert "密码只包含数字。" in numeric and "你" not in numeric
    assert 'value="20262026"' not in numeric  # Django never echoes a password back
