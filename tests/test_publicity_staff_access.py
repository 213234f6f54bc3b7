"""Every staff page and API endpoint of 任前公示, per persona: org staff in, anyone else logged in
gets 404 (as for a notice that does not exist), anonymous users go to the login page."""

import pytest
from django.urls import reverse

from publicity.models import Notice, NoticeState

from .publicity_helpers import NoticeFactory
from .test_access import PERSONAS, expect

pytestmark = pytest.mark.django_db

STAFF_ONLY = expect(404, org_staff=200, admin=200)
POST_ONLY = expect(404, org_staff=405, admin=405)


@pytest.fixture
def notices(personas):
    return {
        "draft": NoticeFactory(cadre=personas.cadre),
        "gate": NoticeFactory(cadre=personas.colleague, state=NoticeState.GATE),
        "ended": NoticeFactory(cadre=personas.leader, ended=True),
    }


def pages(n):
    draft, gate, ended = n["draft"].pk, n["gate"].pk, n["ended"].pk
    return [
        ("publicity:notice_list", [], STAFF_ONLY),
        ("publicity:notice_create", [], STAFF_ONLY),
        ("publicity:settings", [], STAFF_ONLY),
        ("publicity:notice_detail", [draft], STAFF_ONLY),
        ("publicity:notice_detail", [gate], STAFF_ONLY),
        ("publicity:notice_detail", [ended], STAFF_ONLY),
        ("publicity:notice_edit", [draft], STAFF_ONLY),
        ("publicity:publish_preview", [gate], STAFF_ONLY),
        ("publicity:notice_submit", [draft], POST_ONLY),
        ("publicity:notice_rebuild", [draft], POST_ONLY),
        ("publicity:notice_send_back", [gate], POST_ONLY),
        ("publicity:gate_check", [gate, "quota"], POST_ONLY),
        ("publicity:notice_publish", [gate], POST_ONLY),
        ("publicity:outcome_record", [ended], POST_ONLY),
    ]


def login(client, personas, persona):
    client.logout()
    user = personas.user(persona)
    if user is not None:
        client.force_login(user)


def test_every_staff_page_per_persona(client, personas, notices):
    for name, args, expected in pages(notices):
        url = reverse(name, args=args)
        for persona in PERSONAS:
            login(client, personas, persona)
            response = client.get(url)
            assert response.status_code == expected[persona], f"{persona} GET {url}"
            if persona == "anonymous":
                assert response["Location"].startswith(reverse("login"))


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


def test_api_per_persona(client, personas, notices):
    ids = {k: v.pk for k, v in notices.items()}
    expected = expect(404, anonymous=403, org_staff=200, admin=200)
    for template in API_READS:
        url = template.format(**ids)
        for persona in PERSONAS:
            login(client, personas, persona)
            assert client.get(url).status_code == expected[persona], f"{persona} GET {url}"
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
