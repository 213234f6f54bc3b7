"""The audit trail: changes to units, cadres, users and settings, who and when."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from cadres.models import OrgSettings, Unit, UnitCategory

pytestmark = pytest.mark.django_db


def test_changes_through_pages_are_recorded_with_the_actor(client, personas):
    client.force_login(personas.org_staff.user)
    client.post(
        reverse("cadres:unit_edit", args=[personas.other_unit.pk]),
        {"name": "青石镇人民政府", "category": UnitCategory.TOWNSHIP, "sort_order": 0, "is_active": "on"},
    )
    client.post(
        reverse("cadres:org_settings"),
        {"principal_male_age": 54, "principal_female_age": 50, "deputy_male_age": 52, "deputy_female_age": 49},
    )
    client.post(reverse("cadres:cadre_deactivate", args=[personas.stranger.pk]))

    unit_entry = LogEntry.objects.get_for_object(Unit.objects.get(pk=personas.other_unit.pk)).latest("timestamp")
    assert unit_entry.actor == personas.org_staff.user
    assert unit_entry.changes["name"] == ["青石镇", "青石镇人民政府"]
    settings_entry = LogEntry.objects.get_for_object(OrgSettings.load()).latest("timestamp")
    assert settings_entry.changes["principal_male_age"] == ["53", "54"]
    user_entry = LogEntry.objects.get_for_object(personas.stranger.user).latest("timestamp")
    assert user_entry.changes["is_active"] == ["True", "False"]
    assert "password" not in user_entry.changes


def test_staff_read_the_trail_with_filters_and_nobody_else_can(client, personas):
    client.force_login(personas.org_staff.user)
    client.post(reverse("cadres:cadre_deactivate", args=[personas.stranger.pk]))
    page = client.get(reverse("cadres:audit_log"), {"model": "cadre"})
    text = page.content.decode()
    assert "孙镇干部" in text and "在职" in text
    assert all(e.content_type.model == "cadre" for e in page.context["page"])
    by_actor = client.get(reverse("cadres:audit_log"), {"actor": "考核办"})
    assert len(by_actor.context["page"]) >= 1
    client.force_login(personas.leader.user)
    assert client.get(reverse("cadres:audit_log")).status_code == 403


def test_trail_names_actions_in_chinese_and_lists_only_the_units_own_fields(client, personas):
    client.force_login(personas.org_staff.user)
    client.post(
        reverse("cadres:unit_create"),
        {"name": "青山区档案馆", "category": UnitCategory.DISTRICT_DEPARTMENT, "sort_order": 0, "is_active": "on"},
    )
    Unit.objects.get(name="青山区档案馆").delete()  # the admin deletes; the trail keeps the record

    page = client.get(reverse("cadres:audit_log"), {"model": "unit"})
    rows = page.content.decode().split('id="audit-table"')[1]
    assert "新增" in rows and "删除" in rows
    assert ">create<" not in rows and ">delete<" not in rows
    assert "单位名称" in rows and "青山区档案馆" in rows
    # auditlog also writes the reverse relations of a deleted unit ("children: cadres.Unit.None").
    assert "children" not in rows and "cadres.Cadre.None" not in rows
