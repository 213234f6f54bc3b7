import time

from django.core.management.base import BaseCommand, CommandError

from core.models import JobStatus

from ...errors import EvaluationError
from ...services import scoring
from ._period import period_arg


class Command(BaseCommand):
    help = "在本进程中立即计算已截止的周期（与后台任务相同的代码），并逐步显示进度。"

    def add_arguments(self, parser):
        parser.add_argument("period", help="2026Q1 or 2026Y")

    def handle(self, *args, **options):
        period = period_arg(options["period"])
        try:
            run = scoring.computation_request(period=period, queue=False)
        except EvaluationError as error:
            raise CommandError(error.message) from None
        started = time.perf_counter()

        def progress(step: int, total: int, label: str) -> None:
            self.stdout.write(f"[{step}/{total}] {label}  ({time.perf_counter() - started:.2f} s)")

        run = scoring.computation_execute(run_id=run.pk, progress=progress)
        elapsed = time.perf_counter() - started
        if run.status != JobStatus.SUCCEEDED:
            raise CommandError(f"计算失败，原有结果保持不变：{run.error}")
        self.stdout.write(
            self.style.SUCCESS(f"{period.title} 计算完成：{run.result_count} 人，用时 {elapsed:.2f} 秒。")
        )
