"""Submit random valid sheets for an open period in bulk (benchmarks and load tests only).

It stores what the ballot service stores — a sealed sheet in the unit's box and the bare
submission record — without a request per sheet, one unit at a time (memory stays flat), and
keeps every sheet within the rules.
"""

import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from ... import rules
from ...lines import unit_members, unit_sheet_lines
from ...models import DIMENSIONS, PeriodState, SealedSheet, SheetAssignment, SheetSource, SheetSubmission
from ...sealing import seal
from ...services.box import sheet_payload
from ...services.figures import completion_refresh
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
        today = timezone.localdate()
        units = (
            SheetAssignment.objects.filter(period=period, submission__isnull=True)
            .values_list("unit_id", "unit__category")
            .distinct()
            .order_by("unit_id")
        )
        sheets = scores = 0
        for unit_id, category in units:
            settings = table[category]
            pending = (
                SheetAssignment.objects.filter(period=period, unit_id=unit_id, submission__isnull=True)
                .only("pk", "rater_id", "superior", "external")
                .order_by("pk")
            )
            lines_of = {
                assignment_id: [(line.ratee_id, line.rater_group) for line in lines]
                for assignment_id, lines in unit_sheet_lines(unit_members(period.snapshot_id, unit_id), pending).items()
            }
            sealed, submissions = [], []
            for assignment_id, lines in lines_of.items():
                if rng.random() > options["share"]:
                    continue
                values = self._values(rng, level, lines, settings)
                groups = dict(lines)
                if period.is_annual:
                    payload = sheet_payload(
                        source=SheetSource.ONLINE,
                        groups=groups,
                        dimensions={r: dict.fromkeys(DIMENSIONS, v) for r, v in values.items()},
                    )
                else:
                    payload = sheet_payload(source=SheetSource.ONLINE, groups=groups, scores=values)
                sealed.append(seal(payload, context=SealedSheet.context(period.pk, unit_id)))
                submissions.append(SheetSubmission(assignment_id=assignment_id, submitted_on=today))
                scores += len(values)
            rng.shuffle(sealed)
            with transaction.atomic():
                SheetSubmission.objects.bulk_create(submissions, batch_size=5000)
                SealedSheet.objects.bulk_create(
                    (SealedSheet(period=period, unit_id=unit_id, sealed=t) for t in sealed), batch_size=2000
                )
            sheets += len(sealed)
        completion_refresh(period=period)  # the figures the results page shows
        self.stdout.write(
            self.style.SUCCESS(
                f"已提交测评表 {sheets} 张、分数 {scores} 个（密封在票箱中），"
                f"用时 {time.perf_counter() - started:.1f} 秒。"
            )
        )

    @staticmethod
    def _values(rng, level, lines, settings) -> dict[int, int]:
        leniency = rng.randint(-4, 4)
        values = {}
        for ratee_id, _group in lines:
            base = level.setdefault(ratee_id, rng.randint(72, 92))
            values[ratee_id] = max(settings.score_min, min(settings.score_max, base + leniency + rng.randint(-4, 4)))
        high = [r for r, v in values.items() if v >= settings.band_threshold]
        for ratee_id in high[rules.band_limit(len(lines), settings) :]:
            values[ratee_id] = settings.band_threshold - 1
        return values
