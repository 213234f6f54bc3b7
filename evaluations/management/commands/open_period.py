from django.core.management.base import BaseCommand, CommandError

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
            summary = periods.period_open(period=period)
        except EvaluationError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{period.title} 已开始测评：{summary.units} 个单位，{summary.raters} 名评价人，"
                f"测评表 {summary.sheets} 张，评分格 {summary.lines} 个。"
            )
        )
