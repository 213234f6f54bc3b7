"""A cadre with a full record (private data included) for the notice-drafting tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from achievements.models import (
    Achievement,
    AchievementFigure,
    AchievementParticipant,
    ParticipantRole,
    Summary,
    SummaryKind,
    VerificationStatus,
)
from cadres.models import ResumeEntry, StudyCredit
from evaluations.models import AnnualResult, Grade

from .achievements_helpers import category
from .factories import CadreFactory

ID_NUMBER = "430102198506151234"
PHONE = "13800138000"
ADDRESS = "青山区幸福路88号3栋"


def cadre_with_record(*, unit=None, name="周明远", years=(2023, 2024, 2025), achievements_per_year=2):
    """A cadre born 1985-06-15 with resume, credits, summaries, verified and unverified achievements,
    a joint achievement and published annual results in `years`."""
    extra = {"unit": unit} if unit else {}
    cadre = CadreFactory(
        name=name,
        birth_date=date(1985, 6, 15),
        ethnicity="汉族",
        native_place="湖南长沙",
        education="大学本科",
        party_join_date=date(2007, 6, 1),
        work_start_date=date(2008, 7, 1),
        post_title="副镇长",
        id_number=ID_NUMBER,
        phone=PHONE,
        address=ADDRESS,
        **extra,
    )
    ResumeEntry.objects.create(
        cadre=cadre, start_date=date(2008, 7, 1), end_date=date(2015, 3, 1), description="青石镇党政办科员"
    )
    ResumeEntry.objects.create(cadre=cadre, start_date=date(2015, 3, 1), description="青石镇副镇长")
    partner = CadreFactory(unit=cadre.unit, name="合作人")
    for year in years:
        StudyCredit.objects.create(cadre=cadre, year=year, credits=Decimal("56.5"), note="完成网络学院课程")
        Summary.objects.create(
            author=cadre,
            unit=cadre.unit,
            kind=SummaryKind.ANNUAL,
            year=year,
            text=f"{year}年度总结：全年走访群众，推进项目建设。",
        )
        for n in range(achievements_per_year):
            item = Achievement.objects.create(
                title=f"{year}年实绩{n + 1}",
                date=date(year, 5, 10 + n),
                category=category(),
                description="牵头推进产业园招商，新签约项目。",
                created_by=cadre,
                unit=cadre.unit,
                verification_status=VerificationStatus.VERIFIED,
            )
            AchievementFigure.objects.create(achievement=item, label="招商引资", value=Decimal("1.20"), unit="亿元")
        joint = Achievement.objects.create(
            title=f"{year}年联合实绩",
            date=date(year, 9, 1),
            category=category(),
            description="与合作人共同完成道路硬化。",
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
            title=f"{year}年待核实实绩",
            date=date(year, 10, 1),
            category=category(),
            description="尚未核实。",
            created_by=cadre,
            unit=cadre.unit,
            verification_status=VerificationStatus.PENDING,
        )
        AnnualResult.objects.create(
            cadre=cadre,
            year=year,
            unit=cadre.unit,
            unit_category=cadre.unit.category,
            role=cadre.role,
            rank=cadre.rank,
            annual_score=Decimal("91.25"),
            rank_in_unit=2,
            unit_size=15,
            rank_in_rank_level=5,
            rank_level_size=40,
            grade=Grade.EXCELLENT,
            is_published=True,
        )
    return cadre
