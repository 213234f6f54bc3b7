"""Cadre and unit writes go through one set of rules: the page and the API refuse the same bad input
with the same sentence on the same field, and neither writes anything."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cadres.models import Cadre, Unit, UnitRole

from .factories import rank

pytestmark = pytest.mark.django_db

TOMORROW = (timezone.localdate() + timedelta(days=1)).isoformat()


@pytest.fixture
def staff_client(client, personas):
    client.force_login(personas.org_staff.user)
    return client


def _cadres() -> list[dict]:
    return list(Cadre.objects.order_by("pk").values())


def _units() -> list[dict]:
    return list(Unit.objects.order_by("pk").values())


def _record(personas, cadre: Cadre | None = None) -> dict:
    """The fields both paths send: a new cadre's, or an existing cadre's as they are."""
    if cadre is None:
        return {"code": "NEW01", "name": "新干部", "gender": "F", "birth_date": "1990-03-04", "unit": personas.unit.pk}
    return {f: getattr(cadre, f) for f in ("code", "name", "gender")} | {
        "birth_date": cadre.birth_date.isoformat(),
        "unit": cadre.unit_id,
    }


def _page_data(personas, cadre: Cadre | None = None, **changes) -> dict:
    sections = {
        f"{prefix}-{count}": "0" for prefix in ("resume", "credits") for count in ("TOTAL_FORMS", "INITIAL_FORMS")
    }
    level = cadre.rank if cadre else rank()
    role = cadre.role if cadre else UnitRole.STAFF
    return _record(personas, cadre) | {"rank": level.pk, "role": role, "post_title": "科员"} | sections | changes


def _api_data(personas, **changes) -> dict:
    return _record(personas) | {"rank": rank().name, "role": UnitRole.STAFF, "post_title": "科员"} | changes


def _page_errors(response) -> dict[str, list[str]]:
    assert response.status_code == 200
    return {field: list(messages) for field, messages in response.context["form"].errors.items()}


BAD_CADRE_INPUT = [
    pytest.param("name", "<b>新干部</b>", "姓名不能包含 < 或 > 符号。", id="name-markup"),
    pytest.param("birth_date", TOMORROW, "出生日期不能晚于今天。", id="birth-date-future"),
    pytest.param("code", "taken", "", id="code-taken-in-other-case"),
]


def _bad_value(personas, field: str, value: str, message: str) -> tuple[str, str]:
    if value == "taken":  # another cadre's 编号, typed in lower case with spaces
        return (
            f" {personas.colleague.code.lower()} ",
            f"编号「{personas.colleague.code}」已被使用（编号不区分大小写）。",
        )
    return value, message


@pytest.mark.parametrize(("field", "value", "message"), BAD_CADRE_INPUT)
def test_a_new_cadre_with_bad_input_gets_the_same_field_error_on_the_page_and_in_the_api(
    staff_client, personas, field, value, message
):
    value, message = _bad_value(personas, field, value, message)
    before = _cadres()

    page = staff_client.post(reverse("cadres:cadre_create"), _page_data(personas, **{field: value}))
    api = staff_client.post("/api/cadres/", _api_data(personas, **{field: value}), content_type="application/json")

    assert _page_errors(page) == {field: [message]}
    assert api.status_code == 400 and api.json() == {field: [message]}
    assert _cadres() == before


@pytest.mark.parametrize(("field", "value", "message"), BAD_CADRE_INPUT)
def test_a_changed_cadre_with_bad_input_gets_the_same_field_error_on_the_page_and_in_the_api(
    staff_client, personas, field, value, message
):
    value, message = _bad_value(personas, field, value, message)
    cadre = personas.cadre
    before = _cadres()

    page = staff_client.post(
        reverse("cadres:cadre_edit", args=[cadre.pk]), _page_data(personas, cadre, **{field: value})
    )
    api = staff_client.patch(f"/api/cadres/{cadre.pk}/", {field: value}, content_type="application/json")

    assert _page_errors(page) == {field: [message]}
    assert api.status_code == 400 and api.json() == {field: [message]}
    assert _cadres() == before


def test_good_input_is_written_alike_on_both_paths(staff_client, personas):
    page = staff_client.post(reverse("cadres:cadre_create"), _page_data(personas, code=" web01 ", name="赵　六"))
    api = staff_client.post(
        "/api/cadres/", _api_data(personas, code=" api01 ", name="赵　七"), content_type="application/json"
    )
    assert page.status_code == 302 and api.status_code == 201, api.json()
    assert dict(Cadre.objects.filter(code__in=["WEB01", "API01"]).values_list("code", "name")) == {
        "WEB01": "赵六",
        "API01": "赵七",
    }


def test_a_unit_under_its_own_subordinate_is_refused_alike_on_the_page_and_in_the_api(staff_client, personas):
    top, child = personas.superior_unit, personas.unit  # the child's parent is the top unit
    before = _units()
    message = "上级单位不能是本单位或其下级单位。"

    page = staff_client.post(
        reverse("cadres:unit_edit", args=[top.pk]),
        {
            "name": top.name,
            "category": top.category,
            "parent": child.pk,
            "sort_order": top.sort_order,
            "is_active": "on",
        },
    )
    api = staff_client.patch(f"/api/units/{top.pk}/", {"parent": child.pk}, content_type="application/json")

    assert _page_errors(page) == {"parent": [message]}
    assert api.status_code == 400 and api.json() == {"parent": [message]}
    assert _units() == before


def test_a_unit_is_created_and_moved_through_the_api_as_on_the_page(staff_client, personas):
    created = staff_client.post(
        "/api/units/", {"name": "区新单位", "category": personas.unit.category}, content_type="application/json"
    )
    assert created.status_code == 201, created.json()
    moved = staff_client.patch(
        f"/api/units/{created.json()['id']}/", {"parent": personas.unit.pk}, content_type="application/json"
    )
    assert moved.status_code == 200, moved.json()
    assert Unit.objects.get(name="区新单位").parent == personas.unit
