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


def _audit_page(client, **params):
    response = client.get(reverse("cadres:audit_log"), params)
    assert response.status_code == 200, params
    return response.content.decode()


def _upload(client, name, content, capture):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with capture(execute=True):
        client.post(reverse("cadres:roster_import"), {"file": SimpleUploadedFile(name, content)})


def test_trail_reads_after_a_roster_import_that_added_cadres(client, personas, django_capture_on_commit_callbacks):
    """The import writes its own entries with no "before" for new cadres; the page used to answer 500."""
    from .roster_files import valid_rows, xlsx

    client.force_login(personas.org_staff.user)
    _upload(client, "roster.xlsx", xlsx(valid_rows()), django_capture_on_commit_callbacks)
    assert LogEntry.objects.filter(additional_data__source="roster:roster.xlsx").count() == 5

    rows = _audit_page(client).split('id="audit-table"')[1]
    assert "钱局长" in rows and "— → 钱局长" in rows
    assert "None" not in rows
    assert "钱局长" in _audit_page(client, model="cadre")


def test_trail_reads_after_every_kind_of_audited_write(client, personas, django_capture_on_commit_callbacks):
    """One write of every audited model, through pages where they exist, then every filter of the trail."""
    from datetime import date

    from achievements.models import Achievement, LeavePeriod, WorkdayOverride
    from cadres.selectors import audited_models

    from .factories import FeedbackFactory, NoticeFactory, category, open_period, pass_gate
    from .roster_files import row, valid_rows, xlsx

    client.force_login(personas.org_staff.user)
    _upload(client, "a.xlsx", xlsx(valid_rows()), django_capture_on_commit_callbacks)
    # a re-import that changes a cadre (update entries) and one that adds a cadre to an existing unit
    rows = [*valid_rows(), row("FG009", "新来的", unit="区发改局")]
    rows[2] = row("FG003", "李科员", post="规划科科长")
    _upload(client, "b.xlsx", xlsx(rows), django_capture_on_commit_callbacks)
    client.post(
        reverse("cadres:unit_create"),
        {"name": "青山区档案馆", "category": UnitCategory.DISTRICT_DEPARTMENT, "sort_order": 0, "is_active": "on"},
    )
    client.post(
        reverse("cadres:org_settings"),
        {"principal_male_age": 54, "principal_female_age": 50, "deputy_male_age": 52, "deputy_female_age": 49},
    )
    client.post(reverse("cadres:cadre_deactivate", args=[personas.stranger.pk]))
    client.post(reverse("cadres:cadre_reactivate", args=[personas.stranger.pk]))
    client.post(reverse("cadres:cadre_reset_password", args=[personas.colleague.pk]))
    Unit.objects.get(name="青山区档案馆").delete()
    WorkdayOverride.objects.create(day=date(2027, 2, 8), is_workday=False, note="春节")
    LeavePeriod.objects.create(cadre=personas.cadre, start=date(2026, 3, 2), end=date(2026, 3, 3))
    Achievement.objects.create(
        created_by=personas.cadre,
        unit=personas.cadre.unit,
        title="招商",
        date=date(2026, 3, 2),
        category=category(),
        description="签约",
    )
    period = open_period(2026, 1)
    notice = NoticeFactory(cadre=personas.cadre)
    pass_gate(notice)
    FeedbackFactory(notice=notice)
    period.delete()

    assert LogEntry.objects.filter(additional_data__source="roster:b.xlsx").count() == 2
    assert "新来的" in _audit_page(client)
    for model, _label in audited_models():
        _audit_page(client, model=model)
    for actor in ("", personas.org_staff.user.username):
        _audit_page(client, actor=actor)
