"""Time opening a closed period's ballot box against the computation itself, in one run.

For benchmarks only, on a copy of a database whose period is closed with its box still sealed
(scripts/bench_box.py makes such copies from a template and runs this several times). It does
what a computation run does, in the same transaction, with a clock between the parts:

- opening: `box_open` (decrypt, aggregate, write the opened rows, rewrite the submissions);
- computation: `compute_quarter` with the box already open (what the computation costs by itself);
- sweep: the commit and the VACUUM FULL of the box's tables that follows it.

The foreign key checks that PostgreSQL defers to the commit are run at the end of each part.

It prints one JSON line with the seconds of each part (wall clock, and the CPU seconds of this
process and of its PostgreSQL backend) and the box opening's own phases.
"""

import json
import os
import resource
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from ...models import BoxOpening, PeriodState, RateeScores, SealedSheet
from ...services import box, scoring
from ...services.periods import lock_period
from ._period import period_arg


def cpu_seconds(backend: int) -> tuple[float, float | None]:
    """CPU seconds used so far by this process and by its PostgreSQL backend (same machine only:
    /proc), a measure that a busy shared machine disturbs far less than the wall clock. A parallel
    query's worker processes are not counted, so the computation's figure is if anything low."""
    try:
        fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
        server = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        server = None
    return time.process_time(), server


def check_deferred_constraints() -> None:
    """Run the foreign key checks queued so far (Django defers them to the commit), so that each
    part is charged with its own rows' checks rather than the commit with all of them."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


class Command(BaseCommand):
    help = "测量开箱计票与计算本身的用时（仅用于性能测试：会计算并开启该周期的票箱）。"

    def add_arguments(self, parser):
        parser.add_argument("period", help="2026Q1")

    def handle(self, *args, **options):
        period = period_arg(options["period"])
        if period.is_annual or period.state != PeriodState.CLOSED or BoxOpening.objects.filter(period=period).exists():
            raise CommandError(f"{period.title} 须为已截止、票箱尚未开启的季度周期。")
        sheets = SealedSheet.objects.filter(period=period).count()
        now = timezone.now()
        phases: dict[str, float] = {}
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        cpu = [cpu_seconds(backend)]
        started = time.perf_counter()
        with transaction.atomic():
            period = lock_period(period.pk)
            box.box_open(period=period, now=now, timings=phases)
            check_deferred_constraints()
            opened = time.perf_counter()
            cpu.append(cpu_seconds(backend))
            count = scoring.compute_quarter(period=period, progress=lambda done, total, label: None, now=now)
            check_deferred_constraints()
            computed = time.perf_counter()
            cpu.append(cpu_seconds(backend))
        swept = time.perf_counter()
        cpu.append(cpu_seconds(backend))

        def used(part: int) -> dict[str, float | None]:
            (own_before, server_before), (own_after, server_after) = cpu[part], cpu[part + 1]
            server = None if server_before is None or server_after is None else server_after - server_before
            return {
                "python": round(own_after - own_before, 3),
                "postgres": None if server is None else round(server, 3),
            }

        figures = {
            "period": period.code,
            "cadres": count,
            "sheets": sheets,
            "scores": sum(
                len(scores) for scores in RateeScores.objects.filter(period=period).values_list("scores", flat=True)
            ),
            "score_rows": RateeScores.objects.filter(period=period).count(),
            "opening": round(opened - started, 3),
            "computation": round(computed - opened, 3),
            "commit_sweep": round(swept - computed, 3),
            # False when an older transaction (even another database's, on a shared server) kept
            # deleted rows: the sweep then ran but is tried again later.
            "swept": BoxOpening.objects.filter(period=period, swept_at__isnull=False).exists(),
            "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "cpu": {"opening": used(0), "computation": used(1), "commit_sweep": used(2)},
            "phases": {name: round(seconds, 3) for name, seconds in phases.items()},
        }
        self.stdout.write(json.dumps(figures))
