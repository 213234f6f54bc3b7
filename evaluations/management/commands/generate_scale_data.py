"""A city-sized organization with everything the benchmarks read (PostgreSQL, an empty database).

    python manage.py generate_scale_data --cadres 50000 [--period 2026Q3] [--seed 1]

Organization and evaluator scopes, a quarter of daily logs with gaps, leave, quarterly summaries,
last year's published annual results, the period opened through the opening service and ~95% of
its sheets submitted through the sealing path (fill_ballots). Memory stays flat in the size; each
step prints its time; ANALYZE runs at the end.
"""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from ... import scale_data
from ...rules import parse_period_code
from ...services import periods


class Command(BaseCommand):
    help = "生成 N 名干部的城市规模测试数据（组织、日志、小结、请假、上年度结果、已开始测评的周期和已提交的测评表）。"

    def add_arguments(self, parser):
        parser.add_argument("--cadres", type=int, default=5000)
        parser.add_argument("--period", default="2026Q3", help="the quarter whose logs are written and which is opened")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--share", type=float, default=0.95, help="share of the sheets submitted")
        parser.add_argument("--no-ballots", action="store_true", help="stop after opening the period")
        parser.add_argument(
            "--no-open", action="store_true", help="stop before opening the period (a template to time the opening)"
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("generate_scale_data 需要 PostgreSQL。")
        if scale_data.prefix_taken():
            raise CommandError("规模测试单位已存在；请在新的数据库中运行。")
        _kind, year, quarter = parse_period_code(options["period"])
        if quarter is None:
            raise CommandError("请指定季度，例如 2026Q3。")
        say = self.stdout.write
        seed = options["seed"]
        started = time.perf_counter()
        units, cadres = scale_data.timed(
            say, "组织与评价范围", lambda: scale_data.build_organization(cadres=options["cadres"], seed=seed)
        )
        counts = scale_data.timed(
            say, "日志、请假、小结", lambda: scale_data.build_records(year=year, quarter=quarter, seed=seed)
        )
        last = scale_data.timed(say, "上年度结果", lambda: scale_data.build_last_year(year=year - 1, seed=seed))
        scale_data.timed(say, "ANALYZE", scale_data.analyze)
        period = periods.period_for_code(options["period"], create=True)
        if options["no_open"]:
            self.stdout.write(
                self.style.SUCCESS(f"已生成 {units} 个单位、{cadres} 名干部；{period.title} 尚未开始测评。")
            )
            return
        summary = scale_data.timed(say, "开始测评", lambda: periods.period_open(period=period))
        if not options["no_ballots"]:
            scale_data.timed(
                say,
                "提交测评表",
                lambda: call_command(
                    "fill_ballots", options["period"], share=options["share"], seed=seed, stdout=self.stdout
                ),
            )
        scale_data.timed(say, "ANALYZE", scale_data.analyze)
        self.stdout.write(
            self.style.SUCCESS(
                f"已生成 {units} 个单位、{cadres} 名干部，日志 {counts['logs']} 篇、请假 {counts['leave']} 段、"
                f"小结 {counts['summaries']} 篇、{year - 1} 年度结果 {last} 条；{period.title}："
                f"测评表 {summary.sheets} 张、评分格 {summary.lines} 个。"
                f"共用时 {time.perf_counter() - started:.1f} 秒。"
            )
        )
