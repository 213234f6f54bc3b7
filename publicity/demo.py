"""Demo data of 任前公示 on the 青山区 demo district, through the real services.

One notice in publicity now (with three items of public feedback in different triage states),
one whose period has ended and whose outcome (任用) is recorded, and one waiting at the gate with
two of its four checks passed. Idempotent: once the demo notices exist, nothing is done.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from cadres.models import Cadre, User

from . import rules
from .models import Feedback, FeedbackEvent, FeedbackState, GateCheckKind, GateCheckResult, Notice, Outcome
from .services import notices as services

IN_PUBLICITY = ("QSZ002", "柳溪镇党委书记")
DECIDED = ("FGJ002", "青山区价格认定中心主任")
AT_GATE = ("DHJ003", "东湖街道办事处主任")
CODES = (IN_PUBLICITY[0], DECIDED[0], AT_GATE[0])
GATE_NOTES = {
    GateCheckKind.QUOTA: "拟任职位在核定职数内，有空缺。",
    GateCheckKind.DOSSIER: "干部人事档案“三龄二历一身份”已审核，无疑问。",
    GateCheckKind.PERSONAL_MATTERS: "个人有关事项报告已随机抽查核实，如实报告。",
    GateCheckKind.DISCIPLINE: "区纪委监委回复：未发现影响使用的问题。",
}
FEEDBACK = [
    ("", "", "该同志在柳溪镇防汛抢险中吃住在堤上，群众反映很好，支持提拔。", []),
    (
        "",
        "139****0000",
        "反映该同志分管的集镇改造项目拖欠部分农民工工资，请组织核实。",
        [(FeedbackState.VERIFYING, "已转区人社局核实工资支付情况。", "")],
    ),
    (
        "李某",
        "",
        "反映该同志在村道硬化项目验收中把关不严。",
        [
            (FeedbackState.VERIFYING, "调取项目验收资料，约谈镇建设办。", ""),
            (FeedbackState.UNSUBSTANTIATED, "项目经第三方检测合格，验收程序完整。", ""),
            (FeedbackState.CLOSED, "向反映人答复。", "经核实，该项目经第三方检测合格，验收程序符合规定。"),
        ],
    ),
]


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def _last_workday_on_or_before(day: date) -> date:
    calendar = rules.calendar_around(day - timedelta(days=20))
    while not calendar.is_workday(day):
        day -= timedelta(days=1)
    return day


def _through_gate(notice: Notice, staff: User, when: datetime, kinds: list[str]) -> None:
    services.notice_submit(notice=notice, by=staff)
    for kind in kinds:
        services.gate_check_record(
            notice=notice, kind=kind, result=GateCheckResult.PASSED, note=GATE_NOTES[kind], by=staff, now=when
        )


def seed(today: date) -> None:
    if Notice.objects.filter(cadre__code__in=CODES).exists():
        return
    staff = User.objects.filter(username="ZZB004").first()
    cadres = {c.code: c for c in Cadre.objects.filter(code__in=CODES).select_related("unit")}
    if staff is None or len(cadres) < len(CODES):
        return
    with transaction.atomic():
        _decided(cadres[DECIDED[0]], staff, today)
        _in_publicity(cadres[IN_PUBLICITY[0]], staff, today)
        created = services.notice_create(cadre=cadres[AT_GATE[0]], proposed_post=AT_GATE[1], by=staff)
        _through_gate(created, staff, timezone.now(), [GateCheckKind.QUOTA, GateCheckKind.DOSSIER])


def _decided(cadre: Cadre, staff: User, today: date) -> None:
    start = rules.next_workday(today - timedelta(days=35))
    notice = services.notice_create(cadre=cadre, proposed_post=DECIDED[1], by=staff, now=_at(start))
    _through_gate(notice, staff, _at(start), list(GateCheckKind.values))
    services.notice_publish(notice=notice, start_date=start, by=staff, now=_at(start))
    services.outcome_record(
        notice=notice,
        outcome=Outcome.APPOINTED,
        reason="公示期间未收到影响任用的反映，经区委常委会研究，按程序任职。",
        by=staff,
        today=today,
    )


def _in_publicity(cadre: Cadre, staff: User, today: date) -> None:
    start = _last_workday_on_or_before(today)
    notice = services.notice_create(cadre=cadre, proposed_post=IN_PUBLICITY[1], by=staff, now=_at(start))
    _through_gate(notice, staff, _at(start), list(GateCheckKind.values))
    services.notice_publish(notice=notice, start_date=start, by=staff, now=_at(start))
    for name, contact, text, steps in FEEDBACK:
        item = Feedback.objects.create(notice=notice, name=name, contact=contact, text=text)
        FeedbackEvent.objects.create(feedback=item, from_state="", to_state=FeedbackState.RECEIVED)
        state = FeedbackState.RECEIVED
        for to_state, note, reply in steps:
            FeedbackEvent.objects.create(feedback=item, from_state=state, to_state=to_state, note=note, actor=staff)
            if to_state in (FeedbackState.SUBSTANTIATED, FeedbackState.UNSUBSTANTIATED):
                item.finding = to_state
            state = to_state
            item.public_reply = reply or item.public_reply
        item.state = state
        item.save()
