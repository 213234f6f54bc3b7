"""Submit random valid sheets for an open period in bulk (benchmarks and load tests only).

It writes what the ballot service writes — an anonymous sheet with its scores and the bare
submission record — without a request per sheet, and keeps every sheet within the rules.
"""

import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ... import rules
from ...models import (
    DIMENSIONS,
    DemocraticScore,
    PeriodState,
    Score,
    Sheet,
    SheetAssignment,
    SheetSource,
    SheetSubmission,
)
from ._period import period_arg


class Command(BaseCommand):
    help = "为测评中的周期批量提交随机的合规测评表（仅用于性能测试，切勿用于真实数据）。"

    def add_arguments(self, parser):
        parser.add_argument("period", help="2026Q1 or 2026Y")
        parser.add_argument("--share", type=float, default=0.95, help="share of the sheets to submit")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options):
        period = period_arg(options["period"])
        if period.state != PeriodState.OPEN:
            raise CommandError(f"{period.title} 不在测评中。")
        rng = random.Random(options["seed"])
        started = time.perf_counter()
        table = rules.settings_table(period.year)
        level: dict[int, int] = {}
        assignments = SheetAssignment.objects.filter(period=period, submission__isnull=True).select_related("unit")
        lines_of: dict[int, list[tuple[int, str]]] = {}
        for assignment_id, ratee_id, group in (
            SheetAssignment.objects.filter(period=period)
            .values_list("pk", "lines__ratee_id", "lines__rater_group")
            .order_by("pk", "lines__position")
        ):
            lines_of.setdefault(assignment_id, []).append((ratee_id, group))
        sheets, scores, democratic, submissions = [], [], [], []
        for assignment in assignments.iterator(chunk_size=2000):
            if rng.random() > options["share"]:
                continue
            lines = lines_of.get(assignment.pk, [])
            settings = table[assignment.unit.category]
            sheet = Sheet(period=period, unit_id=assignment.unit_id, source=SheetSource.ONLINE)
            sheets.append(sheet)
            submissions.append(SheetSubmission(assignment_id=assignment.pk))
            leniency = rng.randint(-4, 4)
            values = {}
            for ratee_id, _group in lines:
                base = level.setdefault(ratee_id, rng.randint(72, 92))
                values[ratee_id] = max(
                    settings.score_min, min(settings.score_max, base + leniency + rng.randint(-4, 4))
                )
            high = [r for r, v in values.items() if v >= settings.band_threshold]
            for ratee_id in high[rules.band_limit(len(lines), settings) :]:
                values[ratee_id] = settings.band_threshold - 1
            for ratee_id, group in lines:
                if period.is_annual:
                    dims = {d.value: values[ratee_id] for d in DIMENSIONS}
                    democratic.append(DemocraticScore(sheet=sheet, ratee_id=ratee_id, rater_group=group, **dims))
                else:
                    scores.append(Score(sheet=sheet, ratee_id=ratee_id, rater_group=group, score=values[ratee_id]))
        # Sheets are written in no particular order, like submissions from many people would be.
        rng.shuffle(sheets)
        with transaction.atomic():
            SheetSubmission.objects.bulk_create(submissions, batch_size=5000)
            Sheet.objects.bulk_create(sheets, batch_size=5000)
            Score.objects.bulk_create(scores, batch_size=10000)
            DemocraticScore.objects.bulk_create(democratic, batch_size=10000)
        self.stdout.write(
            self.style.SUCCESS(
                f"已提交测评表 {len(sheets)} 张、分数 {len(scores) + len(democratic)} 个，"
                f"用时 {time.perf_counter() - started:.1f} 秒。"
            )
        )
