"""Org staff's cadre and unit pages; a cadre's own profile; leaders' view of their units."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from cadres.models import Cadre, ResumeEntry, StudyCredit, Unit, UnitCategory, UnitRole

from .factories import CadreFactory, UnitFactory, rank

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, personas):
    client.force_login(personas.org_staff.user)
    return client


def list_names(response) -> list[str]:
    return [c.name for c in response.context["page"]]


def test_list_searches_by_name_or_code(staff_client, personas):
    assert list_names(staff_client.get(reverse("cadres:cadre_list"), {"q": "张干"})) == ["张干部"]
    by_code = staff_client.get(reverse("cadres:cadre_list"), {"q": personas.leader.code})
    assert list_names(by_code) == ["王主任"]


def test_list_filters_by_unit_category_rank_and_role(staff_client, personas):
    url = reverse("cadres:cadre_list")
    assert set(list_names(staff_client.get(url, {"unit": personas.unit.pk}))) == {
        "张干部",
        "李同事",
        "王主任",
        "赵副主任",
    }
    assert list_names(staff_client.get(url, {"category": UnitCategory.TOWNSHIP})) == ["孙镇干部"]
    assert list_names(staff_client.get(url, {"rank": rank("正科级").pk})) == ["钱局长"]
    leaders = staff_client.get(url, {"role": UnitRole.MAIN_LEADER})
    assert set(list_names(leaders)) == {"王主任", "钱局长"}


def test_list_paginates_at_fifty_and_keeps_filters_in_page_links(staff_client, personas):
    CadreFactory.create_batch(60, unit=personas.other_unit)
    response = staff_client.get(reverse("cadres:cadre_list"), {"unit": personas.other_unit.pk})
    assert len(response.context["page"]) == 50
    assert f"unit={personas.other_unit.pk}&amp;page=2" in response.content.decode()
    second = staff_client.get(reverse("cadres:cadre_list"), {"unit": personas.other_unit.pk, "page": 2})
    assert len(second.context["page"]) == 11


def test_private_data_is_shown_to_staff_and_self_only(client, personas):
    Cadre.objects.filter(pk=personas.cadre.pk).update(id_number="430100198506150011", phone="13900000000")
    url = reverse("cadres:cadre_detail", kwargs={"pk": personas.cadre.pk})
    for persona, sees in (("org_staff", True), ("cadre", True), ("leader", False), ("superior_leader", False)):
        client.force_login(personas.user(persona))
        text = client.get(url).content.decode()
        assert ("430100198506150011" in text) is sees, persona
        assert ("1985-06-15" in text) is sees, persona
        assert "1985年6月" in text or sees


def test_my_profile_shows_resume_and_study_credits(client, personas):
    ResumeEntry.objects.create(cadre=personas.cadre, start_date="2010-07-01", description="青石镇党政办科员")
    StudyCredit.objects.create(cadre=personas.cadre, year=2026, credits="86.5")
    client.force_login(personas.cadre.user)
    text = client.get(reverse("cadres:my_profile")).content.decode()
    assert "青石镇党政办科员" in text and "86.5" in text and "张干部" in text


def test_staff_create_cadre_with_resume_and_credits(staff_client, personas):
    data = {
        "code": "NEW01",
        "name": "新干部",
        "gender": "F",
        "birth_date": "1990-03-04",
        "unit": personas.unit.pk,
        "rank": rank().pk,
        "role": UnitRole.STAFF,
        "post_title": "科员",
        "resume-TOTAL_FORMS": "1",
        "resume-INITIAL_FORMS": "0",
        "resume-0-start_date": "2012-07-01",
        "resume-0-description": "教师发展中心科员",
        "credits-TOTAL_FORMS": "1",
        "credits-INITIAL_FORMS": "0",
        "credits-0-year": "2026",
        "credits-0-credits": "72",
    }
    response = staff_client.post(reverse("cadres:cadre_create"), data)
    cadre = Cadre.objects.get(code="NEW01")
    assert response.status_code == 302 and response["Location"] == reverse("cadres:cadre_detail", args=[cadre.pk])
    assert cadre.resume_entries.get().description == "教师发展中心科员"
    assert cadre.study_credits.get().credits == 72


def test_invalid_cadre_form_keeps_input_and_names_the_problem(staff_client, personas):
    data = {
        "code": personas.cadre.code,
        "name": "<b>坏名字</b>",
        "gender": "M",
        "birth_date": "2999-01-01",
        "unit": personas.unit.pk,
        "rank": rank().pk,
        "role": UnitRole.STAFF,
        "post_title": "科员（保留）",
        "resume-TOTAL_FORMS": "0",
        "resume-INITIAL_FORMS": "0",
        "credits-TOTAL_FORMS": "0",
        "credits-INITIAL_FORMS": "0",
    }
    response = staff_client.post(reverse("cadres:cadre_create"), data)
    text = response.content.decode()
    assert response.status_code == 200
    assert "已被使用" in text
    assert "姓名不能包含 &lt; 或 &gt; 符号" in text
    assert "出生日期不能晚于今天" in text
    assert 'value="科员（保留）"' in text
    assert Cadre.objects.filter(name__contains="坏名字").count() == 0


def test_photo_upload_is_served_only_to_those_who_may_see_the_cadre(staff_client, client, personas):
    png = io.BytesIO()
    Image.new("RGB", (30, 40), "red").save(png, format="PNG")
    cadre = personas.cadre
    data = {
        "code": cadre.code,
        "name": cadre.name,
        "gender": cadre.gender,
        "birth_date": "1985-06-15",
        "unit": cadre.unit_id,
        "rank": cadre.rank_id,
        "role": cadre.role,
        "photo": SimpleUploadedFile("me.png", png.getvalue(), content_type="image/png"),
        "resume-TOTAL_FORMS": "0",
        "resume-INITIAL_FORMS": "0",
        "credits-TOTAL_FORMS": "0",
        "credits-INITIAL_FORMS": "0",
    }
    assert staff_client.post(reverse("cadres:cadre_edit", args=[cadre.pk]), data).status_code == 302
    url = reverse("cadres:cadre_photo", args=[cadre.pk])
    assert staff_client.get(url)["Content-Type"] == "image/png"
    client.force_login(personas.stranger.user)
    assert client.get(url).status_code == 404
    client.force_login(personas.cadre.user)
    assert client.get(url).status_code == 200


def test_leader_sees_cadres_of_own_and_subordinate_units_only(client, personas):
    client.force_login(personas.superior_leader.user)
    for target in (personas.cadre, personas.leader):
        assert client.get(reverse("cadres:cadre_detail", args=[target.pk])).status_code == 200
    assert client.get(reverse("cadres:cadre_detail", args=[personas.stranger.pk])).status_code == 404
    client.force_login(personas.leader.user)
    assert client.get(reverse("cadres:cadre_detail", args=[personas.superior_leader.pk])).status_code == 404


def test_unit_tree_lists_children_under_parents_with_counts(staff_client, personas):
    response = staff_client.get(reverse("cadres:unit_list"))
    nodes = [(n.unit.name, n.depth, n.cadre_count) for n in response.context["nodes"]]
    superior = nodes.index(("区教育局", 0, 1))
    assert nodes[superior + 1] == ("区教师发展中心", 1, 4)


def test_unit_cannot_become_its_own_ancestor(staff_client, personas):
    response = staff_client.post(
        reverse("cadres:unit_edit", args=[personas.superior_unit.pk]),
        {"name": "区教育局", "category": UnitCategory.DISTRICT_DEPARTMENT, "parent": personas.unit.pk, "sort_order": 0},
    )
    assert response.status_code == 200
    assert "上级单位不能是本单位或其下级单位" in response.content.decode()
    assert Unit.objects.get(pk=personas.superior_unit.pk).parent is None


def test_staff_creates_unit(staff_client):
    response = staff_client.post(
        reverse("cadres:unit_create"),
        {"name": "柳溪镇", "category": UnitCategory.TOWNSHIP, "sort_order": 5, "is_active": "on"},
    )
    assert response.status_code == 302
    assert Unit.objects.get(name="柳溪镇").category == UnitCategory.TOWNSHIP


def test_home_for_staff_shows_counts(staff_client, personas):
    UnitFactory()
    text = staff_client.get(reverse("home")).content.decode()
    assert "在职干部" in text and "改非提醒" in text


def test_navigation_depends_on_role(client, personas):
    client.force_login(personas.cadre.user)
    text = client.get(reverse("home")).content.decode()
    assert reverse("cadres:my_profile") in text
    assert reverse("cadres:cadre_list") not in text
    client.force_login(personas.org_staff.user)
    text = client.get(reverse("home")).content.decode()
    assert reverse("cadres:cadre_list") in text and reverse("cadres:audit_log") in text
