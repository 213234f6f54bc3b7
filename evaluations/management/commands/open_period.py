from django.core.management.base import BaseCommand, CommandError

from core.models import JobStatus

from ...errors import EvaluationError
from ...services import periods
from ._period import period_arg


class Command(BaseCommand):
    help = "开始测评（周期不存在时先创建）：记录任职快照，按评价组规则生成每名评价人的测评表。"

    def add_arguments(self, parser):
        parser.add_argument("period", help="2026Q1 for a quarter, 2026Y for the annual democratic evaluation")

    def handle(self, *args, **options):
        period = period_arg(options["period"], create=True)
        check = periods.opening_check(period)
        for warning in check.warnings:
            self.stdout.write(self.style.WARNING(f"注意：{warning}"))
        try:
            # The same job the period page queues, run here in this process.
            job = periods.period_open_request(period=period, queue=False)
        except EvaluationError as error:
            raise CommandError(error.message) from None
        job = periods.period_opening_execute(
            job_id=job.pk, echo=lambda done, total, label: self.stdout.write(f"[{done}/{total}] {label}")
        )
        if job.status != JobStatus.SUCCEEDED:
            raise CommandError(job.error)
        self.stdout.write(
            self.style.SUCCESS(
                f"{period.title} 已开始测评：测评表 {job.sheets} 张，评分格 {job.lines} 个。"
                f"用时 {job.duration.total_seconds():.1f} 秒。"
            )
        )
