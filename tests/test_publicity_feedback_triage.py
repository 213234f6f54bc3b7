"""Org staff triage public feedback: every transition and refusal over HTTP and the API, access, escaping."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from publicity.models import Feedback, FeedbackState
from publicity.services.feedback import feedback_submit

from .factories import FeedbackFactory, NoticeFactory
from .personas import check_get, copy_of, expect, matrix

pytestmark = pytest.mark.django_db

STAFF_ONLY = expect(404, org_staff=200, admin=200)


@pytest.fixture
def personas(shared_personas):
    return copy_of(shared_personas)


@pytest.fixture
def item(personas):
    notice = NoticeFactory(published=True)
    return feedback_submit(
        notice=notice, name="王群众", contact="13800001111", text=FeedbackFactory.text, today=timezone.localdate()
    )


def transition(client, feedback: Feedback, to_state: str, note: str = "", public_reply: str = ""):
    return client.post(
        reverse("publicity:feedback_transition", args=[feedback.pk]),
        {"to_state": to_state, "note": note, "public_reply": public_reply},
    )


def test_staff_walk_an_item_from_received_to_closed_keeping_the_finding(client, personas, item):
    client.force_login(personas.org_staff.user)
    assert transition(client, item, "verifying").status_code == 302
    response = transition(
        client, item, "substantiated", note="调阅项目验收档案，情况属实。", public_reply="经核实属实，已责令整改。"
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.state, item.finding, item.public_reply) == (
        "substantiated",
        "substantiated",
        "经核实属实，已责令整改。",
    )
    assert transition(client, item, "closed", note="已办结").status_code == 302
    item.refresh_from_db()
    assert (item.state, item.finding) == ("closed", "substantiated")
    trail = list(item.events.values_list("from_state", "to_state", "actor__username"))
    staff = personas.org_staff.user.username
    assert trail == [
        ("", "received", None),
        ("received", "verifying", staff),
        ("verifying", "substantiated", staff),
        ("substantiated", "closed", staff),
    ]
    html = client.get(reverse("publicity:feedback_detail", args=[item.pk])).content.decode()
    assert "调阅项目验收档案，情况属实。" in html and "已办结" in html and "反映属实" in html


def test_unsubstantiated_finding_then_closed(client, personas, item):
    client.force_login(personas.org_staff.user)
    transition(client, item, "verifying")
    assert transition(client, item, "unsubstantiated", note="经查，不属实。").status_code == 302
    assert transition(client, item, "closed").status_code == 302
    item.refresh_from_db()
    assert (item.state, item.finding) == ("closed", "unsubstantiated")


def test_a_finding_without_a_note_is_refused(client, personas, item):
    client.force_login(personas.org_staff.user)
    transition(client, item, "verifying")
    response = transition(client, item, "substantiated", public_reply="答复内容保留")
    html = response.content.decode()
    assert response.status_code == 400 and "作出核查结论时须填写办理意见" in html and "答复内容保留" in html
    item.refresh_from_db()
    assert (item.state, item.finding) == ("verifying", "")


@pytest.mark.parametrize(
    ("path", "to_state"),
    [
        ([], "closed"),
        ([], "substantiated"),
        ([], "received"),
        (["verifying"], "closed"),
        (["verifying", "substantiated"], "unsubstantiated"),
        (["verifying", "substantiated", "closed"], "verifying"),
        (["verifying", "substantiated", "closed"], "closed"),
    ],
)
def test_invalid_transitions_are_refused_with_a_message(client, personas, item, path, to_state):
    client.force_login(personas.org_staff.user)
    for step in path:
        assert transition(client, item, step, note="核查意见").status_code == 302
    before = item.events.count()
    response = transition(client, item, to_state, note="核查意见")
    assert response.status_code == 400 and "不能改为" in response.content.decode()
    item.refresh_from_db()
    assert item.state == (path[-1] if path else "received") and item.events.count() == before


def test_an_unknown_state_is_refused(client, personas, item):
    client.force_login(personas.org_staff.user)
    assert transition(client, item, "deleted").status_code == 400
    item.refresh_from_db()
    assert item.state == "received"


def test_list_filters_by_notice_state_and_search(client, personas):
    notice_a = NoticeFactory(published=True, title="甲的任前公示")
    notice_b = NoticeFactory(published=True, title="乙的任前公示")
    first = FeedbackFactory(notice=notice_a, text="关于项目验收的问题反映内容")
    second = FeedbackFactory(notice=notice_b, text="关于考勤纪律的问题反映内容")
    Feedback.objects.filter(pk=second.pk).update(state=FeedbackState.VERIFYING)
    client.force_login(personas.org_staff.user)
    url = reverse("publicity:feedback_list")

    def codes(query: str) -> set[str]:
        html = client.get(url + query).content.decode()
        return {code for code in (first.receipt_code, second.receipt_code) if code in html}

    assert codes("") == {first.receipt_code, second.receipt_code}
    assert codes(f"?notice={notice_a.pk}") == {first.receipt_code}
    assert codes("?state=verifying") == {second.receipt_code}
    assert codes("?q=考勤") == {second.receipt_code}
    assert codes(f"?q={first.receipt_code}") == {first.receipt_code}
    assert codes("?notice=abc&state=bogus") == {first.receipt_code, second.receipt_code}


def test_list_paginates(client, personas):
    notice = NoticeFactory(published=True)
    FeedbackFactory.create_batch(31, notice=notice)
    client.force_login(personas.org_staff.user)
    first = client.get(reverse("publicity:feedback_list")).content.decode()
    second = client.get(reverse("publicity:feedback_list") + "?page=2").content.decode()
    assert "第 1 / 2 页" in first and "第 2 / 2 页" in second


def test_sender_text_name_and_contact_are_escaped_for_staff(client, personas):
    feedback = FeedbackFactory(
        name="<b>王</b>", contact="<img src=x onerror=alert(1)>", text="第一行<script>alert('x')</script>\n第二行"
    )
    client.force_login(personas.org_staff.user)
    detail = client.get(reverse("publicity:feedback_detail", args=[feedback.pk])).content.decode()
    assert "<script>alert" not in detail and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;<br>第二行" in detail
    assert "<b>王</b>" not in detail and "<img src=x" not in detail
    listing = client.get(reverse("publicity:feedback_list")).content.decode()
    assert "<script>alert" not in listing and "&lt;script&gt;" in listing


def test_detail_shows_contact_and_the_trail(client, personas, item):
    client.force_login(personas.org_staff.user)
    transition(client, item, "verifying", note="转干部监督室核查")
    html = client.get(reverse("publicity:feedback_detail", args=[item.pk])).content.decode()
    assert "王群众" in html and "13800001111" in html and "转干部监督室核查" in html and "公众提交" in html


def test_every_step_is_in_the_audit_trail(client, personas, item):
    client.force_login(personas.org_staff.user)
    transition(client, item, "verifying")
    entries = LogEntry.objects.get_for_object(item)
    assert any(e.changes_dict.get("state") == ["received", "verifying"] for e in entries)
    assert entries.filter(actor=personas.org_staff.user).exists()


# --- Access ---------------------------------------------------------------------------------------------


PAGES = [
    ("feedback_list", ("publicity:feedback_list", False), STAFF_ONLY),
    ("feedback_detail", ("publicity:feedback_detail", True), STAFF_ONLY),
    ("feedback_transition", ("publicity:feedback_transition", True), expect(404, org_staff=405, admin=405)),
]


@pytest.mark.parametrize(("persona", "page", "expected"), matrix(PAGES))
def test_every_staff_page_per_persona(client, personas, item, persona, page, expected):
    name, of_item = page
    check_get(client, personas, persona, reverse(name, args=[item.pk] if of_item else []), expected)


def test_transitions_are_refused_to_everyone_but_org_staff(client, personas, item):
    for persona in ("cadre", "colleague", "leader", "superior_leader", "stranger"):
        client.force_login(personas.user(persona))
        assert transition(client, item, "verifying").status_code == 404, persona
    client.logout()
    assert transition(client, item, "verifying").status_code == 302
    item.refresh_from_db()
    assert item.state == "received" and item.events.count() == 1


def test_nav_entry_is_shown_to_org_staff_only(client, personas):
    url = reverse("publicity:feedback_list")
    client.force_login(personas.org_staff.user)
    assert f'href="{url}"' in client.get(reverse("home")).content.decode()
    client.force_login(personas.leader.user)
    assert f'href="{url}"' not in client.get(reverse("home")).content.decode()


API_EXPECT = expect(404, anonymous=403, org_staff=200, admin=200)


API = [("list", "/api/publicity/feedback/", API_EXPECT), ("retrieve", "/api/publicity/feedback/{pk}/", API_EXPECT)]


@pytest.mark.parametrize(("persona", "template", "expected"), matrix(API))
def test_api_list_and_retrieve_per_persona(client, personas, item, persona, template, expected):
    check_get(client, personas, persona, template.format(pk=item.pk), expected)


def test_api_transition_per_persona_and_its_errors(client, personas, item):
    url = f"/api/publicity/feedback/{item.pk}/transition/"
    for persona in ("anonymous", "cadre", "leader", "stranger"):
        client.logout()
        if persona != "anonymous":
            client.force_login(personas.user(persona))
        assert client.post(url, {"to_state": "verifying"}).status_code == API_EXPECT[persona], persona
    client.force_login(personas.org_staff.user)
    bad = client.post(url, {"to_state": "closed"}, content_type="application/json")
    assert bad.status_code == 400 and "to_state" in bad.json()
    assert client.post(url, {"to_state": "nope"}, content_type="application/json").json()["to_state"]
    ok = client.post(url, {"to_state": "verifying"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["state"] == "verifying"
    no_note = client.post(url, {"to_state": "substantiated"}, content_type="application/json")
    assert no_note.status_code == 400 and "note" in no_note.json()
    done = client.post(url, {"to_state": "substantiated", "note": "属实"}, content_type="application/json").json()
    assert done["finding"] == "substantiated" and [e["to_state"] for e in done["events"]][-1] == "substantiated"


def test_api_list_filters(client, personas):
    notice = NoticeFactory(published=True)
    mine = FeedbackFactory(notice=notice, text="关于考勤纪律的问题反映内容")
    FeedbackFactory()
    client.force_login(personas.org_staff.user)
    results = client.get(f"/api/publicity/feedback/?notice={notice.pk}").json()["results"]
    assert [r["receipt_code"] for r in results] == [mine.receipt_code]
    assert [r["id"] for r in client.get("/api/publicity/feedback/?q=考勤").json()["results"]] == [mine.pk]
    assert client.get("/api/publicity/feedback/?state=closed").json()["results"] == []
