"""Demo data of 任前公示 on the 青山区 demo district, through the real services.

One notice in publicity now (with three items of public feedback in different triage states),
one whose period has ended and whose outcome (任用) is recorded, and one waiting at the gate with
two of its four checks passed. The three cadres also get the earlier years' annual summaries and
verified achievements (as if entered from the paper archive), so the notices have a record to show.
Idempotent: once the demo notices exist, nothing is done.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from achievements.models import Achievement, AchievementCategory, Summary, SummaryKind, VerificationStatus
from cadres.models import Cadre, User

from . import rules
from .models import (
    Feedback,
    FeedbackEvent,
    FeedbackState,
    GateCheckKind,
    GateCheckResult,
    Notice,
    Outcome,
    PublicitySettings,
)
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


# The years before the system: annual summaries and verified achievements entered from the paper
# archive, so the notices have a record to draw on for their three complete years.
EARLIER_RECORD = {
    "QSZ002": [
        (
            "经济发展",
            "青石镇农产品加工园区一期建成投产",
            "牵头园区规划报批和征地拆迁，引进农产品加工企业 5 家，当年新增就业 320 人。",
        ),
        (
            "基层治理",
            "青石镇“网格+调解”矛盾纠纷化解机制",
            "全镇划分网格 46 个，全年调处矛盾纠纷 213 件，调处成功率 97%。",
        ),
        (
            "民生服务",
            "青石镇集镇污水管网改造",
            "协调资金 2600 万元，新建污水管网 18 公里，集镇生活污水收集率提高到 92%。",
        ),
    ],
    "FGJ002": [
        ("项目建设", "全区重大项目储备库建设", "建立分级分类项目储备库，入库项目 186 个，争取专项债券资金 9.6 亿元。"),
        (
            "改革创新",
            "投资项目审批“一窗受理”改革",
            "梳理审批事项 42 项，企业投资项目平均审批时间由 45 天压缩到 18 天。",
        ),
        ("经济发展", "区“十四五”规划中期评估", "组织 32 个部门开展中期评估，形成评估报告并提出调整建议 27 条。"),
    ],
    "DHJ003": [
        ("基层治理", "东湖街道老旧小区物业全覆盖", "推动 23 个无物业小区引入物业服务或自治管理，群众满意率 91%。"),
        ("民生服务", "东湖街道“一老一小”服务中心", "建成社区养老服务站 4 个、托育点 2 个，服务群众 1.2 万人次。"),
        ("党的建设", "东湖街道“红色物业”党建品牌", "在 18 个小区成立物业党支部，党员志愿者参与小区治理 2600 人次。"),
    ],
}
SUMMARY_TEXT = (
    "{year}年，本人在{unit}任{post}，围绕全年目标任务，抓重点、补短板、强弱项，主要做了以下工作："
    "一是牵头{title}；二是抓好分管领域日常工作，按时完成上级交办的各项任务；三是严格落实党风廉政建设责任，"
    "自觉遵守各项纪律规矩。不足之处是调查研究还不够深入，今后将进一步改进。"
)


def _earlier_record(cadres: dict[str, Cadre], staff: User, today: date) -> None:
    categories = {c.name: c for c in AchievementCategory.objects.all()}
    for code, items in EARLIER_RECORD.items():
        cadre = cadres[code]
        for offset, (category, title, description) in enumerate(items, start=1):
            year = today.year - offset
            Summary.objects.get_or_create(
                author=cadre,
                kind=SummaryKind.ANNUAL,
                year=year,
                defaults={
                    "unit": cadre.unit,
                    "text": SUMMARY_TEXT.format(year=year, unit=cadre.unit.name, post=cadre.post_title, title=title),
                },
            )
            if category in categories and not Achievement.objects.filter(created_by=cadre, title=title).exists():
                Achievement.objects.create(
                    title=title,
                    date=date(year, 11, 20),
                    category=categories[category],
                    description=description,
                    created_by=cadre,
                    unit=cadre.unit,
                    verification_status=VerificationStatus.VERIFIED,
                    verification_note="与年度考核档案核对一致。",
                    verified_by=staff,
                    verified_at=_at(date(year, 12, 20)),
                )


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def _last_workday_on_or_before(day: date) -> date:
    calendar = rules.calendar_around(day - timedelta(days=20))
    while not calendar.is_workday(day):
        day -= timedelta(days=1)
    return day


def _through_gate(notice: Notice, staff: User, when: datetime, kinds: list[str]) -> None:
    services.notice_submit(notice=notice, actor=staff)
    for kind in kinds:
        services.gate_check_record(
            notice=notice, kind=kind, result=GateCheckResult.PASSED, note=GATE_NOTES[kind], actor=staff, now=when
        )


def seed(today: date) -> None:
    if Notice.objects.filter(cadre__code__in=CODES).exists():
        return
    staff = User.objects.filter(username="ZZB004").first()
    cadres = {c.code: c for c in Cadre.objects.filter(code__in=CODES).select_related("unit")}
    if staff is None or len(cadres) < len(CODES):
        return
    with transaction.atomic():
        _channel_settings()
        _earlier_record(cadres, staff, today)
        _decided(cadres[DECIDED[0]], staff, today)
        _in_publicity(cadres[IN_PUBLICITY[0]], staff, today)
        created = services.notice_create(cadre=cadres[AT_GATE[0]], proposed_post=AT_GATE[1], actor=staff)
        _through_gate(created, staff, timezone.now(), [GateCheckKind.QUOTA, GateCheckKind.DOSSIER])


ISSUER = "中共青山区委组织部"
CHANNELS = (
    "中共青山区委组织部干部监督科\n"
    "举报电话：0472-12380（工作日 8:30—12:00，14:30—17:30）\n"
    "来信地址：青山区行政中心 3 号楼 412 室 区委组织部干部监督科（邮编 014030）\n"
    "网上举报：www.12380.gov.cn"
)


def _channel_settings() -> None:
    """The demo district's own issuing body and channels, in place of the shipped placeholders."""
    settings = PublicitySettings.load()
    if rules.placeholder_settings():
        settings.issuer_name = ISSUER
        settings.feedback_channels = CHANNELS
        settings.save()


def _decided(cadre: Cadre, staff: User, today: date) -> None:
    start = rules.next_workday(today - timedelta(days=35))
    notice = services.notice_create(cadre=cadre, proposed_post=DECIDED[1], actor=staff, now=_at(start))
    _through_gate(notice, staff, _at(start), list(GateCheckKind.values))
    services.notice_publish(notice=notice, start_date=start, actor=staff, now=_at(start))
    services.outcome_record(
        notice=notice,
        outcome=Outcome.APPOINTED,
        reason="公示期间未收到影响任用的反映，经区委常委会研究，按程序任职。",
        actor=staff,
        today=today,
    )


def _in_publicity(cadre: Cadre, staff: User, today: date) -> None:
    start = _last_workday_on_or_before(today)
    notice = services.notice_create(cadre=cadre, proposed_post=IN_PUBLICITY[1], actor=staff, now=_at(start))
    _through_gate(notice, staff, _at(start), list(GateCheckKind.values))
    services.notice_publish(notice=notice, start_date=start, actor=staff, now=_at(start))
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
