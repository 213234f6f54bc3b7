"""Cadre names keep no inner spaces, 编号 are unique without regard to case, in every write path."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from cadres.models import Cadre, UnitRole
from cadres.services import roster_import

from .factories import PASSWORD, CadreFactory, rank
from .roster_files import row, valid_rows, xlsx

pytestmark = pytest.mark.django_db


def import_rows(rows):
    return roster_import(content=xlsx(rows), filename="roster.xlsx", actor=None)


def test_roster_names_lose_full_width_nbsp_and_ordinary_inner_spaces_but_keep_the_middle_dot():
    import_rows(
        [
            row("E0001", "张　伟"),
            row("E0002", "王\u00a0芳"),
            row("E0003", " 李 四 "),
            row("E0004", "买买提 · 艾力"),
            row("E0005", "阿依古丽·买买提"),
        ]
    )
    names = dict(Cadre.objects.values_list("code", "name"))
    assert names == {
        "E0001": "张伟",
        "E0002": "王芳",
        "E0003": "李四",
        "E0004": "买买提·艾力",
        "E0005": "阿依古丽·买买提",
    }


def test_codes_that_differ_only_by_case_and_spaces_are_one_cadre_on_reimport():
    import_rows([row("E0001", "张伟")])
    summary = import_rows([row(" e0001 ", "张伟", post="科长")])
    assert (summary.created, summary.updated) == (0, 1)
    assert list(Cadre.objects.values_list("code", "post_title")) == [("E0001", "科长")]


def test_codes_that_differ_only_by_case_in_one_file_are_reported_as_duplicates():
    from cadres.roster import RosterFileError

    with pytest.raises(RosterFileError) as caught:
        import_rows([row("E0001", "张伟"), row("e0001", "张伟")])
    assert "编号「E0001」与第 2 行重复" in str(caught.value.issues[0])
    assert not Cadre.objects.exists()


def test_the_database_refuses_a_code_that_differs_only_by_case():
    from django.db import IntegrityError

    existing = CadreFactory(code="E0001")
    with pytest.raises(IntegrityError):
        # bulk_create skips save(), as a raw write would: the constraint still holds
        Cadre.objects.bulk_create([CadreFactory.build(code="e0001", unit=existing.unit, rank=existing.rank)])


def _form_data(personas, **changes):
    data = {
        "code": "NEW01",
        "name": "新干部",
        "gender": "F",
        "birth_date": "1990-03-04",
        "unit": personas.unit.pk,
        "rank": rank().pk,
        "role": UnitRole.STAFF,
        "post_title": "科员",
        "resume-TOTAL_FORMS": "0",
        "resume-INITIAL_FORMS": "0",
        "credits-TOTAL_FORMS": "0",
        "credits-INITIAL_FORMS": "0",
    }
    return data | changes


def test_cadre_form_normalizes_the_name_and_refuses_a_code_in_other_case(client, personas):
    client.force_login(personas.org_staff.user)
    response = client.post(reverse("cadres:cadre_create"), _form_data(personas, code=" new01 ", name="赵　六"))
    assert response.status_code == 302
    assert Cadre.objects.get(code="NEW01").name == "赵六"

    again = client.post(reverse("cadres:cadre_create"), _form_data(personas, code="New01", post_title="科员（保留）"))
    text = again.content.decode()
    assert again.status_code == 200
    assert "编号「NEW01」已被使用（编号不区分大小写）。" in text
    assert 'value="科员（保留）"' in text
    assert Cadre.objects.filter(code__iexact="new01").count() == 1


def test_api_normalizes_the_name_and_refuses_a_code_in_other_case(client, personas):
    client.force_login(personas.org_staff.user)
    payload = {
        "code": "api01",
        "name": "钱\u3000七",
        "gender": "M",
        "birth_date": "1988-01-01",
        "unit": personas.unit.pk,
        "rank": "一般干部",
        "role": UnitRole.STAFF,
    }
    created = client.post("/api/cadres/", payload, content_type="application/json")
    assert created.status_code == 201, created.json()
    assert (created.json()["code"], created.json()["name"]) == ("API01", "钱七")
    clash = client.post("/api/cadres/", payload | {"code": " Api01 "}, content_type="application/json")
    assert clash.status_code == 400
    assert "已被使用" in str(clash.json())
    assert Cadre.objects.filter(code__iexact="api01").count() == 1


def test_search_for_a_name_without_spaces_finds_a_row_stored_with_them_after_the_migration(client, personas):
    migration = importlib.import_module("cadres.migrations.0004_normalize_cadre_names_and_codes")
    cadre = CadreFactory(unit=personas.unit, with_account=True)
    # a row written before the rule, as the old import stored it
    Cadre.objects.filter(pk=cadre.pk).update(name="张　伟", code="old01")
    type(cadre.user).objects.filter(pk=cadre.user_id).update(username="old01")
    client.force_login(personas.org_staff.user)
    assert "张　伟" not in client.get(reverse("cadres:cadre_list"), {"q": "张伟"}).content.decode()

    migration.normalize(apps, None)
    cadre.refresh_from_db()
    assert (cadre.name, cadre.code, cadre.user.username) == ("张伟", "OLD01", "OLD01")
    page = client.get(reverse("cadres:cadre_list"), {"q": "张伟"}).content.decode()
    assert "张伟" in page and "OLD01" in page
    assert "OLD01" in client.get(reverse("cadres:cadre_list"), {"q": "张 伟"}).content.decode()


def test_login_by_code_works_in_any_case(client, personas):
    code = personas.cadre.code
    response = client.post(reverse("login"), {"username": f" {code.lower()} ", "password": PASSWORD})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == personas.cadre.user.pk


def test_roster_import_into_existing_names_keeps_minority_dot_in_export(client, personas):
    import_rows([*valid_rows(), row("E0004", "买买提 · 艾力")])
    client.force_login(personas.org_staff.user)
    from io import BytesIO

    from openpyxl import load_workbook

    book = load_workbook(BytesIO(client.get(reverse("cadres:roster_export")).content))
    names = [r[1] for r in book.worksheets[0].iter_rows(values_only=True)]
    assert "买买提·艾力" in names
