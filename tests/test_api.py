"""The REST API: same scopes as the pages, 400 with field errors, an OpenAPI schema."""

import pytest

from cadres.models import Cadre

from .factories import rank

pytestmark = pytest.mark.django_db


def codes(response) -> set[str]:
    return {c["code"] for c in response.json()["results"]}


def test_cadre_list_is_scoped_like_the_pages(client, personas):
    client.force_login(personas.cadre.user)
    assert codes(client.get("/api/cadres/")) == {personas.cadre.code}
    client.force_login(personas.leader.user)
    assert codes(client.get("/api/cadres/")) == {
        personas.cadre.code,
        personas.colleague.code,
        personas.leader.code,
        personas.team_member.code,
    }
    client.force_login(personas.org_staff.user)
    assert len(codes(client.get("/api/cadres/"))) == Cadre.objects.count()
    client.force_login(personas.stranger.user)
    assert client.get(f"/api/cadres/{personas.cadre.pk}/").status_code == 404


def test_private_fields_only_for_staff(client, personas):
    client.force_login(personas.leader.user)
    assert "id_number" not in client.get(f"/api/cadres/{personas.cadre.pk}/").json()
    client.force_login(personas.org_staff.user)
    assert "id_number" in client.get(f"/api/cadres/{personas.cadre.pk}/").json()


def test_only_staff_write_and_bad_input_gets_field_errors(client, personas):
    payload = {
        "code": "API01",
        "name": "接口新增",
        "gender": "M",
        "birth_date": "1991-01-01",
        "unit": personas.unit.pk,
        "rank": "一般干部",
        "role": "staff",
    }
    client.force_login(personas.leader.user)
    assert client.post("/api/cadres/", payload, content_type="application/json").status_code == 403
    client.force_login(personas.org_staff.user)
    created = client.post("/api/cadres/", payload, content_type="application/json")
    assert created.status_code == 201
    bad = client.post(
        "/api/cadres/",
        {**payload, "name": "<i>x</i>", "birth_date": "1991-02-30", "rank": "处级"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert set(bad.json()) == {"code", "name", "birth_date", "rank"}
    assert bad.json()["name"] == ["姓名不能包含 < 或 > 符号。"]
    assert Cadre.objects.filter(code="API01").count() == 1


def test_filters_and_deactivate(client, personas):
    client.force_login(personas.org_staff.user)
    found = client.get("/api/cadres/", {"rank": rank("正科级").pk})
    assert codes(found) == {personas.superior_leader.code}
    response = client.post(f"/api/cadres/{personas.stranger.pk}/deactivate/")
    assert response.status_code == 200 and response.json()["is_active"] is False


def test_me_and_schema(client, personas):
    client.force_login(personas.leader.user)
    me = client.get("/api/me/").json()
    assert me["roles"] == ["cadre", "leader"] and me["cadre"]["code"] == personas.leader.code
    schema = client.get("/api/schema/", {"format": "json"}).json()
    assert "/api/cadres/" in schema["paths"] and "/api/cadres/{id}/deactivate/" in schema["paths"]
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and "http" not in docs.content.decode().split("<script")[0].split("<link")[1][:20]
