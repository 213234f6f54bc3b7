import sys

from django.core.management.base import BaseCommand, CommandError

from ...exports import results_file
from ._period import period_arg


class Command(BaseCommand):
    help = "导出已计算季度的结果（编号、姓名、单位、职级、领导均分……），CSV 或 Excel。"

    def add_arguments(self, parser):
        parser.add_argument("period", help="2026Q1")
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--output", help="file to write; standard output when omitted")

    def handle(self, *args, **options):
        period = period_arg(options["period"])
        if period.is_annual or not period.has_results:
            raise CommandError(f"{period.title} 没有可导出的季度结果。")
        content = results_file(period, options["format"])
        if options["output"]:
            with open(options["output"], "wb") as handle:
                handle.write(content)
            self.stderr.write(f"已写入 {options['output']}")
        elif options["format"] == "csv":
            self.stdout.write(content.decode("utf-8-sig"), ending="")
        else:
            sys.stdout.buffer.write(content)
