"""The discipline body's own role (纪检监察): it sees the inspection candidates and gives the
党风廉政意见 itself, which answers the notice gate's 凡提必听; it reaches nothing else."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from evaluations.models import AnnualResult, Grade
from publicity.errors import CheckAnsweredElsewhere
from publicity.models import GateCheck, GateCheckKind, GateCheckResult, NoticeState
from publicity.services import notices as notice_services
from selection.errors import SelectionError
from selection.models import DisciplineOpinion, ProcessEntry, Talk
from selection.services import inspection as services

from .factories import NoticeFactory, to_inspection

pytestmark = pytest.mark.django_db


def _team(selection, personas, *discipline):
    staff = personas.org_staff.user
    services.team_set(
        selection=selection, leader=staff, staff=[], discipline=list(discipline) or [personas.discipline], actor=staff
    )


def test_discipline_gives_its_opinion_itself_and_it_answers_the_gate(client, personas):
    selection, (a, b) = to_inspection(personas)
    _team(selection, personas)
    notice = NoticeFactory(cadre=a.cadre)
    staff = personas.org_staff.user
    client.force_login(personas.discipline)
    page = client.get(reverse("selection:discipline_list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert a.cadre.name in html and b.cadre.name in html
    url = reverse("selection:discipline_opinion", args=[a.pk])
    # Bad input: a clear message, the note kept, nothing stored.
    response = client.post(url, {"result": "", "note": "未发现问题线索<script>"})
    assert response.status_code == 400
    assert "未发现问题线索&lt;script&gt;" in response.content.decode() and not DisciplineOpinion.objects.exists()
    response = client.post(url, {"result": "no_objection", "note": "经查，未收到反映该同志问题的信访举报。"})
    assert response.status_code == 302
    opinion = DisciplineOpinion.objects.get(candidate=a)
    assert opinion.given_by == personas.discipline and opinion.passed
    assert ProcessEntry.objects.filter(selection=selection, step="党风廉政意见", actor=personas.discipline).exists()
    # Org staff see the opinion on the inspection page, but cannot record it on the body's behalf.
    client.force_login(staff)
    assert "未发现影响使用的问题" in client.get(reverse("selection:inspection", args=[selection.pk])).content.decode()
    with pytest.raises(SelectionError, match="只能由纪检监察机关的账号回复"):
        services.opinion_give(candidate=b, result="no_objection", note="代填", actor=staff)
    # The notice goes to the gate: the opinion is its 凡提必听 check, with the body's account and time.
    notice_services.notice_submit(notice=notice, actor=staff)
    check = GateCheck.objects.get(notice=notice, kind=GateCheckKind.DISCIPLINE)
    assert (check.result, check.checked_by, check.checked_at) == (
        GateCheckResult.PASSED,
        personas.discipline,
        opinion.given_at,
    )
    with pytest.raises(CheckAnsweredElsewhere):
        notice_services.gate_check_record(
            notice=notice, kind=GateCheckKind.DISCIPLINE, result="passed", note="代填", actor=staff
        )
    response = client.post(
        reverse("publicity:gate_check", args=[notice.pk, "discipline"]),
        {"discipline-result": "failed", "discipline-note": "代填"},
    )
    assert response.status_code == 400 and "组织部门不能代为记录" in response.content.decode()
    # A revised opinion updates the check of the notice at the gate.
    client.force_login(personas.discipline)
    client.post(url, {"result": "objection", "note": "有一件问题线索正在核查。"})
    check.refresh_from_db()
    assert check.result == GateCheckResult.FAILED and "正在核查" in check.note
    for kind in ("quota", "dossier", "personal_matters"):
        notice_services.gate_check_record(notice=notice, kind=kind, result="passed", note="符合", actor=staff)
    assert notice_services.gate_status(notice) == ([], ["discipline"])


def test_a_notice_outside_any_selection_keeps_the_staff_recorded_check(personas):
    notice = NoticeFactory(state=NoticeState.GATE)
    check = notice_services.gate_check_record(
        notice=notice, kind="discipline", result="passed", note="区纪委监委回复无问题", actor=personas.org_staff.user
    )
    assert check.checked_by == personas.org_staff.user


def test_discipline_sees_only_the_candidates_of_its_own_teams(client, personas):
    """Issue 13 item 3: a discipline account sees (and answers for) the candidates of the selections
    whose inspection team it is on; another team's candidates answer 404, and the service refuses."""
    from cadres.models import User

    mine, (a, b) = to_inspection(personas)
    _team(mine, personas)
    other_member = User.objects.create_user(username="jiwei2", password="x", is_discipline_staff=True)
    theirs, (c, d) = to_inspection(personas, prefix="J")
    _team(theirs, personas, other_member)
    _unteamed, (e, _f) = to_inspection(personas, prefix="K")
    client.force_login(personas.discipline)
    html = client.get(reverse("selection:discipline_list")).content.decode()
    assert a.cadre.name in html and b.cadre.name in html
    for outsider in (c, d, e):
        assert outsider.cadre.name not in html
    response = client.post(
        reverse("selection:discipline_opinion", args=[c.pk]), {"result": "no_objection", "note": "越权回复"}
    )
    assert response.status_code == 404 and not DisciplineOpinion.objects.exists()
    with pytest.raises(SelectionError, match="考察组的纪检监察成员"):
        services.opinion_give(candidate=c, result="no_objection", note="越权", actor=personas.discipline)
    # The other team's member sees its own and not ours.
    client.force_login(other_member)
    html = client.get(reverse("selection:discipline_list")).content.decode()
    assert c.cadre.name in html and a.cadre.name not in html and e.cadre.name not in html
    assert (
        client.post(
            reverse("selection:discipline_opinion", args=[c.pk]), {"result": "no_objection", "note": "本组回复"}
        ).status_code
        == 302
    )
    assert DisciplineOpinion.objects.get().given_by == other_member


def test_opinion_only_on_candidates_under_inspection(client, personas):
    _selection, (a, _b) = to_inspection(personas)
    _team(_selection, personas)
    a.is_inspection_candidate = False
    a.save()
    client.force_login(personas.discipline)
    assert (
        client.post(
            reverse("selection:discipline_opinion", args=[a.pk]), {"result": "no_objection", "note": "x"}
        ).status_code
        == 404
    )
    for who in ("cadre", "leader", "org_staff", "stranger"):
        client.force_login(personas.user(who))
        assert client.get(reverse("selection:discipline_list")).status_code == 403
    client.logout()
    assert client.get(reverse("selection:discipline_list")).status_code == 302


# --- The role reaches nothing else ----------------------------------------------------------------------

# Pages a discipline account may open (200): its own page, the home page and its own account, and
# what is public to everyone. Everything else answers 403/404/405 or sends it to log in.
ALLOWED = {
    "home",
    "password_change",
    "login",
    "healthz",
    "readyz",  # the readiness probe: service states, no data
    "metrics",  # Prometheus figures per view and task (loopback only), no data
    "selection:discipline_list",
    "set_language",
    "cadres:notifications",  # its own in-app notifications
    "messaging:preferences",  # its own contact details and notification channels
    "evaluations:rules",  # the published rules of evaluation (nobody's figures)
    "evaluations:rules_document",
    "achievements:verify",  # the public check of a dossier's verification code
    "api-root",  # the API's list of endpoints (no data)
    "api-me",  # its own account
    "help:index",  # the manual: its own role's and the public guide (other roles' manuals answer 403)
    "help:role",
    "help:role_pdf",
}
# The supervision app (监督与奖惩) is the discipline body's own work area, by its design.
SUPERVISION = ("supervision:", "supervision-")
# Writes of its own: its opinion, its session, its notifications.
OWN_WRITES = {
    "logout",
    "selection:discipline_opinion",
    "cadres:notifications_read_all",
    "messaging:preferences",
}
PUBLIC_PREFIXES = ("/notices/", "/report/", "/selection/public/", "/api/schema", "/api/docs", "/api/redoc")


def _patterns(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _patterns(p, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), f"{namespace}{p.name}" if p.name else ""


def _urls(values):
    """Concrete URLs of every pattern, each argument filled with real ids of the data made."""
    for raw, name in _patterns():
        if raw.startswith(("^static", "static/")) or "admin/" in raw[:7]:
            continue
        path = raw.lstrip("^").rstrip("$").replace("\\.", ".").replace("\\Z", "")
        groups = re.findall(r"<(?:(\w+):)?(\w+)>|\(\?P<(\w+)>[^)]*\)", path)
        options = []
        for _conv, arg, regex_arg in groups:
            key = arg or regex_arg
            options.append(values.get(key, values["pk"]))
        urls = [path]
        for group, choices in zip(re.findall(r"<[^>]+>|\(\?P<\w+>[^)]*\)", path), options, strict=True):
            urls = [u.replace(group, str(c), 1) for u in urls for c in choices]
        for url in urls:
            if "(" in url or "?" in url or "[" in url:
                continue  # a regex pattern the router adds for formats (.json): covered by the plain one
            yield "/" + url, name


def test_discipline_reaches_nothing_but_its_candidates(client, personas):
    selection, (a, _b) = to_inspection(personas)
    _team(selection, personas)
    staff = personas.org_staff.user
    services.talk_record(
        candidate=a,
        talker_name="秘密谈话人",
        talker_post="",
        talked_on=timezone.localdate(),
        summary="谈话内容保密",
        actor=staff,
    )
    AnnualResult.objects.create(
        cadre=a.cadre,
        year=2025,
        unit=a.cadre.unit,
        unit_category=a.cadre.unit.category,
        role=a.cadre.role,
        rank=a.cadre.rank,
        annual_score="93.17",
        grade=Grade.EXCELLENT,
        is_published=True,
    )
    services.analysis_draft(candidate=a, actor=staff)
    notice = NoticeFactory(cadre=a.cadre)
    entry = ProcessEntry.objects.filter(selection=selection).first()
    ids = [selection.pk, a.cadre_id, notice.pk]
    values = {
        "pk": ids,
        "candidate_id": [a.pk],
        "entry_id": [entry.pk],
        "poll_id": [1],
        "year": [2025],
        "quarter": [1],
        "kind": ["meeting", "discipline"],
        "public_id": [selection.public_id, notice.public_id],
        "format": ["json"],
    }
    client.force_login(personas.discipline)
    opened = []
    checked = 0
    for url, name in _urls(values):
        response = client.get(url)
        checked += 1
        if response.status_code == 200:
            opened.append(name)
            assert name in ALLOWED or url.startswith(PUBLIC_PREFIXES) or name.startswith(SUPERVISION), (url, name)
            body = response.content.decode(errors="ignore")
            for secret in ("93.17", "秘密谈话人", "谈话内容保密"):
                assert secret not in body, (url, secret)
        else:
            assert response.status_code in (302, 403, 404, 405), (url, response.status_code)
            if response.status_code == 302:
                assert (
                    "/accounts/login/" in response["Location"] or name in ALLOWED or url.startswith(PUBLIC_PREFIXES)
                ), (url, response["Location"])
    assert checked > 150
    assert "selection:discipline_list" in opened
    # Nothing it can write either: every write endpoint of the other roles refuses it.
    before = (Talk.objects.count(), GateCheck.objects.count(), ProcessEntry.objects.count())
    for url, name in _urls(values):
        if name in ALLOWED or name in OWN_WRITES or url.startswith(PUBLIC_PREFIXES) or name.startswith(SUPERVISION):
            continue
        response = client.post(url, {})
        assert response.status_code in (302, 400, 403, 404, 405), (url, response.status_code)
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"], (url, response["Location"])
    assert (Talk.objects.count(), GateCheck.objects.count(), ProcessEntry.objects.count()) == before
