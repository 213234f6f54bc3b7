"""Selection pages and API through HTTP: access per persona, the staff workflow, nominators'
anonymity toward nominees."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from selection.models import ApprovedPost, Candidate, Nomination, Selection, State, VoteKind, VoteMode
from selection.services import selections as services
from selection.services import votes

from .factories import CadreFactory, nominees, open_selection, post_with_vacancy, voters
from .personas import ANON, check_get, copy_of, matrix

pytestmark = pytest.mark.django_db

STAFF_PAGES = [
    "selection:selection_list",
    "selection:selection_create",
    "selection:post_list",
    "selection:pool",
    "selection:structure",
    "selection:settings",
]
NOT_STAFF = ["cadre", "colleague", "leader", "team_member", "superior_leader", "stranger"]


STAFF = {"org_staff": 200, "admin": 200, **dict.fromkeys(NOT_STAFF, 404), ANON: 302}
DETAIL = {"org_staff": 200, **dict.fromkeys(NOT_STAFF, 404)}


@pytest.fixture
def personas(shared_personas):
    return copy_of(shared_personas)


@pytest.mark.parametrize(
    ("persona", "url_name", "expected"), matrix(((n, n, STAFF) for n in STAFF_PAGES), personas=tuple(STAFF))
)
def test_staff_pages_for_staff_and_admin_404_for_everyone_else(client, personas, persona, url_name, expected):
    check_get(client, personas, persona, reverse(url_name), expected)


@pytest.mark.parametrize(
    ("persona", "url_name", "expected"),
    matrix(((n, n, DETAIL) for n in ("selection:selection_detail", "selection:eligible")), personas=tuple(DETAIL)),
)
def test_selection_detail_and_eligible_list_are_staff_only(client, personas, persona, url_name, expected):
    selection = open_selection(post_with_vacancy(personas.unit), personas.org_staff.user)
    check_get(client, personas, persona, reverse(url_name, args=[selection.pk]), expected)


API = ("/api/selection/selections/", "/api/selection/posts/", "/api/selection/reserves/")


@pytest.mark.parametrize(("persona", "path", "expected"), matrix(((p, p, DETAIL) for p in API), personas=tuple(DETAIL)))
def test_api_same_permissions(client, personas, persona, path, expected):
    open_selection(post_with_vacancy(personas.unit), personas.org_staff.user)
    check_get(client, personas, persona, path, expected)


def test_api_refuses_anonymous(client, personas):
    open_selection(post_with_vacancy(personas.unit), personas.org_staff.user)
    assert client.get("/api/selection/selections/").status_code in (401, 403)


def test_quota_refusal_on_the_page_keeps_what_was_typed_and_exception_opens(client, personas):
    post = ApprovedPost.objects.create(unit=personas.unit, title="主任", tier="principal", count=1)
    personas.leader.post_title = "主任"
    personas.leader.save()
    client.force_login(personas.org_staff.user)
    data = {
        "post": post.pk,
        "title": "主任选拔",
        "method": "recommendation",
        "rounds": "2",
        "plan": "方案正文",
        "qualification_date": "2026-06-01",
        "min_years_in_rank": "0",
    }
    response = client.post(reverse("selection:selection_create"), data)
    assert response.status_code == 200
    assert "区教师发展中心主任核定职数 1 名，现有 1 名" in response.content.decode()
    assert "方案正文" in response.content.decode()
    assert not Selection.objects.exists()
    data |= {"quota_exception_document": "青组〔2026〕3号", "quota_exception_reason": "原主任即将改非"}
    response = client.post(reverse("selection:selection_create"), data)
    assert response.status_code == 302
    assert Selection.objects.get().quota_exception_document == "青组〔2026〕3号"


def _nominated(personas):
    staff = personas.org_staff.user
    selection = open_selection(post_with_vacancy(personas.unit), staff)
    signer = personas.colleague
    services.selection_start_nomination(selection=selection, voter_ids=[signer.pk, personas.leader.pk], actor=staff)
    services.nomination_sign(selection=selection, nominator=signer, nominee=personas.cadre, reason="踏实肯干")
    return selection, signer


def test_nominee_never_sees_who_nominated_them(client, personas):
    selection, signer = _nominated(personas)
    staff = personas.org_staff.user
    services.round1_close(selection=selection, actor=staff)
    event = votes.event_setup(
        selection=selection,
        kind=VoteKind.ROUND2,
        mode=VoteMode.ONLINE,
        voter_ids=[personas.cadre.pk, personas.colleague.pk],
        actor=staff,
    )
    client.force_login(personas.cadre.user)
    reachable = [
        reverse("home"),
        reverse("selection:my_ballots"),
        reverse("selection:vote", args=[event.pk]),
        reverse("cadres:my_profile"),
        reverse("cadres:notifications"),
        reverse("achievements:my_archive"),
        "/api/me/",
        "/api/selection/my-ballots/",
    ]
    for url in reachable:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert signer.name not in text, url
        assert "踏实肯干" not in text, url
    # Staff pages and the staff API, where the nominations are, answer 404 to the nominee.
    for url in [
        reverse("selection:selection_detail", args=[selection.pk]),
        reverse("selection:nominate", args=[selection.pk]),
        f"/api/selection/selections/{selection.pk}/",
        f"/api/selection/selections/{selection.pk}/nominations/",
    ]:
        assert client.get(url).status_code == 404, url
    # Org staff see who signed (痕迹管理).
    client.force_login(staff)
    page = client.get(reverse("selection:selection_detail", args=[selection.pk])).content.decode()
    assert signer.name in page and "踏实肯干" in page
    api = client.get(f"/api/selection/selections/{selection.pk}/nominations/").json()
    assert api[0]["nominator"]["name"] == signer.name


def test_voter_nominates_through_the_page_once(client, personas):
    staff = personas.org_staff.user
    selection = open_selection(post_with_vacancy(personas.unit), staff)
    services.selection_start_nomination(selection=selection, voter_ids=[personas.colleague.pk], actor=staff)
    client.force_login(personas.colleague.user)
    assert "海推" in client.get(reverse("selection:my_ballots")).content.decode()
    url = reverse("selection:nominate", args=[selection.pk])
    response = client.post(url, {"nominee": personas.colleague.pk, "confirm": "on"})
    assert response.status_code == 400
    assert "不能推荐自己" in response.content.decode()
    assert client.post(url, {"nominee": personas.cadre.pk, "confirm": "on"}).status_code == 302
    assert Nomination.objects.get().nominee == personas.cadre
    assert client.get(url).status_code == 302  # already signed
    client.force_login(personas.stranger.user)
    assert client.get(url).status_code == 404


def test_online_vote_through_the_page(client, personas):
    selection, _signer = _nominated(personas)
    staff = personas.org_staff.user
    services.round1_close(selection=selection, actor=staff)
    event = votes.event_setup(
        selection=selection, kind=VoteKind.ROUND2, mode=VoteMode.ONLINE, voter_ids=[personas.leader.pk], actor=staff
    )
    candidate = Candidate.objects.get(selection=selection)
    url = reverse("selection:vote", args=[event.pk])
    client.force_login(personas.stranger.user)
    assert client.get(url).status_code == 404
    client.force_login(personas.leader.user)
    response = client.post(url, {"candidates": [candidate.pk]})
    assert response.status_code == 200
    receipt = re.search(r'id="receipt">([0-9A-F-]{14})<', response.content.decode()).group(1)
    assert "您已投票" in client.get(url).content.decode()
    assert client.post(url, {"candidates": [candidate.pk]}).status_code == 400
    receipts = reverse("selection:receipts", args=[event.pk])
    assert 'id="box-sealed"' in client.get(receipts).content.decode()
    event.refresh_from_db()
    assert (event.actual, event.counts.get().votes) == (0, 0)  # sealed until the close
    client.force_login(staff)
    close = reverse("selection:event_close", args=[selection.pk, VoteKind.ROUND2])
    assert client.post(close).status_code == 302
    event.refresh_from_db()
    assert (event.actual, event.counts.get().votes) == (1, 1)
    assert receipt in client.get(receipts).content.decode()
    # The voter checks their receipt, typed loosely; the list is for the vote's voters and staff only.
    client.force_login(personas.leader.user)
    assert 'id="receipt-found"' in client.get(receipts, {"code": receipt.lower().replace("-", " ")}).content.decode()
    assert 'id="receipt-missing"' in client.get(receipts, {"code": "0000-0000-0000"}).content.decode()
    assert event.selection.post.title in client.get(reverse("selection:my_ballots")).content.decode()
    for persona in (personas.stranger.user, personas.cadre.user):
        client.force_login(persona)
        assert client.get(receipts).status_code == 404
    client.force_login(personas.discipline)
    assert client.get(receipts).status_code == 404
    client.logout()
    assert client.get(receipts).status_code == 302


def test_application_runs_the_qualification_check(client, personas):
    staff = personas.org_staff.user
    selection = open_selection(post_with_vacancy(personas.unit), staff, method="open", max_age=30)
    client.force_login(personas.cadre.user)
    assert selection.title in client.get(reverse("selection:my_ballots")).content.decode()
    url = reverse("selection:apply", args=[selection.pk])
    assert client.post(url, {"statement": "申请"}).status_code == 302
    page = client.get(url).content.decode()
    assert "超过 30 周岁的上限" in page
    young = CadreFactory(unit=personas.unit, birth_date=personas.cadre.birth_date.replace(year=2000), with_account=True)
    client.force_login(young.user)
    client.post(url, {"statement": "申请"})
    assert Candidate.objects.filter(selection=selection, cadre=young).exists()


def test_gate_quota_precheck_shows_the_computed_result(client, personas):
    from publicity.services import notices

    post = post_with_vacancy(personas.unit, title="副主任", count=2)
    notice = notices.notice_create(
        cadre=personas.cadre, proposed_post="区教师发展中心副主任", actor=personas.org_staff.user
    )
    client.force_login(personas.org_staff.user)
    page = client.get(reverse("publicity:notice_detail", args=[notice.pk])).content.decode()
    assert "系统预审：区教师发展中心副主任核定 2 名，现有 0 名，有 2 个空缺。" in page
    CadreFactory.create_batch(2, unit=personas.unit, post_title="副主任")
    page = client.get(reverse("publicity:notice_detail", args=[notice.pk])).content.decode()
    assert "现有 2 名，没有空缺" in page
    assert post.pk


def test_state_refusal_is_shown_on_the_page(client, personas):
    selection = open_selection(post_with_vacancy(personas.unit), personas.org_staff.user)
    client.force_login(personas.org_staff.user)
    response = client.post(reverse("selection:round2_close", args=[selection.pk]))
    assert response.status_code == 400
    assert "当前处于“制定方案”，不能结束公推" in response.content.decode()
    assert Selection.objects.get().state == State.PLAN


def test_many_voters_fit(client, personas):
    selection = open_selection(post_with_vacancy(personas.unit), personas.org_staff.user)
    vs = voters(personas.unit, 3)
    people = nominees(personas.other_unit, 2)
    services.selection_start_nomination(
        selection=selection, voter_ids=[v.pk for v in vs], actor=personas.org_staff.user
    )
    for v in vs:
        services.nomination_sign(selection=selection, nominator=v, nominee=people[0])
    client.force_login(personas.org_staff.user)
    assert client.get(reverse("selection:selection_detail", args=[selection.pk])).status_code == 200


def test_home_card_counts_a_voters_pending_ballots(client, personas):
    staff = personas.org_staff.user
    selection = open_selection(post_with_vacancy(personas.unit), staff)
    services.selection_start_nomination(selection=selection, voter_ids=[personas.colleague.pk], actor=staff)
    client.force_login(personas.colleague.user)
    page = client.get(reverse("home")).content.decode()
    assert 'id="home-ballots"' in page and "张待填写" in page
    client.force_login(personas.cadre.user)
    assert 'id="home-ballots"' not in client.get(reverse("home")).content.decode()
    client.force_login(staff)
    assert 'id="home-selections"' in client.get(reverse("home")).content.decode()


def test_unit_recommendation_needs_the_qualifications_and_keeps_input(client, personas):
    staff = personas.org_staff.user
    selection = open_selection(post_with_vacancy(personas.unit), staff, max_age=30)
    client.force_login(staff)
    url = reverse("selection:unit_recommendation", args=[selection.pk])
    data = {
        "unit": personas.unit.pk,
        "cadre": personas.cadre.pk,
        "reason": "工作扎实",
        "document_number": "教党〔2026〕5号",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "不符合任职资格条件" in page and "超过 30 周岁的上限" in page and "教党〔2026〕5号" in page
    young = CadreFactory(unit=personas.unit, birth_date=personas.cadre.birth_date.replace(year=2000))
    data["cadre"] = young.pk
    assert client.post(url, data).status_code == 302
    assert Candidate.objects.get(selection=selection).source == "unit"


def test_eligible_page_lists_reasons_for_everyone(client, personas):
    selection = open_selection(post_with_vacancy(personas.unit), personas.org_staff.user, max_age=30)
    client.force_login(personas.org_staff.user)
    url = reverse("selection:eligible", args=[selection.pk])
    assert personas.cadre.name not in client.get(url).content.decode().split('id="eligible-table"')[1]
    page = client.get(url, {"all": "1"}).content.decode()
    assert personas.cadre.name in page and "超过 30 周岁的上限" in page


def test_invalid_attendance_is_said_on_the_page(client, personas):
    staff = personas.org_staff.user
    selection = open_selection(post_with_vacancy(personas.unit), staff, rounds=1)
    services.selection_start_nomination(selection=selection, voter_ids=[personas.colleague.pk], actor=staff)
    services.nomination_sign(selection=selection, nominator=personas.colleague, nominee=personas.cadre)
    services.round1_close(selection=selection, actor=staff)
    event = votes.event_setup(
        selection=selection, kind=VoteKind.MEETING, mode=VoteMode.PAPER, expected=100, actor=staff
    )
    candidate = Candidate.objects.get(selection=selection)
    votes.paper_counts_enter(event=event, actual=79, counts={candidate.pk: 70}, actor=staff)
    client.force_login(staff)
    page = client.get(reverse("selection:selection_detail", args=[selection.pk])).content.decode()
    assert "到会率 79.00%" in page and "到会人数不足，推荐无效" in page


def test_votes_are_kept_out_of_the_audit_trail_and_admin(personas):
    from auditlog.registry import auditlog
    from django.contrib import admin

    from selection.models import Selection as SelectionModel
    from selection.models import VoteCount, VoteEvent, Voter

    for model in (Voter, VoteCount, VoteEvent):
        assert not auditlog.contains(model), model
    assert Voter not in admin.site._registry
    assert auditlog.contains(SelectionModel)


def test_opening_a_selection_is_in_the_audit_trail_with_who(personas):
    from auditlog.models import LogEntry

    selection = open_selection(post_with_vacancy(personas.unit), personas.org_staff.user)
    entry = LogEntry.objects.get_for_object(selection).get()
    assert entry.actor == personas.org_staff.user


def test_cadre_form_records_political_status(personas):
    from cadres.forms import CadreForm
    from cadres.models import PoliticalStatus

    cadre = personas.cadre
    form = CadreForm(instance=cadre)
    data = {k: v for k, v in form.initial.items() if v is not None and k != "photo"}
    data.update(
        political_status=PoliticalStatus.DEMOCRATIC_PARTY,
        birth_date="1985-06-15",
        unit=cadre.unit_id,
        rank=cadre.rank_id,
    )
    form = CadreForm(data, instance=cadre)
    assert form.is_valid(), form.errors
    assert form.save().political_status == PoliticalStatus.DEMOCRATIC_PARTY


def test_staff_add_and_edit_approved_posts(client, personas):
    client.force_login(personas.org_staff.user)
    url = reverse("selection:post_list")
    data = {
        "unit": personas.unit.pk,
        "title": "副主任",
        "tier": "deputy",
        "count": "2",
        "document_number": "青编〔2024〕1号",
    }
    assert client.post(url, data).status_code == 302
    post = ApprovedPost.objects.get()
    duplicate = client.post(url, data)
    assert duplicate.status_code == 400 and "该单位已有同名职务的核定职数" in duplicate.content.decode()
    assert ApprovedPost.objects.count() == 1
    page = client.get(url, {"edit": post.pk}).content.decode()
    assert "修改核定职数：区教师发展中心副主任" in page
    assert client.post(url, data | {"post_id": post.pk, "count": "3"}).status_code == 302
    post.refresh_from_db()
    assert post.count == 3
    client.force_login(personas.leader.user)
    assert client.post(url, data | {"post_id": post.pk, "count": "9"}).status_code == 404
    post.refresh_from_db()
    assert post.count == 3


def test_online_vote_through_the_api_answers_the_receipt(client, personas):
    selection, _signer = _nominated(personas)
    staff = personas.org_staff.user
    services.round1_close(selection=selection, actor=staff)
    event = votes.event_setup(
        selection=selection, kind=VoteKind.ROUND2, mode=VoteMode.ONLINE, voter_ids=[personas.leader.pk], actor=staff
    )
    candidate = Candidate.objects.get(selection=selection)
    url = f"/api/selection/my-ballots/{event.pk}/vote/"
    client.force_login(personas.stranger.user)
    assert client.post(url, {"candidates": [candidate.pk]}, content_type="application/json").status_code == 404
    client.force_login(personas.leader.user)
    response = client.post(url, {"candidates": [candidate.pk]}, content_type="application/json")
    assert response.status_code == 200 and re.fullmatch(
        r"[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}", response.json()["receipt"]
    )
    again = client.post(url, {"candidates": [candidate.pk]}, content_type="application/json")
    assert again.status_code == 400 and "已经投过票" in str(again.json())
    votes.event_close(event=event, actor=staff)
    event.refresh_from_db()
    assert event.receipts == [response.json()["receipt"]]
