"""Demo data of supervision on the 青山区 demo district, through the real services.

A phone report about a candidate of the 青石镇副镇长 selection, verified and substantiated, and the
诫勉 that followed (its 影响期 refuses the promotion on the selection page); an open report and
an audit finding about the cadre whose notice is at the gate; a 黄牌警告 with a 限期整改 deadline
and an honour for the demo cadre QSZ008; a 嘉奖 for a cadre graded 优秀 last year; last year's proposed team
grades; a web report and a letter.
Idempotent: nothing is added once any demo report exists.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from cadres.models import Cadre, UnitRole, User
from evaluations.models import AnnualResult, Grade
from selection.models import Candidate, Selection

from .models import Channel, InfoSource, InfoStatus, Report
from .services import info, records, reports, team_grades

MARK = "（演示）"


@transaction.atomic
def seed(today: date) -> None:
    if Report.objects.filter(text__endswith=MARK).exists():
        return
    staff = User.objects.filter(username="ZZB004").first()
    discipline = User.objects.filter(username="jiwei").first()
    if staff is None or discipline is None:
        return

    selection = Selection.objects.filter(post__unit__name="青石镇", post__title="副镇长").first()
    candidate = (
        Candidate.objects.filter(selection=selection, round1_passed=True).select_related("cadre").order_by("pk").first()
        if selection
        else None
    )
    if candidate is not None:
        cadre = candidate.cadre
        phone = reports.report_register(
            channel=Channel.PHONE,
            received_on=today - timedelta(days=40),
            cadre=cadre,
            selection=selection,
            reporter_name="刘某",
            reporter_contact="139****5678",
            text="反映该同志在脱贫攻坚项目验收中接受施工方宴请，请组织核实。" + MARK,
            actor=staff,
            today=today,
        )
        reports.report_transition(
            report=phone, to_state="verifying", note="转区纪委监委核查。", actor=discipline, today=today
        )
        reports.report_transition(
            report=phone,
            to_state="substantiated",
            note="经核查，反映的接受宴请问题属实。",
            public_reply="经核查，反映问题基本属实，已依规依纪处理。",
            actor=discipline,
            today=today,
        )
        reports.report_transition(report=phone, to_state="closed", actor=discipline, today=today)
        records.record_create(
            cadre=cadre,
            kind="admonition",
            document_no="青纪诫〔2026〕3号",
            issuing_body="中共青山区纪委",
            date=today - timedelta(days=20),
            reason="在项目验收中接受施工方宴请（举报查实）。",
            actor=discipline,
            today=today,
        )

    gate_cadre = Cadre.objects.filter(code="DHJ003").first()
    if gate_cadre is not None:
        open_report = reports.report_register(
            channel=Channel.LETTER,
            received_on=today - timedelta(days=3),
            cadre=gate_cadre,
            text="来信反映该同志分管的老旧小区改造项目存在拖欠工程款问题。" + MARK,
            actor=staff,
            today=today,
        )
        reports.report_transition(report=open_report, to_state="verifying", actor=staff, today=today)
        info.info_record(
            cadre=gate_cadre,
            source=InfoSource.AUDIT,
            provided_by="青山区审计局",
            summary="经济责任审计：专项资金拨付滞后，已提出整改意见。",
            date=today - timedelta(days=60),
            status=InfoStatus.OPEN,
            actor=discipline,
            today=today,
        )

    demo_cadre = Cadre.objects.filter(code="QSZ008").first()
    if demo_cadre is not None:
        records.record_create(
            cadre=demo_cadre,
            kind="yellow_card",
            document_no="青组黄〔2026〕1号",
            issuing_body="中共青山区委组织部",
            date=today - timedelta(days=10),
            reason="季度考核连续排名末位，工作日志多日缺记。",
            rectify_deadline=today + timedelta(days=50),
            actor=staff,
            today=today,
        )
        # An honour of an earlier year: with the 黄牌警告 it fills the demo cadre's 奖惩情况 on the
        # appointment form (干部任免审批表).
        records.record_create(
            cadre=demo_cadre,
            kind="honor",
            document_no=f"青发〔{today.year - 2}〕15号",
            issuing_body="中共青山区委",
            date=date(today.year - 2, 6, 28),
            reason="被评为全区优秀共产党员。",
            actor=staff,
            today=today,
        )

    excellent = (
        AnnualResult.objects.published()
        .filter(year=today.year - 1, grade=Grade.EXCELLENT)
        .exclude(role=UnitRole.MAIN_LEADER)  # a head's commendation waits for the team's grade
        .select_related("cadre")
        .order_by("cadre__code")
        .first()
    )
    if excellent is not None:
        records.record_create(
            cadre=excellent.cadre,
            kind="commendation",
            for_year=excellent.year,
            document_no=f"青组奖〔{today.year}〕2号",
            issuing_body="中共青山区委组织部",
            date=today - timedelta(days=90) if (today - timedelta(days=90)).year == today.year else today,
            reason=f"{excellent.year} 年度考核被确定为优秀等次。",
            actor=staff,
            today=today,
        )

    # The leadership teams' grades of last year, proposed by the rule (staff confirm them).
    team_grades.team_grades_propose(year=today.year - 1)

    reports.report_submit_public(
        subject="青山区发展和改革局某科长",
        name="",
        contact="",
        text="网上反映该科长工作日在办公室玩手机游戏、服务态度差。" + MARK,
        today=today - timedelta(days=1),
    )
