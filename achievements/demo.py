"""Demo data of 晒实绩: three months of believable daily logs (some cadres with gaps), leave,
quarterly summaries, joint achievements with figures, participants and evidence, and one
self-assessment in each state.

Deterministic (a random generator per cadre and day) and idempotent: a second run adds nothing
and changes nothing, except logs for days that have passed since.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from cadres.models import Cadre, UnitCategory, User

from . import rules, services
from .models import (
    Achievement,
    AchievementAttachment,
    AchievementCategory,
    AssessmentState,
    DailyLog,
    LeaveKind,
    LeavePeriod,
    ParticipantRole,
    RecordRules,
    SelfAssessment,
    Summary,
    SummaryKind,
    VerificationStatus,
)

# The demo district "went live" this long before today: everyone keeps records from then on.
LIVE_DAYS = 91

VILLAGES = ["青石村", "柳塘村", "石桥村", "白沙社区", "新塘村", "东岭村", "和平社区", "杉木冲村"]
TOWNSHIP = [
    "走访{village}{n}户困难群众，了解生产生活情况，登记帮扶需求{m}条。",
    "参加镇党委会，研究{topic}工作，会后起草落实方案并报分管领导审阅。",
    "到{village}督查{task}进度，现场协调解决{problem}问题。",
    "接待群众来访{n}人次，调处{dispute}纠纷{m}起，均已当场化解。",
    "组织{village}开展{campaign}，发放宣传资料{n}0份，入户讲解政策。",
    "整理{task}台账，完成{report}报送，核对数据{n}0余条。",
    "陪同区{dept}检查{check}工作，汇报我镇推进情况并记录整改意见。",
    "带队开展安全生产巡查，检查{places}{n}家，督促整改隐患{m}处。",
    "在{village}召开群众会，宣讲{topic}政策，收集意见建议{m}条。",
    "核查{village}低保、特困对象{n}户，更新动态管理台账。",
]
DISTRICT = [
    "审核{project}申报材料{n}份，提出修改意见{m}条，退回补正{k}份。",
    "起草《{doc}》初稿，征求相关科室意见后修改完善。",
    "参加市{dept}业务培训，学习{topic}新政策，整理学习要点。",
    "牵头召开{topic}协调会，明确{n}项任务分工和完成时限。",
    "赴{town}调研{topic}推进情况，走访企业{m}家，形成调研报告。",
    "办理人大建议、政协提案{n}件，已答复{m}件，其余正在会商。",
    "整理{task}材料，完成系统录入和数据核对，报送分管领导。",
    "处理来文{n}件，办结{m}件，对{k}件逾期事项发出督办单。",
    "对接{town}{project}，现场查看进度，协调解决资金拨付问题。",
    "复核{project}统计数据，与统计局核对口径，更新月度报表。",
]
SUBORDINATE = [
    "完成{item}评审{n}项，审减金额{m}万元，出具评审意见。",
    "组织{training}培训，参训{n}0人，整理培训资料并归档。",
    "整理业务档案{n}卷，完成电子化扫描和目录登记。",
    "受理{item}业务{n}件，办结{m}件，电话回访服务对象{k}人。",
    "赴{town}开展现场踏勘，核实{item}工程量，形成踏勘记录。",
    "参加上级单位业务例会，汇报本月{item}工作进展和下月计划。",
    "修订{doc}，梳理办事流程{n}项，压缩办理时限。",
    "配合审计部门核查{item}资料{n}份，提供说明材料。",
]
WORDS = {
    "village": VILLAGES,
    "topic": ["乡村振兴", "秋冬季森林防火", "农村人居环境整治", "基层党建", "特色产业发展", "优化营商环境", "安全生产"],
    "task": ["高标准农田建设", "村级道路硬化", "农村危房改造", "秋粮收购", "城乡居民医保征缴", "防返贫监测"],
    "problem": ["临时用地", "灌溉用水", "施工扰民", "青苗补偿"],
    "dispute": ["邻里", "土地承包", "山林权属", "婚姻家庭"],
    "campaign": ["禁毒宣传", "防范电信诈骗宣传", "垃圾分类宣传", "移风易俗宣传"],
    "report": ["月度统计", "信访月报", "党员发展情况", "应急值守"],
    "dept": ["农业农村局", "应急管理局", "住建局", "生态环境分局", "发改委", "财政局"],
    "check": ["秸秆禁烧", "安全生产", "人居环境", "冬季消防"],
    "places": ["企业", "门店", "建筑工地", "农家乐"],
    "project": ["2027年中央预算内投资项目", "专项债券项目", "重点项目", "老旧小区改造项目", "学校维修改造项目"],
    "doc": ["年度工作要点", "专项督查方案", "资金管理办法", "工作规程", "应急预案"],
    "town": ["青石镇", "柳溪镇", "东湖街道"],
    "item": ["政府投资项目预算", "工程结算", "价格认定", "教师培训", "教研活动"],
    "training": ["新任教师", "业务骨干", "财务人员", "安全员"],
}


def _text(rng: random.Random, category: str) -> str:
    pool = {UnitCategory.TOWNSHIP: TOWNSHIP, UnitCategory.DISTRICT_DEPARTMENT: DISTRICT}.get(category, SUBORDINATE)
    parts = rng.sample(pool, 2 if rng.random() < 0.6 else 1)
    values = {key: rng.choice(options) for key, options in WORDS.items()}
    values.update(n=rng.randint(2, 9), m=rng.randint(1, 6), k=rng.randint(1, 3))
    return "".join(p.format(**values) for p in parts)


def _profile(rng: random.Random) -> float:
    """Chance of leaving a working day without a log: most are diligent, a few are not."""
    roll = rng.random()
    return 0.01 if roll < 0.7 else 0.08 if roll < 0.9 else 0.3


@transaction.atomic
def seed(today: date) -> None:
    now = timezone.now()
    live = today - timedelta(days=LIVE_DAYS)
    cadres = list(Cadre.objects.filter(is_active=True).select_related("unit", "user").order_by("code"))
    Cadre.objects.filter(pk__in=[c.pk for c in cadres]).update(records_from=live)
    for cadre in cadres:
        cadre.records_from = live
    by_code = {c.code: c for c in cadres}
    calendar = rules.WorkCalendar.load(live, today)
    workdays = calendar.workdays(live, today)

    # This year's rules as docs/rules.md states them, so the settings page shows a real row.
    RecordRules.objects.get_or_create(year=today.year, unit_category="")
    _seed_leave(by_code, today)
    _seed_logs(cadres, workdays, today, now)
    _seed_summaries(cadres, today, now)
    _seed_achievements(by_code, today)
    _seed_assessments(by_code, today, now)
    services.ensure_schedules()


# --- Leave and logs ------------------------------------------------------------------------------


def _seed_leave(by_code: dict[str, Cadre], today: date) -> None:
    marks = [
        ("QSZ010", "QSZ001", -16, -14, LeaveKind.LEAVE, "病假"),
        ("DHJ009", "DHJ001", -40, -27, LeaveKind.SECONDED, "借调区防汛指挥部"),
        ("FGJ006", "FGJ001", -9, -5, LeaveKind.TRAINING, "参加市委党校中青班"),
    ]
    for code, leader_code, first, last, kind, note in marks:
        cadre, leader = by_code.get(code), by_code.get(leader_code)
        if cadre is None or leader is None:
            continue
        LeavePeriod.objects.get_or_create(
            cadre=cadre,
            start=today + timedelta(days=first),
            defaults={"end": today + timedelta(days=last), "kind": kind, "note": note, "marked_by": leader.user},
        )


def _seed_logs(cadres: list[Cadre], workdays: list[date], today: date, now: datetime) -> None:
    leave = {}
    for cadre_id, first, last in LeavePeriod.objects.values_list("cadre_id", "start", "end"):
        leave.setdefault(cadre_id, []).append((first, last))
    logs = []
    for cadre in cadres:
        rng = random.Random(f"log-profile:{cadre.code}")
        gap_chance = _profile(rng)
        if cadre.code == "QSZ008":
            gap_chance = 0.04  # the demo cadre: a few gaps, a couple still open for backfill
        for day in workdays:
            day_rng = random.Random(f"log:{cadre.code}:{day.isoformat()}")
            on_leave = any(first <= day <= last for first, last in leave.get(cadre.pk, ()))
            skip = on_leave or day_rng.random() < gap_chance
            if day == today:
                skip = skip or day_rng.random() < 0.5 or cadre.code == "QSZ008"
            if cadre.code == "QSZ008" and day in workdays[-3:-1]:
                skip = True  # two recent days left to backfill
            if skip:
                continue
            written = day + timedelta(days=1 if day_rng.random() < 0.12 else 0)
            at = datetime.combine(min(written, today), time(17, day_rng.randint(0, 59)), tzinfo=rules.SHANGHAI)
            logs.append(
                DailyLog(
                    author=cadre,
                    unit=cadre.unit,
                    day=day,
                    text=_text(day_rng, cadre.unit.category),
                    created_at=min(at, now),
                    updated_at=min(at, now),
                )
            )
    # bulk_create stamps "now" into created_at (auto_now_add): keep the intended times to restore.
    stamps = {(log.author_id, log.day): log.created_at for log in logs}
    DailyLog.objects.bulk_create(logs, ignore_conflicts=True, batch_size=1000)
    existing = list(DailyLog.objects.filter(author__in=cadres, day__in=workdays))
    for log in existing:
        stamp = stamps.get((log.author_id, log.day))
        if stamp:
            log.created_at = log.updated_at = stamp
    DailyLog.objects.bulk_update(existing, ["created_at", "updated_at"], batch_size=1000)


# --- Summaries ------------------------------------------------------------------------------------

SUMMARY_OPENINGS = [
    "本季度，我在单位党组织和主要领导的带领下，围绕年度目标任务，认真履行岗位职责。",
    "这个季度主要抓了三件事：一是抓落实，二是抓服务，三是抓学习。",
    "回顾本季度工作，总体按计划推进，重点任务基本完成。",
]
SUMMARY_BODIES = [
    "在{task}工作中，坚持每周下沉一线，逐项对账销号，确保按时序推进；",
    "在{topic}方面，参与起草工作方案，协调相关单位形成合力，推动问题解决；",
    "认真办理群众诉求和上级交办事项，做到件件有回音、事事有着落；",
    "坚持学习新政策新规定，及时整理业务要点，提高了依法办事的能力；",
    "配合完成{check}专项检查，对发现的问题建立台账，督促整改到位；",
]
SUMMARY_ENDINGS = [
    "不足之处是统筹谋划还不够，遇到复杂问题办法不多。下季度将加强学习，改进方法，确保全年任务圆满完成。",
    "存在的问题主要是调研不够深入、台账管理还不够规范，下一步将对照问题逐条整改。",
]


def _summary_text(rng: random.Random) -> str:
    values = {key: rng.choice(options) for key, options in WORDS.items()}
    body = "".join(b.format(**values) for b in rng.sample(SUMMARY_BODIES, 4))
    return rng.choice(SUMMARY_OPENINGS) + body + rng.choice(SUMMARY_ENDINGS)


def _seed_summaries(cadres: list[Cadre], today: date, now: datetime) -> None:
    quarter = rules.quarter_of(today)
    year, previous = (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)
    for cadre in cadres:
        rng = random.Random(f"summary:{cadre.code}:{year}Q{previous}")
        if rng.random() < 0.12:
            continue  # some never hand it in
        Summary.objects.get_or_create(
            author=cadre,
            kind=SummaryKind.QUARTERLY,
            year=year,
            quarter=previous,
            defaults={"unit": cadre.unit, "text": _summary_text(rng)},
        )


# --- Achievements -------------------------------------------------------------------------------

LEAD, SUPERVISOR, EXECUTOR, ASSISTANT = (
    ParticipantRole.LEAD,
    ParticipantRole.SUPERVISOR,
    ParticipantRole.EXECUTOR,
    ParticipantRole.ASSISTANT,
)
# author, title, category, days ago, description, figures, participants (code, role, share), status
ACHIEVEMENTS = [
    (
        "QSZ002",
        "引进青石农产品冷链物流项目落地",
        "经济发展",
        70,
        "牵头对接客商 6 批次，协调解决项目用地 45 亩，项目于 9 月开工建设，预计年产值 8000 万元。",
        [("引进投资", "1.2", "亿元"), ("解决用地", "45", "亩")],
        [("QSZ002", LEAD, "50"), ("QSZ004", SUPERVISOR, "20"), ("QSZ008", EXECUTOR, "20"), ("QSZ009", ASSISTANT, "10")],
        VerificationStatus.VERIFIED,
    ),
    (
        "QSZ008",
        "完成青石村高标准农田建设验收资料整理",
        "项目建设",
        40,
        "整理项目档案 126 卷，补齐缺失的监理日志和质检报告，项目一次性通过市级验收。",
        [("整理档案", "126", "卷"), ("建设面积", "3200", "亩")],
        [("QSZ008", EXECUTOR, "60"), ("QSZ004", SUPERVISOR, "25"), ("QSZ011", ASSISTANT, "15")],
        VerificationStatus.PENDING,
    ),
    (
        "QSZ006",
        "化解柳塘村山林权属纠纷",
        "安全稳定",
        55,
        "历时两个月，组织双方协商 7 次，现场勘界 3 次，达成调解协议，化解持续 5 年的信访积案。",
        [("化解积案", "1", "件"), ("涉及山林", "260", "亩")],
        [("QSZ006", EXECUTOR, "50"), ("QSZ005", SUPERVISOR, "30")],
        VerificationStatus.DOUBTFUL,
    ),
    (
        "FGJ004",
        "争取中央预算内投资支持",
        "经济发展",
        60,
        "组织申报中央预算内投资项目 9 个，获批 5 个，争取资金 6800 万元，创近年新高。",
        [("争取资金", "6800", "万元"), ("获批项目", "5", "个")],
        [("FGJ004", LEAD, "40"), ("FGJ002", SUPERVISOR, "20"), ("FGJ005", EXECUTOR, "25"), ("FGJ008", ASSISTANT, "15")],
        VerificationStatus.VERIFIED,
    ),
    (
        "DHJ006",
        "东湖街道老旧小区改造群众工作",
        "民生服务",
        35,
        "入户做通 43 户居民工作，推动加装电梯 6 部，改造工作群众满意率 96%。",
        [("入户走访", "43", "户"), ("加装电梯", "6", "部")],
        [("DHJ006", EXECUTOR, "45"), ("DHJ003", SUPERVISOR, "25"), ("DHJ010", ASSISTANT, "15")],
        VerificationStatus.PENDING,
    ),
    (
        "CZJ004",
        "推进预算绩效管理改革",
        "改革创新",
        80,
        "制定区级预算绩效目标管理办法，对 36 个部门开展绩效评价，压减低效支出 1200 万元。",
        [("评价部门", "36", "个"), ("压减支出", "1200", "万元")],
        [],
        VerificationStatus.VERIFIED,
    ),
    (
        "PSZX003",
        "完成学校维修改造项目预算评审",
        "项目建设",
        25,
        "评审学校维修改造项目 14 个，送审金额 3560 万元，审减 412 万元，审减率 11.6%。",
        [("评审项目", "14", "个"), ("审减金额", "412", "万元")],
        [("PSZX003", EXECUTOR, "70"), ("PSZX001", SUPERVISOR, "30")],
        VerificationStatus.PENDING,
    ),
    (
        "JSZX003",
        "组织全区新任教师岗前培训",
        "民生服务",
        45,
        "设计课程 12 门，组织新任教师 186 人完成 40 学时培训，考核合格率 100%。",
        [("参训教师", "186", "人"), ("培训学时", "40", "学时")],
        [("JSZX003", LEAD, "60"), ("JSZX002", SUPERVISOR, "20"), ("JSZX005", ASSISTANT, "20")],
        VerificationStatus.VERIFIED,
    ),
]


def _evidence_pdf() -> bytes:
    from core.pdf import render_pdf

    return render_pdf(
        '<html><body style="font-family: sans-serif"><h1>佐证材料（演示）</h1>'
        "<p>项目验收意见书扫描件。本文件由演示数据生成。</p></body></html>"
    )


def _seed_achievements(by_code: dict[str, Cadre], today: date) -> None:
    categories = {c.name: c for c in AchievementCategory.objects.all()}
    staff = User.objects.filter(is_org_staff=True, is_active=True).order_by("pk").first()
    evidence = None
    for author_code, title, category, days_ago, text, figures, participants, status in ACHIEVEMENTS:
        author = by_code.get(author_code)
        if author is None or category not in categories:
            continue
        if Achievement.objects.filter(created_by=author, title=title).exists():
            continue
        people = [
            services.ParticipantInput(by_code[code], role, Decimal(share))
            for code, role, share in participants
            if code in by_code
        ]
        achievement = services.achievement_save(
            author=author,
            title=title,
            date=today - timedelta(days=days_ago),
            category=categories[category],
            description=text,
            figures=[services.FigureInput(label, Decimal(value), unit) for label, value, unit in figures],
            participants=people,
        )
        if len(people) > 2:
            evidence = evidence or _evidence_pdf()
            AchievementAttachment.objects.create(
                achievement=achievement,
                file=ContentFile(evidence, name=f"demo-{achievement.pk}.pdf"),
                original_name="验收意见书.pdf",
                size=len(evidence),
                content_type="application/pdf",
                uploaded_by=author.user,
            )
        if status != VerificationStatus.PENDING and staff is not None:
            verified = status == VerificationStatus.VERIFIED
            note = "与项目验收资料核对一致。" if verified else "调解协议未附签字页，请补充。"
            services.achievement_verify(achievement=achievement, status=status, note=note, actor=staff)


# --- Self-assessments -----------------------------------------------------------------------------

PERFORMANCE = (
    "一年来，我认真履行岗位职责，围绕单位中心工作，主要做了以下几方面工作：一是抓好业务工作，"
    "全年参与完成重点任务多项，相关工作得到上级肯定；二是深入基层一线，走访群众、企业，收集并协调解决"
    "实际问题；三是加强学习，参加各类培训，政策理论水平和业务能力有了提升；四是严守纪律规矩，"
    "认真落实党风廉政建设各项要求，没有违规违纪行为。"
)
SHORTCOMINGS = "工作中创新意识还不够强，对新情况新问题研究不够深入。"
PLANS = "今后将进一步加强学习，改进工作方法，提高工作效率，努力做出更好的成绩。"


def _seed_assessments(by_code: dict[str, Cadre], today: date, now: datetime) -> None:
    """One form in each state, in 青石镇 so the demo main leader (QSZ001) and cadre (QSZ008) see them."""
    leader = by_code.get("QSZ001")
    if leader is None or leader.user is None:
        return
    plan = [
        ("QSZ010", today.year, AssessmentState.DRAFT),
        ("QSZ006", today.year, AssessmentState.SUBMITTED),
        ("QSZ008", today.year, AssessmentState.RETURNED),
        ("QSZ007", today.year, AssessmentState.POSTED),
        ("QSZ009", today.year - 1, AssessmentState.FILED),
    ]
    for code, year, state in plan:
        author = by_code.get(code)
        if author is None or author.user is None or SelfAssessment.objects.filter(author=author, year=year).exists():
            continue
        start = now - timedelta(days=10) if state == AssessmentState.FILED else now - timedelta(days=1)
        assessment = services.assessment_save(
            author=author, year=year, performance=PERFORMANCE, shortcomings=SHORTCOMINGS, plans=PLANS, now=start
        )
        if state == AssessmentState.DRAFT:
            continue
        services.assessment_submit(assessment=assessment, actor=author.user, now=start)
        if state == AssessmentState.SUBMITTED:
            continue
        if state == AssessmentState.RETURNED:
            services.assessment_return(
                assessment=assessment,
                actor=leader.user,
                reason="请补充今年牵头负责的具体项目和量化成效，不要只写概括性的话。",
                now=start,
            )
            continue
        services.assessment_approve(assessment=assessment, actor=leader.user, now=start)
        objector = by_code.get("QSZ011")
        if objector is not None:
            services.objection_file(
                assessment=assessment,
                author=objector,
                text="“走访群众、企业”一项与实际次数不符，建议核实后再归档。",
                now=start + timedelta(hours=2),
            )
        if state == AssessmentState.FILED:
            services.assessments_file_due(now=now)
