"""Selection part 2, the inspection (考察): team, the anonymous 测 (sealed, counted at the close),
talks (talker hidden outside the team's page), visits, documents, and the analysis against the record."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from achievements.models import Achievement, AchievementParticipant, ParticipantRole, VerificationStatus
from evaluations.models import (
    AnnualResult,
    FollowUp,
    FollowUpKind,
    Grade,
    Period,
    PeriodState,
    ProblemCount,
    ProblemItem,
    QuarterlyResult,
)
from selection import candidate_flags as checks
from selection.errors import SelectionError
from selection.models import (
    Analysis,
    InspectionMember,
    InspectionPoll,
    PollSealedSheet,
    PollTally,
    PollVoter,
    ProcessEntry,
    Talk,
)
from selection.services import inspection as services

from .factories import CadreFactory, category, to_inspection, voters

pytestmark = pytest.mark.django_db


def _login(client, personas, who):
    user = personas.user(who)
    if user is not None:
        client.force_login(user)


# --- Team -------------------------------------------------------------------------------------------


def test_team_needs_a_discipline_member_and_is_set_through_the_page(client, personas):
    selection, _cs = to_inspection(personas)
    staff = personas.org_staff.user
    client.force_login(staff)
    url = reverse("selection:inspection_team", args=[selection.pk])
    response = client.post(url, {"leader": staff.pk})
    assert response.status_code == 400
    assert "考察组须有一名纪检监察机关成员" in response.content.decode()
    assert not InspectionMember.objects.exists()
    response = client.post(url, {"leader": staff.pk, "discipline": [personas.discipline.pk]})
    assert response.status_code == 302
    roles = dict(InspectionMember.objects.values_list("user_id", "role"))
    assert roles == {staff.pk: "leader", personas.discipline.pk: "discipline"}
    assert ProcessEntry.objects.filter(selection=selection, step="组建考察组").exists()


def test_a_discipline_member_must_be_a_discipline_account(personas):
    selection, _cs = to_inspection(personas)
    staff = personas.org_staff.user
    with pytest.raises(SelectionError, match="纪检监察账号"):
        services.team_set(selection=selection, leader=staff, staff=[], discipline=[staff], actor=staff)


# --- 测 -----------------------------------------------------------------------------------------------


def _poll(personas, n_voters=3):
    selection, candidates = to_inspection(personas)
    people = voters(personas.unit, n_voters, prefix="PV")
    poll = services.poll_setup(
        selection=selection,
        items=["政治素质", "工作实绩"],
        voter_ids=[p.pk for p in people],
        actor=personas.org_staff.user,
    )
    return selection, candidates, poll, people


def test_poll_sheets_are_sealed_and_counted_only_at_the_close(client, personas):
    selection, (a, b), poll, people = _poll(personas)
    client.force_login(people[0].user)
    url = reverse("selection:poll_sheet", args=[poll.pk])
    page = client.get(url)
    assert page.status_code == 200 and a.cadre.name in page.content.decode()
    # A missing level: refused, nothing stored, the choices made are kept.
    incomplete = {f"r_{a.pk}_0": "1", f"r_{a.pk}_1": "2", f"r_{b.pk}_0": "3"}
    response = client.post(url, incomplete)
    assert response.status_code == 400
    assert f"请为{b.cadre.name}的“工作实绩”选择等次" in response.content.decode()
    assert 'value="3" checked' in response.content.decode()
    assert not PollSealedSheet.objects.exists()
    response = client.post(url, {**incomplete, f"r_{b.pk}_1": "5"})
    assert response.status_code == 200 and "回执码" in response.content.decode()
    services.poll_submit(
        poll_id=poll.pk,
        voter=people[1],
        ratings={a.pk: {"政治素质": 1, "工作实绩": 1}, b.pk: {"政治素质": 2, "工作实绩": 5}},
    )
    # Sealed: no plaintext level or candidate id in the rows; the voter rows only say "has voted".
    tokens = [bytes(t) for t in PollSealedSheet.objects.values_list("sealed", flat=True)]
    assert len(tokens) == 2 and all(b"ratings" not in t and str(a.pk).encode() + b"," not in t for t in tokens)
    assert not PollTally.objects.exists()
    assert sorted(PollVoter.objects.filter(poll=poll).values_list("has_voted", flat=True)) == [False, True, True]
    # Twice: refused.
    with pytest.raises(SelectionError, match="已经提交过"):
        services.poll_submit(poll_id=poll.pk, voter=people[0], ratings={})
    # Someone not on the list: 404 on the page.
    client.force_login(personas.cadre.user)
    assert client.get(url).status_code == 404
    services.poll_close(poll=poll, actor=personas.org_staff.user)
    counts = {(t.candidate_id, t.item, t.level): t.count for t in PollTally.objects.filter(poll=poll)}
    assert counts == {
        (a.pk, "政治素质", 1): 2,
        (a.pk, "工作实绩", 2): 1,
        (a.pk, "工作实绩", 1): 1,
        (b.pk, "政治素质", 3): 1,
        (b.pk, "政治素质", 2): 1,
        (b.pk, "工作实绩", 5): 2,
    }
    assert not PollSealedSheet.objects.exists()
    poll.refresh_from_db()
    assert poll.sheets == 2 and len(poll.receipts) == 2
    with pytest.raises(SelectionError, match="没有在进行中"):
        services.poll_submit(poll_id=poll.pk, voter=people[2], ratings={})
    client.force_login(personas.org_staff.user)
    page = client.get(reverse("selection:inspection", args=[selection.pk])).content.decode()
    assert "收回 2 张" in page and "100.0%" in page


def test_poll_items_are_settable_and_checked(personas):
    selection, _cs = to_inspection(personas)
    staff = personas.org_staff.user
    people = voters(personas.unit, 1, prefix="PX")
    with pytest.raises(SelectionError, match="不能重复"):
        services.poll_setup(selection=selection, items=["甲", "甲"], voter_ids=[people[0].pk], actor=staff)
    with pytest.raises(SelectionError, match="至少填写一个"):
        services.poll_setup(selection=selection, items=[" "], voter_ids=[people[0].pk], actor=staff)
    poll = services.poll_setup(selection=selection, items=["担当作为"], voter_ids=[people[0].pk], actor=staff)
    assert InspectionPoll.objects.get(pk=poll.pk).items == ["担当作为"]


# --- 谈 访 查 ---------------------------------------------------------------------------------------


def test_talks_keep_the_talker_for_the_team_only(client, personas):
    selection, (a, _b) = to_inspection(personas)
    client.force_login(personas.org_staff.user)
    url = reverse("selection:inspection_talk", args=[selection.pk, a.pk])
    today = timezone.localdate()
    # Bad input: a clear message, the input kept, nothing stored.
    response = client.post(url, {"talker_name": "王谈话人", "talked_on": today.isoformat(), "summary": ""})
    assert response.status_code == 400
    assert "王谈话人" in response.content.decode() and not Talk.objects.exists()
    response = client.post(
        url,
        {
            "talker_name": "王谈话人",
            "talker_post": "科长",
            "talked_on": (today + timedelta(days=1)).isoformat(),
            "summary": "x",
        },
    )
    assert response.status_code == 400 and "不能晚于今天" in response.content.decode()
    response = client.post(
        url,
        {
            "talker_name": "王谈话人",
            "talker_post": "科长",
            "talked_on": today.isoformat(),
            "summary": "工作扎实<b>肯干</b>",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("selection:inspection_candidate", args=[selection.pk, a.pk])).content.decode()
    assert "王谈话人" in page and "工作扎实&lt;b&gt;肯干&lt;/b&gt;" in page
    # The full-process record says a talk took place, not with whom.
    entries = " ".join(ProcessEntry.objects.filter(selection=selection).values_list("text", flat=True))
    assert "个别谈话" in " ".join(ProcessEntry.objects.values_list("step", flat=True))
    assert "王谈话人" not in entries


def test_visits_and_documents_through_the_page(client, personas):
    selection, (a, _b) = to_inspection(personas)
    client.force_login(personas.org_staff.user)
    today = timezone.localdate().isoformat()
    assert (
        client.post(
            reverse("selection:inspection_visit", args=[selection.pk, a.pk]),
            {"kind": "visit", "place": "青石镇产业园", "visited_on": today, "note": "项目已投产"},
        ).status_code
        == 302
    )
    assert (
        client.post(
            reverse("selection:inspection_document", args=[selection.pk, a.pk]),
            {"document": "干部人事档案", "checked_on": today, "finding": "“三龄二历”无问题"},
        ).status_code
        == 302
    )
    page = client.get(reverse("selection:inspection_candidate", args=[selection.pk, a.pk])).content.decode()
    assert "青石镇产业园" in page and "干部人事档案" in page
    overview = client.get(reverse("selection:inspection", args=[selection.pk])).content.decode()
    assert "走访与民意调查 1 次" in overview and "查阅资料 1 份" in overview


# --- 析: the analysis against the record ----------------------------------------------------------------


def _record(cadre, today: date):
    """Two published annual results, two published quarters, a verified joint achievement, a
    反测评 count above the display threshold and one below it, and a follow-up."""
    y1, y2 = today.year - 2, today.year - 1
    results = {}
    for year, grade, position in ((y1, Grade.COMPETENT, 7), (y2, Grade.EXCELLENT, 2)):
        results[year] = AnnualResult.objects.create(
            cadre=cadre,
            year=year,
            unit=cadre.unit,
            unit_category=cadre.unit.category,
            role=cadre.role,
            rank=cadre.rank,
            annual_score=Decimal("90.50") + position,
            rank_in_unit=position,
            unit_size=12,
            rank_in_rank_level=position + 1,
            rank_level_size=30,
            grade=grade,
            is_published=True,
        )
    AnnualResult.objects.create(  # not published: never in the analysis
        cadre=cadre,
        year=today.year,
        unit=cadre.unit,
        unit_category=cadre.unit.category,
        role=cadre.role,
        rank=cadre.rank,
        annual_score=Decimal("10"),
        grade=Grade.INCOMPETENT,
        is_published=False,
    )
    periods = []
    for quarter, score in ((1, "80.00"), (2, "86.50")):
        period = Period.objects.create(year=y2, quarter=quarter, state=PeriodState.PUBLISHED)
        periods.append(period)
        QuarterlyResult.objects.create(
            period=period,
            cadre=cadre,
            unit=cadre.unit,
            unit_category=cadre.unit.category,
            role=cadre.role,
            rank=cadre.rank,
            score=Decimal(score),
            rank_in_unit=3,
            unit_size=12,
        )
    partner = CadreFactory(unit=cadre.unit, name="合作人")
    joint = Achievement.objects.create(
        title="产业园道路硬化",
        date=date(y2, 9, 1),
        category=category(),
        description="x",
        created_by=partner,
        unit=cadre.unit,
        verification_status=VerificationStatus.VERIFIED,
    )
    AchievementParticipant.objects.create(
        achievement=joint, cadre=cadre, role=ParticipantRole.SUPERVISOR, share=Decimal("40")
    )
    AchievementParticipant.objects.create(
        achievement=joint, cadre=partner, role=ParticipantRole.LEAD, share=Decimal("60")
    )
    Achievement.objects.create(
        title="未核实的实绩",
        date=date(y2, 10, 1),
        category=category(),
        description="x",
        created_by=cadre,
        unit=cadre.unit,
        verification_status=VerificationStatus.PENDING,
    )
    ProblemCount.objects.create(period=periods[0], cadre=cadre, item=ProblemItem.SERVICE, count=3, sheet_count=20)
    ProblemCount.objects.create(period=periods[1], cadre=cadre, item=ProblemItem.ABILITY, count=1, sheet_count=1)
    follow_up = FollowUp.objects.create(
        cadre=cadre, year=y1, kind=FollowUpKind.REMINDER_TALK, annual_result=results[y1], consecutive_years=1
    )
    return results, periods, joint, follow_up


def test_analysis_is_drafted_from_the_record_with_links_and_edited_by_the_team(client, personas):
    selection, (a, _b) = to_inspection(personas)
    today = timezone.localdate()
    results, _periods, joint, follow_up = _record(a.cadre, today)
    checks.register(
        "test-check", lambda cadre, day: [checks.CandidateFlag("test-check", f"{cadre.name}有待查事项", "/x/")]
    )
    try:
        client.force_login(personas.org_staff.user)
        assert client.post(reverse("selection:analysis_draft", args=[selection.pk, a.pk])).status_code == 302
    finally:
        checks.unregister("test-check")
    analysis = Analysis.objects.get(candidate=a)
    source = analysis.source
    y1, y2 = today.year - 2, today.year - 1
    assert [
        (r["year"], r["grade"], r["score"], r["rank_in_unit"], r["rank_in_rank_level"]) for r in source["annual"]
    ] == [
        (y1, "称职", "97.5", 7, 8),
        (y2, "优秀", "92.5", 2, 3),
    ]
    assert source["annual"][0]["url"] == reverse("evaluations:annual_detail", args=[results[y1].pk])
    assert [(q["quarter"], q["score"]) for q in source["quarterly"]] == [(1, "80"), (2, "86.5")]
    assert source["trend"] == "上升"
    assert [(x["title"], x["role"], x["share"]) for x in source["achievements"]] == [
        ("产业园道路硬化", "分管领导", "40")
    ]
    assert source["achievements"][0]["url"] == reverse("achievements:record_detail", args=[joint.pk])
    # The count below the display threshold is left out.
    assert [(p["item"], p["count"], p["sheets"]) for p in source["problems"]] == [("服务意识不强", 3, 20)]
    assert source["follow_ups"][0]["url"] == reverse("evaluations:follow_up_detail", args=[follow_up.pk])
    assert [f["text"] for f in source["flags"]] == [f"{a.cadre.name}有待查事项"]
    text = analysis.text
    for expected in (
        f"{y2} 年度：优秀，得分 92.5，单位内第 2/12 名，同职级第 3/30 名",
        "季度得分总体上升",
        "产业园道路硬化（分管领导，贡献占比 40%）",
        "“服务意识不强” 3 票",
        "提醒谈话",
    ):
        assert expected in text
    assert "未核实的实绩" not in text and "不称职" not in text
    page = client.get(reverse("selection:inspection_candidate", args=[selection.pk, a.pk])).content.decode()
    assert f'href="{reverse("achievements:record_detail", args=[joint.pk])}"' in page
    # The team edits it; an empty text is refused with the text kept.
    edit = reverse("selection:analysis_edit", args=[selection.pk, a.pk])
    assert client.post(edit, {"text": ""}).status_code == 400
    assert client.post(edit, {"text": text + "\n考察组补充：群众公认度高。"}).status_code == 302
    analysis.refresh_from_db()
    assert analysis.text.endswith("群众公认度高。") and analysis.edited_by == personas.org_staff.user
    assert analysis.source == source


def test_analysis_of_an_empty_record_says_so(personas):
    _selection, (a, _b) = to_inspection(personas)
    analysis = services.analysis_draft(candidate=a, actor=personas.org_staff.user)
    assert "没有已公布的年度考核结果" in analysis.text and "没有经核实的实绩记录" in analysis.text


def test_inspection_writes_are_refused_for_someone_not_inspected(client, personas):
    selection, (a, _b) = to_inspection(personas)
    a.is_inspection_candidate = False
    a.save()
    with pytest.raises(SelectionError, match="不是考察对象"):
        services.talk_record(
            candidate=a,
            talker_name="x",
            talker_post="",
            talked_on=timezone.localdate(),
            summary="y",
            actor=personas.org_staff.user,
        )
    client.force_login(personas.org_staff.user)
    assert client.get(reverse("selection:inspection_candidate", args=[selection.pk, a.pk])).status_code == 404
