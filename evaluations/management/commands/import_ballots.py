from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cadres.models import Unit

from ...errors import EvaluationError, ImportFailed
from ...services import paper
from ._period import period_arg


class Command(BaseCommand):
    help = (
        "导入匿名纸质测评表，.xlsx 或 .csv，有任何错误则全部不导入。季度：表号、评价组、被评价人编号、分数；"
        "年度：表号、评价组、被评价人编号、德、能、勤、绩、廉（可加反测评）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--period", required=True, help="2026Q1")
        parser.add_argument("--unit", help="name of the unit every ratee must belong to (optional)")

    def handle(self, *args, **options):
        period = period_arg(options["period"])
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件 {path}")
        unit = None
        if options["unit"]:
            unit = Unit.objects.filter(name=options["unit"]).first()
            if unit is None:
                raise CommandError(f"单位“{options['unit']}”不存在。")
        try:
            rows = paper.paper_rows_from_file(path.read_bytes(), path.name, annual=period.is_annual)
            summary = paper.paper_sheets_import(period=period, rows=rows, unit=unit)
        except ImportFailed as error:
            for issue in error.issues:
                where = f"第 {issue.line} 行" if issue.line else "文件"
                column = f"「{issue.column}」" if issue.column else ""
                self.stderr.write(f"{where}{column}：{issue.message}")
            raise CommandError(error.message) from None
        except EvaluationError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"已导入纸质测评表 {summary.sheets} 张、分数 {summary.scores} 个（{'、'.join(summary.units)}）。"
                + f"回执码：{'、'.join(summary.receipts)}"
            )
        )
