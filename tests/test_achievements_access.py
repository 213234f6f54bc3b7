"""Who reads and opens what in 晒实绩, persona by persona (403 for another role's page, 404 outside scope)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from achievements import services
from achievements.models import (
    AchievementAttachment,
    DailyLog,
    DossierExport,
    LeavePeriod,
    RecordRules,
    SelfAssessment,
    WorkdayOverride,
)

from .factories import CHINESE_LOG, AchievementFactory, DailyLogFactory, SummaryFactory
from .personas import WITH_TEAM_MEMBER as PERSONAS
from .personas import check_get, copy_of, login, matrix
from .personas import expect as base_expect
from .support import TINY_PDF, today

pytestmark = pytest.mark.django_db


def expect(default: int, **overrides: int) -> dict[str, int]:
    return base_expect(default, personas=PERSONAS, **overrides)


@pytest.fixture
def personas(shared_personas):
    return copy_of(shared_personas)


@pytest.fixture
def records(personas):
    """One of each record, written by 张干部 (cadre) in 区教师发展中心."""
    from django.core.files.base import ContentFile

    log = DailyLogFactory(author=personas.cadre, day=today(), text=CHINESE_LOG)
    summary = SummaryFactory(author=personas.cadre, year=today().year, text="年度总结" * 60)
    achievement = AchievementFactory(created_by=personas.cadre, date=today())
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


# (url name, kwargs from the personas and records, expected status per persona)
PAGES = [
    ("achievements:my_logs", lambda p, r: {}, CADRE_PAGE),
    ("achievements:feed", lambda p, r: {}, CADRE_PAGE),
    ("achievements:summaries", lambda p, r: {}, CADRE_PAGE),
    ("achievements:summary_annual", lambda p, r: {"year": today().year}, CADRE_PAGE),
    ("achievements:my_deductions", lambda p, r: {}, CADRE_PAGE),
    ("achievements:cadre_deductions", lambda p, r: {"pk": p.cadre.pk}, IN_SCOPE_OF_CADRE),
    (
        "achievements:leave_list",
        lambda p, r: {},
        expect(403, leader=200, team_member=200, superior_leader=200, org_staff=200, admin=200),
    ),
    ("achievements:my_records", lambda p, r: {}, CADRE_PAGE),
    ("achievements:record_new", lambda p, r: {}, CADRE_PAGE),
    ("achievements:record_detail", lambda p, r: {"pk": r["achievement"].pk}, UNIT_RECORD),
    ("achievements:record_edit", lambda p, r: {"pk": r["achievement"].pk}, expect(404, cadre=200, admin=403)),
    ("achievements:attachment_download", lambda p, r: {"pk": r["attachment"].pk}, UNIT_RECORD),
    ("achievements:verification", lambda p, r: {}, STAFF_ONLY),
    ("achievements:assessments", lambda p, r: {}, expect(200, discipline=403, admin=200)),
    ("achievements:assessment_new", lambda p, r: {}, CADRE_PAGE),
    (
        "achievements:assessment_detail",
        lambda p, r: {"pk": r["assessment"].pk},
        expect(404, cadre=200, leader=200, team_member=200, superior_leader=200, org_staff=200, admin=200),
    ),
    (
        "achievements:assessment_edit",
        lambda p, r: {"pk": r["assessment"].pk},
        expect(404, cadre=302, leader=403, team_member=403, superior_leader=403, org_staff=403, admin=403),
    ),
    ("achievements:my_archive", lambda p, r: {}, expect(302, admin=403)),
    ("achievements:cadre_archive", lambda p, r: {"pk": p.cadre.pk, "year": today().year}, IN_SCOPE_OF_CADRE),
    ("achievements:exports", lambda p, r: {}, STAFF_ONLY),
    ("achievements:export_status", lambda p, r: {"pk": r["export"].pk}, STAFF_ONLY),
    ("achievements:export_download", lambda p, r: {"pk": r["export"].pk}, expect(403, org_staff=404, admin=404)),
    ("achievements:workdays", lambda p, r: {}, STAFF_ONLY),
    ("achievements:rules_list", lambda p, r: {}, STAFF_ONLY),
    ("achievements:rules_new", lambda p, r: {}, STAFF_ONLY),
    ("achievements:rules_edit", lambda p, r: {"pk": r["rules"].pk}, STAFF_ONLY),
    ("achievements:reminders", lambda p, r: {}, STAFF_ONLY),
    ("achievements:verify", lambda p, r: {}, dict.fromkeys(PERSONAS, 200)),
]


@pytest.mark.parametrize(
    ("persona", "page", "expected"), matrix(((n, (n, k), e) for n, k, e in PAGES), personas=PERSONAS)
)
def test_every_page_per_persona(client, personas, records, persona, page, expected):
    name, kwargs = page
    check_get(client, personas, persona, reverse(name, kwargs=kwargs(personas, records)), expected)


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


@pytest.mark.parametrize(
    ("persona", "write", "expected"), matrix(((n, (n, t), e) for n, t, e in POSTS), personas=PERSONAS)
)
def test_writes_per_persona(client, personas, records, persona, write, expected):
    """Each persona on fresh records (one test each): a write one persona may make hides no one else's answer."""
    name, target = write
    login(client, personas, persona)
    obj = records[target]
    response = client.post(reverse(name, args=[obj.pk]), {"verification_status": "verified"})
    assert response.status_code == expected, f"{persona} POST {name}"


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
