"""Measure how long a multi-year PDF dossier takes to render.

Builds a synthetic cadre with a full record (a log for every working day, four quarterly and one
annual summary, achievements with figures and participants, a self-assessment per year) inside a
transaction that is rolled back, renders the dossier several times and prints the timings.
"""

import re
import shutil
import statistics
import subprocess
import time
from datetime import date
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction

from achievements import rules
from achievements.models import (
    Achievement,
    AchievementCategory,
    AchievementFigure,
    AchievementParticipant,
    DailyLog,
    SelfAssessment,
    Summary,
    SummaryKind,
)
from achievements.services.dossiers import dossier_render
from cadres.models import Cadre, Gender, RankLevel, Unit, UnitCategory

LOG = "上午参加镇党委会研究秋冬季森林防火工作，下午到青石村督查高标准农田建设进度，现场协调解决临时用地问题。"


def _page_count(content: bytes) -> str:
    """Pages as pdfinfo (poppler-utils) reads them; the PDF's page tree is compressed."""
    if not shutil.which("pdfinfo"):
        return "?"
    info = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=False).stdout.decode()  # noqa: S607
    found = re.search(r"^Pages:\s+(\d+)", info, re.M)
    return found.group(1) if found else "?"


class Command(BaseCommand):
    help = "Render a synthetic multi-year dossier a few times and print how long it takes (nothing is kept)."

    def add_arguments(self, parser):
        parser.add_argument("--years", type=int, default=3)
        parser.add_argument("--runs", type=int, default=3)

    def handle(self, *args, years: int, runs: int, **options):
        today = rules.today_in_shanghai()
        first = today.year - years + 1
        with transaction.atomic():
            cadre = self._build(first, today)
            timings, pages, size = [], "?", 0
            for _ in range(runs):
                started = time.perf_counter()
                pdf = dossier_render(cadre=cadre, year_from=first, year_to=today.year, actor=None)
                timings.append(time.perf_counter() - started)
                size = len(pdf.content)
                pages = _page_count(pdf.content)
            logs = DailyLog.objects.filter(author=cadre).count()
            transaction.set_rollback(True)
        self.stdout.write(
            f"{years}-year dossier ({first}–{today.year}): {logs} daily logs, {pages} pages, {size / 1024:.0f} KiB; "
            f"render {statistics.median(timings):.2f} s median of {runs} "
            f"(min {min(timings):.2f} s, max {max(timings):.2f} s)"
        )

    def _build(self, first: int, today: date) -> Cadre:
        unit = Unit.objects.create(name="基准测试单位（回滚）", category=UnitCategory.TOWNSHIP)
        rank = RankLevel.objects.order_by("sort_order").first() or RankLevel.objects.create(name="一般干部")
        cadre = Cadre.objects.create(
            code="BENCH0001",
            name="基准测试",
            gender=Gender.MALE,
            birth_date=date(1985, 6, 1),
            rank=rank,
            unit=unit,
            post_title="党政办公室干事",
            records_from=date(first, 1, 1),
        )
        category = AchievementCategory.objects.get_or_create(name="经济发展")[0]
        calendar = rules.WorkCalendar.load(date(first, 1, 1), today)
        DailyLog.objects.bulk_create(
            DailyLog(author=cadre, unit=unit, day=day, text=LOG) for day in calendar.workdays(date(first, 1, 1), today)
        )
        for year in range(first, today.year + 1):
            for quarter in (1, 2, 3, 4):
                Summary.objects.create(
                    author=cadre, unit=unit, kind=SummaryKind.QUARTERLY, year=year, quarter=quarter, text=LOG * 4
                )
            Summary.objects.create(author=cadre, unit=unit, kind=SummaryKind.ANNUAL, year=year, text=LOG * 10)
            SelfAssessment.objects.create(author=cadre, unit=unit, year=year, performance=LOG * 8, state="filed")
            for n in range(5):
                achievement = Achievement.objects.create(
                    title=f"{year}年重点项目{n + 1}",
                    date=date(year, 3 + 2 * n, 10),
                    category=category,
                    description=LOG * 2,
                    created_by=cadre,
                    unit=unit,
                )
                AchievementFigure.objects.create(
                    achievement=achievement, label="投资", value=Decimal("1.2"), unit="亿元"
                )
                AchievementParticipant.objects.create(achievement=achievement, cadre=cadre, role="lead", share=60)
        return cadre
