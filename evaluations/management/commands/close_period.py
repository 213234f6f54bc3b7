from django.core.management.base import BaseCommand, CommandError

from ...errors import EvaluationError
from ...services import periods
from ._period import period_arg


class Command(BaseCommand):
    help = "截止测评：不再接受测评表，删除未提交的草稿，并把结果计算排入后台任务。"

    def add_arguments(self, parser):
        parser.add_argument("period", help="2026Q1 or 2026Y")

    def handle(self, *args, **options):
        period = period_arg(options["period"])
        try:
            run = periods.period_close(period=period)
        except EvaluationError as error:
            raise CommandError(error.message) from None
        run.refresh_from_db()
        self.stdout.write(
            self.style.SUCCESS(f"{period.title} 已截止测评。计算任务 #{run.pk}：{run.get_status_display()}。")
        )
