"""Every staff page and API endpoint of 任前公示, per persona: org staff in, anyone else logged in
gets 404 (as for a notice that does not exist), anonymous users go to the login page."""

import pytest
from django.urls import reverse

from publicity.models import Notice, NoticeState

from .factories import NoticeFactory
from .personas import check_get, copy_of, expect, login, matrix

pytestmark = pytest.mark.django_db

STAFF_ONLY = expect(404, org_staff=200, admin=200)
POST_ONLY = expect(404, org_staff=405, admin=405)


@pytest.fixture
def personas(shared_personas):
    return copy_of(shared_personas)


@pytest.fixture
def notices(personas):
    return {
        "draft": NoticeFactory(cadre=personas.cadre),
        "gate": NoticeFactory(cadre=personas.colleague, state=NoticeState.GATE),
        "ended": NoticeFactory(cadre=personas.leader, ended=True),
    }


# (row id, (url name, args from the notices), expected status per persona)
PAGES = [
    ("notice_list", ("publicity:notice_list", lambda n: []), STAFF_ONLY),
    ("notice_create", ("publicity:notice_create", lambda n: []), STAFF_ONLY),
    ("settings", ("publicity:settings", lambda n: []), STAFF_ONLY),
    ("notice_detail:draft", ("publicity:notice_detail", lambda n: [n["draft"].pk]), STAFF_ONLY),
    ("notice_detail:gate", ("publicity:notice_detail", lambda n: [n["gate"].pk]), STAFF_ONLY),
    ("notice_detail:ended", ("publicity:notice_detail", lambda n: [n["ended"].pk]), STAFF_ONLY),
    ("notice_edit", ("publicity:notice_edit", lambda n: [n["draft"].pk]), STAFF_ONLY),
    ("publish_preview", ("publicity:publish_preview", lambda n: [n["gate"].pk]), STAFF_ONLY),
    ("notice_submit", ("publicity:notice_submit", lambda n: [n["draft"].pk]), POST_ONLY),
    ("notice_rebuild", ("publicity:notice_rebuild", lambda n: [n["draft"].pk]), POST_ONLY),
    ("notice_send_back", ("publicity:notice_send_back", lambda n: [n["gate"].pk]), POST_ONLY),
    ("gate_check", ("publicity:gate_check", lambda n: [n["gate"].pk, "quota"]), POST_ONLY),
    ("notice_publish", ("publicity:notice_publish", lambda n: [n["gate"].pk]), POST_ONLY),
    ("outcome_record", ("publicity:outcome_record", lambda n: [n["ended"].pk]), POST_ONLY),
]


@pytest.mark.parametrize(("persona", "page", "expected"), matrix(PAGES))
def test_every_staff_page_per_persona(client, personas, notices, persona, page, expected):
    name, args = page
    check_get(client, personas, persona, reverse(name, args=args(notices)), expected)


def test_missing_notice_is_404_for_staff_too(client, personas):
    client.force_login(personas.org_staff.user)
    assert client.get(reverse("publicity:notice_detail", args=[999999])).status_code == 404


def test_state_changes_are_refused_to_everyone_but_org_staff(client, personas, notices):
    draft, gate, ended = notices["draft"], notices["gate"], notices["ended"]
    posts = [
        (reverse("publicity:notice_submit", args=[draft.pk]), {}),
        (reverse("publicity:notice_rebuild", args=[draft.pk]), {}),
        (reverse("publicity:notice_send_back", args=[gate.pk]), {"reason": "退回"}),
        (reverse("publicity:gate_check", args=[gate.pk, "quota"]), {"quota-result": "passed", "quota-note": "有"}),
        (reverse("publicity:notice_publish", args=[gate.pk]), {"start_date": "2030-01-07"}),
        (reverse("publicity:outcome_record", args=[ended.pk]), {"outcome": "appointed", "reason": "无异议"}),
        (reverse("publicity:settings"), {"min_workdays": 9}),
    ]
    for persona in ("cadre", "colleague", "leader", "superior_leader", "stranger"):
        login(client, personas, persona)
        for url, data in posts:
            assert client.post(url, data).status_code == 404, f"{persona} POST {url}"
    client.logout()
    for url, data in posts:
        assert client.post(url, data).status_code == 302
    states = dict(Notice.objects.values_list("pk", "state"))
    assert states == {draft.pk: "draft", gate.pk: "gate", ended.pk: "published"}
    assert not gate.gate_checks.exists()


API_READS = ["/api/publicity/notices/", "/api/publicity/notices/{draft}/"]
API_WRITES = [
    ("/api/publicity/notices/", {"cadre": 0, "proposed_post": "x"}),
    ("/api/publicity/notices/{draft}/submit/", {}),
    ("/api/publicity/notices/{draft}/rebuild/", {}),
    ("/api/publicity/notices/{gate}/gate-check/", {"kind": "quota", "result": "passed", "note": "有"}),
    ("/api/publicity/notices/{gate}/send-back/", {"reason": "退回"}),
    ("/api/publicity/notices/{gate}/publish/", {"start_date": "2030-01-07"}),
    ("/api/publicity/notices/{ended}/outcome/", {"outcome": "appointed", "reason": "无异议"}),
]


API_READ_ROWS = [(template, template, expect(404, anonymous=403, org_staff=200, admin=200)) for template in API_READS]


@pytest.mark.parametrize(("persona", "template", "expected"), matrix(API_READ_ROWS))
def test_api_reads_per_persona(client, personas, notices, persona, template, expected):
    check_get(client, personas, persona, template.format(**{k: v.pk for k, v in notices.items()}), expected)


def test_api_writes_are_refused_to_everyone_but_org_staff(client, personas, notices):
    ids = {k: v.pk for k, v in notices.items()}
    for template, data in API_WRITES:
        url = template.format(**ids)
        for persona in ("anonymous", "cadre", "leader", "stranger"):
            login(client, personas, persona)
            status = client.post(url, data, content_type="application/json").status_code
            assert status == (403 if persona == "anonymous" else 404), f"{persona} POST {url}"
        login(client, personas, "cadre")
        assert (
            client.patch(
                f"/api/publicity/notices/{ids['draft']}/", {"title": "x"}, content_type="application/json"
            ).status_code
            == 404
        )
    assert dict(Notice.objects.values_list("pk", "state")) == {
        ids["draft"]: "draft",
        ids["gate"]: "gate",
        ids["ended"]: "published",
    }
