"""Demo of selection part 2, after part 1's demo: the selection whose 考察对象 are decided is under
inspection (team named, the 测 open with the demo cadre QSZ008 still to fill it in, talks, visits,
documents, analyses; the 党风廉政意见 still to come from `jiwei`), and one more selection taken the
whole way: nomination, 民主推荐, inspection, 比实绩, 部务会 → 书记办公会 → 常委会 差额票决, the notice
drafted from the record, its gate (凡提必听 answered by `jiwei`), publicity and the decided outcome.
Idempotent: nothing is added when a decided demo selection exists."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from cadres.models import Cadre, User
from publicity import rules as publicity_rules
from publicity.models import GateCheckKind, GateCheckResult, Outcome
from publicity.services import notices as notice_services

from .models import ApprovedPost, Candidate, Decision, InspectionPoll, ReserveEntry, Selection, State, VoteKind
from .rules import qualification_failures
from .services import decision as decision_services
from .services import inspection
from .services import selections as services

MARK = "（演示）"
STAFF = "ZZB004"
DISCIPLINE = "jiwei"
DEMO_VOTER = "QSZ008"
# The part-1 demo approves two vacancies here: one for its plan, one for this decided selection.
DECIDED_POST = ("青山区教育局", "副局长")


def _at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


@transaction.atomic
def seed(today: date) -> None:
    staff = User.objects.filter(username=STAFF).first()
    jiwei = User.objects.filter(username=DISCIPLINE).first()
    if staff is None or jiwei is None or Decision.objects.filter(selection__title__endswith=MARK).exists():
        return
    from . import demo

    leaders = demo._leaders()
    under = (
        Selection.objects.filter(title__endswith=MARK, state=State.CANDIDATES)
        .exclude(inspection_members__isnull=False)
        .first()
    )
    if under is not None:
        _inspect(under, staff, jiwei, leaders, today, opinion=False, close_poll=False)
    _decided(staff, jiwei, leaders, today)


def _inspect(selection, staff, jiwei, leaders, today, *, opinion: bool, close_poll: bool) -> None:
    inspection.team_set(selection=selection, leader=staff, staff=[], discipline=[jiwei], actor=staff)
    candidates = inspection.inspection_candidates(selection)
    demo_voter = Cadre.objects.filter(code=DEMO_VOTER).first()
    raters = leaders[:10]
    voter_ids = [v.pk for v in raters] + ([demo_voter.pk] if demo_voter else [])
    poll = inspection.poll_setup(
        selection=selection,
        items=["政治素质", "履职能力", "工作实绩", "作风建设", "廉洁自律"],
        voter_ids=voter_ids,
        actor=staff,
    )
    for i, rater in enumerate(raters[:8]):
        ratings = {
            c.pk: {item: 1 + (i + j + k) % (2 if j == 0 else 3) for k, item in enumerate(poll.items)}
            for j, c in enumerate(candidates)
        }
        inspection.poll_submit(poll_id=poll.pk, voter=rater, ratings=ratings)
    if close_poll:
        inspection.poll_close(poll=InspectionPoll.objects.get(pk=poll.pk), actor=staff)
    day = today - timedelta(days=2)
    for c in candidates:
        inspection.talk_record(
            candidate=c,
            talker_name="单位主要负责同志",
            talker_post=f"{c.cadre.unit.name}党组书记",
            talked_on=day,
            summary="政治立场坚定，工作思路清晰，牵头推进的重点项目按期完成；不足是有时工作方法偏急。",
            actor=staff,
        )
        inspection.visit_record(
            candidate=c,
            kind="visit",
            place=f"{c.cadre.unit.name}服务对象",
            visited_on=day,
            note="走访服务对象 6 人，普遍反映该同志办事公道、作风扎实。",
            actor=staff,
        )
        inspection.document_record(
            candidate=c,
            document="干部人事档案、个人有关事项报告",
            finding="“三龄二历”认定无误，个人有关事项如实报告。",
            checked_on=day,
            actor=staff,
        )
        inspection.analysis_draft(candidate=c, actor=staff)
        if opinion:
            inspection.opinion_give(
                candidate=c,
                result="no_objection",
                note="经查阅信访举报和问题线索台账，未发现该同志有影响使用的问题。",
                actor=jiwei,
            )


def _decided(staff, jiwei, leaders, today: date) -> None:
    from . import demo

    post = ApprovedPost.objects.filter(unit__name=DECIDED_POST[0], title=DECIDED_POST[1]).first()
    if post is None:
        return
    extra: dict = {}
    selection = services.selection_open(
        post=post,
        title=f"{post}选拔任用（已决定）{MARK}",
        method="recommendation",
        rounds=1,
        plan="一、职位：见拟任职位。\n二、程序：海推提名、民主推荐、组织考察、比实绩、部务会和书记办公会酝酿、常委会差额票决。\n三、纪律：全程接受区纪委监委监督。",
        qualification_date=today,
        max_age=demo.MAX_AGE,
        actor=staff,
        **extra,
    )
    pool = [
        e.cadre for e in ReserveEntry.objects.filter(is_active=True).select_related("cadre").order_by("cadre__code")
    ]
    field = [c for c in pool if not qualification_failures(c, selection)][4:7]
    services.selection_start_nomination(selection=selection, voter_ids=[v.pk for v in leaders], actor=staff)
    demo._nominate(selection, leaders, field, [7, 6, 2])
    services.round1_close(selection=selection, actor=staff)
    demo._paper(selection, VoteKind.MEETING, staff, expected=60, actual=56, shares=[34, 29, 8], max_choices=2)
    demo._paper(selection, VoteKind.TALK, staff, expected=25, actual=24, shares=[15, 12, 3], max_choices=2)
    for c in Candidate.objects.filter(selection=selection).select_related("cadre"):
        if not ReserveEntry.objects.filter(cadre=c.cadre, is_active=True).exists():
            services.reserve_exception_record(candidate=c, reason="推荐得票居前，工作实绩突出。", actor=staff)
    selection = services.candidates_finalize(selection=selection, actor=staff)
    _inspect(selection, staff, jiwei, leaders, today, opinion=True, close_poll=True)
    a, b = inspection.inspection_candidates(selection)[:2]
    start = publicity_rules.next_workday(today - timedelta(days=40))
    meeting_day = start - timedelta(days=3)
    for kind, total, present, who in (
        ("ministry", 7, 7, "部长、常务副部长、副部长、干部科科长"),
        ("secretaries", 3, 3, "区委书记、区长、区委副书记"),
    ):
        decision_services.meeting_record(
            selection=selection,
            kind=kind,
            held_on=meeting_day,
            members_total=total,
            present=present,
            attendees=who,
            note="听取考察情况和比实绩汇报，酝酿一致，提交常委会差额票决。",
            actor=staff,
        )
    standing = decision_services.meeting_record(
        selection=selection,
        kind="standing",
        held_on=meeting_day,
        members_total=11,
        present=10,
        attendees="区委常委（1 人请假）",
        note="两名考察对象作施政演说，组织部汇报比实绩情况后差额票决。",
        votes={a.pk: (8, 1, 1), b.pk: (2, 6, 2)},
        actor=staff,
    )
    decision = decision_services.decide(selection=selection, meeting=standing, actor=staff, now=_at(meeting_day, 16))
    notice = decision.notice
    notice_services.notice_submit(notice=notice, actor=staff)
    for kind in (GateCheckKind.QUOTA, GateCheckKind.DOSSIER, GateCheckKind.PERSONAL_MATTERS):
        notice_services.gate_check_record(
            notice=notice,
            kind=kind,
            result=GateCheckResult.PASSED,
            note="经审核符合要求。",
            actor=staff,
            now=_at(start),
        )
    notice_services.notice_publish(notice=notice, start_date=start, actor=staff, now=_at(start))
    notice_services.outcome_record(
        notice=notice,
        outcome=Outcome.APPOINTED,
        reason="公示期间未收到影响任用的反映，经区委常委会研究，按程序任职。",
        actor=staff,
        today=today,
    )
