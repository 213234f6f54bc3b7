"""Bulk accounts from the roster: one-time initial passwords, shown or downloaded once."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cadres.models import Cadre, User

from .factories import CadreFactory

pytestmark = pytest.mark.django_db


def test_staff_issue_accounts_for_a_unit_and_see_passwords_once(client, personas):
    newcomers = CadreFactory.create_batch(3, unit=personas.other_unit)
    CadreFactory(unit=personas.unit)  # another unit: not included
    client.force_login(personas.org_staff.user)
    response = client.post(reverse("cadres:accounts_issue"), {"unit": personas.other_unit.pk, "output": "screen"})
    credentials = response.context["credentials"]
    assert sorted(c.code for c in credentials) == sorted(c.code for c in newcomers)
    text = response.content.decode()
    for credential in credentials:
        assert credential.password in text
        user = User.objects.get(username=credential.code)
        assert user.password.startswith("pbkdf2_sha256_initial$")
        assert user.must_change_password and user.check_password(credential.password)
    # Nothing stores the plain passwords: asking again issues nobody new.
    again = client.post(reverse("cadres:accounts_issue"), {"unit": personas.other_unit.pk, "output": "screen"})
    assert again.status_code == 302


def test_initial_passwords_download_as_xlsx(client, personas):
    CadreFactory.create_batch(2, unit=personas.other_unit)
    client.force_login(personas.org_staff.user)
    response = client.post(reverse("cadres:accounts_issue"), {"output": "xlsx"})
    assert response["Content-Disposition"] == 'attachment; filename="initial-passwords.xlsx"'
    assert response["Cache-Control"] == "no-store"
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 2
    for code, _name, _unit, login, password in rows:
        assert code == login
        assert User.objects.get(username=login).check_password(password)


def test_new_cadre_logs_in_with_initial_password_and_must_change_it(client, personas):
    newcomer = CadreFactory(unit=personas.unit, code="N0001")
    staff = client.__class__()
    staff.force_login(personas.org_staff.user)
    credential = staff.post(reverse("cadres:accounts_issue"), {"output": "screen"}).context["credentials"][0]
    assert credential.code == newcomer.code
    response = client.post(reverse("login"), {"username": "N0001", "password": credential.password})
    assert response.status_code == 302
    assert client.get(reverse("home"))["Location"] == reverse("password_change")


def test_reset_password_issues_a_new_one_and_ends_old_sessions(client, personas):
    client.force_login(personas.cadre.user)
    staff = client.__class__()
    staff.force_login(personas.org_staff.user)
    response = staff.post(reverse("cadres:cadre_reset_password", args=[personas.cadre.pk]))
    password = response.context["credentials"][0].password
    assert password in response.content.decode()
    assert client.get(reverse("cadres:my_profile")).status_code == 302
    personas.cadre.user.refresh_from_db()
    assert personas.cadre.user.check_password(password)


def test_reactivated_cadre_gets_a_new_initial_password(client, personas):
    client.force_login(personas.org_staff.user)
    client.post(reverse("cadres:cadre_deactivate", args=[personas.cadre.pk]))
    assert not User.objects.get(pk=personas.cadre.user_id).is_active
    response = client.post(reverse("cadres:cadre_reactivate", args=[personas.cadre.pk]))
    password = response.context["credentials"][0].password
    user = User.objects.get(pk=personas.cadre.user_id)
    assert user.is_active and user.must_change_password and user.check_password(password)
    assert Cadre.objects.get(pk=personas.cadre.pk).is_active
