"""Who reads and opens what in 晒实绩, persona by persona (403 for another role's page, 404 outside scope)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from achievements import services
from achievements.models import (
    Achievement,
    AchievementAttachment,
    DailyLog,
    DossierExport,
    LeavePeriod,
    RecordRules,
    SelfAssessment,
    Summary,
    SummaryKind,
    WorkdayOverride,
)

from .achievements_helpers import CHINESE_LOG, TINY_PDF, category, today
from .test_access import PERSONAS as BASE_PERSONAS
from .test_access import expect as base_expect

pytestmark = pytest.mark.django_db
PERSONAS = (*BASE_PERSONAS, "team_member")


def expect(default: int, **overrides: int) -> dict[str, int]:
    return base_expect(default, **{"team_member": default, **overrides})


@pytest.fixture
def records(personas):
    """One of each record, written by 张干部 (cadre) in 区教师发展中心."""
    from django.core.files.base import ContentFile

    log = DailyLog.objects.create(author=personas.cadre, unit=personas.unit, day=today(), text=CHINESE_LOG)
    summary = Summary.objects.create(
        author=personas.cadre, unit=personas.unit, kind=SummaryKind.ANNUAL, year=today().year, text="年度总结" * 60
    )
    achievement = Achievement.objects.create(
        title="完成教师培训",
        date=today(),
        category=category(),
        description="组织培训三期。",
        created_by=personas.cadre,
        unit=personas.unit,
    )
    attachment = AchievementAttachment.objects.create(
        achievement=achievement,
        file=ContentFile(TINY_PDF, name="evidence.pdf"),
        original_name="证明.pdf",
        size=len(TINY_PDF),
        content_type="application/pdf",
    )
    assessment = SelfAssessment.objects.create(
        author=personas.cadre, unit=personas.unit, year=today().year, performance="主要实绩" * 40, state="submitted"
    )
    export = DossierExport.objects.create(unit=personas.unit, year_from=today().year, year_to=today().year)
    leave = LeavePeriod.objects.create(cadre=personas.cadre, start=today(), end=today())
    rules = RecordRules.objects.create(year=today().year)
    override = WorkdayOverride.objects.create(day=today() + timedelta(days=400), is_workday=False)
    return {
        "log": log,
        "summary": summary,
        "achievement": achievement,
        "attachment": attachment,
        "assessment": assessment,
        "export": export,
        "leave": leave,
        "rules": rules,
        "override": override,
    }


CADRE_PAGE = expect(200, admin=403)
STAFF_ONLY = expect(403, org_staff=200, admin=200)
IN_SCOPE_OF_CADRE = expect(404, cadre=200, leader=200, team_member=200, superior_leader=200, org_staff=200, admin=200)
UNIT_RECORD = expect(
    404, cadre=200, colleague=200, leader=200, team_member=200, superior_leader=200, org_staff=200, admin=200
)


def pages(personas, records):
    year = today().year
    cadre = personas.cadre.pk
    return [
        ("achievements:my_logs", {}, CADRE_PAGE),
        ("achievements:feed", {}, CADRE_PAGE),
        ("achievements:summaries", {}, CADRE_PAGE),
        ("achievements:summary_annual", {"year": year}, CADRE_PAGE),
        ("achievements:my_deductions", {}, CADRE_PAGE),
        ("achievements:cadre_deductions", {"pk": cadre}, IN_SCOPE_OF_CADRE),
        (
            "achievements:leave_list",
            {},
            expect(403, leader=200, team_member=200, superior_leader=200, org_staff=200, admin=200),
        ),
        ("achievements:my_records", {}, CADRE_PAGE),
        ("achievements:record_new", {}, CADRE_PAGE),
        ("achievements:record_detail", {"pk": records["achievement"].pk}, UNIT_RECORD),
        ("achievements:record_edit", {"pk": records["achievement"].pk}, expect(404, cadre=200, admin=403)),
        ("achievements:attachment_download", {"pk": records["attachment"].pk}, UNIT_RECORD),
        ("achievements:verification", {}, STAFF_ONLY),
        ("achievements:assessments", {}, expect(200, discipline=403, admin=200)),
        ("achievements:assessment_new", {}, CADRE_PAGE),
        (
            "achievements:assessment_detail",
            {"pk": records["assessment"].pk},
            expect(404, cadre=200, leader=200, team_member=200, superior_leader=200, org_staff=200, admin=200),
        ),
        (
            "achievements:assessment_edit",
            {"pk": records["assessment"].pk},
            expect(404, cadre=302, leader=403, team_member=403, superior_leader=403, org_staff=403, admin=403),
        ),
        ("achievements:my_archive", {}, expect(302, admin=403)),
        ("achievements:cadre_archive", {"pk": cadre, "year": year}, IN_SCOPE_OF_CADRE),
        ("achievements:exports", {}, STAFF_ONLY),
        ("achievements:export_status", {"pk": records["export"].pk}, STAFF_ONLY),
        ("achievements:export_download", {"pk": records["export"].pk}, expect(403, org_staff=404, admin=404)),
        ("achievements:workdays", {}, STAFF_ONLY),
        ("achievements:rules_list", {}, STAFF_ONLY),
        ("achievements:rules_new", {}, STAFF_ONLY),
        ("achievements:rules_edit", {"pk": records["rules"].pk}, STAFF_ONLY),
        ("achievements:reminders", {}, STAFF_ONLY),
        ("achievements:verify", {}, dict.fromkeys(PERSONAS, 200)),
    ]


def test_every_page_per_persona(client, personas, records):
    for name, kwargs, expected in pages(personas, records):
        url = reverse(name, kwargs=kwargs)
        for persona in PERSONAS:
            client.logout()
            user = personas.user(persona)
            if user is not None:
                client.force_login(user)
            response = client.get(url)
            assert response.status_code == expected[persona], f"{persona} GET {url}"
            if response.status_code == 302 and persona == "anonymous":
                assert response["Location"].startswith(reverse("login"))


POSTS = [
    (
        "achievements:leave_delete",
        "leave",
        expect(403, leader=302, team_member=302, superior_leader=302, org_staff=302, admin=302),
    ),
    ("achievements:record_verify", "achievement", expect(403, org_staff=302, admin=302)),
    ("achievements:record_delete", "achievement", expect(404, cadre=302, admin=403)),
    ("achievements:attachment_delete", "attachment", expect(404, cadre=302, admin=403)),
    ("achievements:workday_delete", "override", expect(403, org_staff=302, admin=302)),
]


@pytest.mark.parametrize(("name", "target", "expected"), POSTS, ids=[p[0] for p in POSTS])
def test_writes_per_persona(client, personas, records, name, target, expected):
    """Each persona in turn; a write that succeeds is undone by the fresh fixture of the next test."""
    for persona in PERSONAS:
        client.logout()
        user = personas.user(persona)
        if user is not None:
            client.force_login(user)
        obj = records[target]
        if not type(obj).objects.filter(pk=obj.pk).exists():
            break  # done: someone allowed deleted it, everyone before was refused
        response = client.post(reverse(name, args=[obj.pk]), {"verification_status": "verified"})
        assert response.status_code == expected[persona], f"{persona} POST {name}"


def test_feed_shows_the_unit_to_colleagues_and_superior_leaders_only(client, personas, records):
    url = reverse("achievements:feed")
    unit = {"unit": personas.unit.pk}
    for persona in ("cadre", "colleague", "leader", "team_member", "superior_leader"):
        client.force_login(personas.user(persona))
        page = client.get(url, unit).content.decode()
        assert CHINESE_LOG in page, persona
    for persona in ("stranger", "org_staff"):
        client.force_login(personas.user(persona))
        assert client.get(url, unit).status_code == 404, persona
    client.force_login(personas.colleague.user)
    assert client.get(url, {"unit": personas.superior_unit.pk}).status_code == 404
    client.force_login(personas.stranger.user)
    assert CHINESE_LOG not in client.get(url).content.decode()


def test_a_cadre_who_moves_leaves_their_logs_with_the_old_unit(client, personas, records):
    """Logs are shown in the unit they were written in: old colleagues keep reading the mover's
    earlier logs, the new colleagues read only what was written after the move."""
    old_log = records["log"]
    mover = personas.cadre
    mover.unit = personas.stranger.unit
    mover.save()
    new_log = services.daily_log_save(author=mover, day=today(), text=CHINESE_LOG + "（新单位）")
    assert new_log.pk == old_log.pk and new_log.unit == personas.unit  # the same day stays where it was written
    later = DailyLog.objects.create(
        author=mover, unit=mover.unit, day=today() - timedelta(days=1), text="到青石镇报到，熟悉镇里的重点工作。"
    )
    url = reverse("achievements:feed")
    week = {"start": (today() - timedelta(days=6)).isoformat(), "end": today().isoformat()}

    client.force_login(personas.colleague.user)
    old_unit = client.get(url, {"unit": personas.unit.pk, **week}).content.decode()
    assert CHINESE_LOG in old_unit and "到青石镇报到" not in old_unit
    assert f'<option value="{mover.pk}"' in old_unit  # still a person to filter by there

    client.force_login(personas.stranger.user)
    new_unit = client.get(url, {"unit": personas.other_unit.pk, **week}).content.decode()
    assert "到青石镇报到" in new_unit and CHINESE_LOG not in new_unit
    assert later.pk in {log["id"] for log in client.get("/api/daily-logs/").json()["results"]}
    assert old_log.pk not in {log["id"] for log in client.get("/api/daily-logs/").json()["results"]}

    client.force_login(mover.user)
    assert client.get(url, {"unit": personas.unit.pk}).status_code == 404
    own = {log["id"] for log in client.get("/api/daily-logs/").json()["results"]}
    assert {old_log.pk, later.pk} <= own  # their own logs, wherever written


def test_feed_filters_by_person_and_date(client, personas, records):
    DailyLog.objects.create(
        author=personas.colleague,
        unit=personas.unit,
        day=today() - timedelta(days=3),
        text="同事三天前的日志内容，整理教研材料。",
    )
    client.force_login(personas.leader.user)
    url = reverse("achievements:feed")
    by_person = client.get(url, {"unit": personas.unit.pk, "author": personas.colleague.pk}).content.decode()
    assert "同事三天前的日志内容" in by_person and CHINESE_LOG not in by_person
    by_date = client.get(url, {"unit": personas.unit.pk, "start": today().isoformat(), "end": today().isoformat()})
    assert CHINESE_LOG in by_date.content.decode() and "同事三天前" not in by_date.content.decode()


def test_api_lists_only_readable_logs_and_records(client, personas, records):
    for persona, sees in (("colleague", True), ("superior_leader", True), ("stranger", False)):
        client.force_login(personas.user(persona))
        logs = client.get("/api/daily-logs/").json()["results"]
        assert (records["log"].pk in {log["id"] for log in logs}) is sees, persona
        achievements = client.get("/api/achievements/").json()["results"]
        assert (records["achievement"].pk in {a["id"] for a in achievements}) is sees, persona
        summaries = client.get("/api/summaries/").json()["results"]
        assert (records["summary"].pk in {s["id"] for s in summaries}) is sees, persona
    client.force_login(personas.stranger.user)
    assert client.get(f"/api/daily-logs/{records['log'].pk}/").status_code == 404
    client.logout()
    assert client.get("/api/daily-logs/").status_code == 403


def test_hidden_record_answers_like_a_missing_one(client, personas, records):
    client.force_login(personas.stranger.user)
    hidden = client.get(reverse("achievements:record_detail", args=[records["achievement"].pk]))
    missing = client.get(reverse("achievements:record_detail", args=[999999]))
    assert hidden.status_code == missing.status_code == 404


def test_api_schema_documents_the_endpoints(client, personas):
    client.force_login(personas.cadre.user)
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]
    for path in (
        "/api/daily-logs/",
        "/api/daily-logs/{id}/",
        "/api/summaries/",
        "/api/achievements/",
        "/api/achievements/{id}/verify/",
        "/api/achievements/{id}/attachments/",
    ):
        assert path in paths, path
    assert "put" not in paths["/api/daily-logs/{id}/"] and "delete" not in paths["/api/daily-logs/{id}/"]


def test_user_text_is_escaped_on_the_pages(client, personas):
    DailyLog.objects.create(
        author=personas.colleague,
        unit=personas.unit,
        day=today(),
        text='<script>alert("x")</script><img src=x onerror=alert(1)>今天整理了教研资料。',
    )
    client.force_login(personas.cadre.user)
    page = client.get(reverse("achievements:feed")).content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
