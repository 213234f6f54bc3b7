#!/usr/bin/env python3
"""Benchmark: opening the ballot box against the computation itself, at a given size.

    python scripts/bench_box.py prepare --cadres 50000   # once: a template database, box sealed
    python scripts/bench_box.py run --cadres 50000 --rounds 5

`prepare` builds bench_box_<N>_tpl on the PostgreSQL server of BENCH_PG (default
postgresql://postgres@127.0.0.1:5432): migrate, generate_org --cadres N, open_period 2026Q1,
fill_ballots 2026Q1, then closes the period without computing it, so its box is still sealed.
`run` copies that template afresh for each round (CREATE DATABASE … TEMPLATE) and runs
`manage.py bench_box_opening 2026Q1` in it: opening, computation and commit + sweep are timed in
the same process and transaction, so each round gives its own ratio opening / computation.
It prints each round and the median, minimum and maximum of every figure. Besides the wall clock it
gives CPU seconds (this process plus its PostgreSQL backend, read from /proc, so only with the
server on the same machine): on a busy shared machine their ratio is the steadier one.

The sealed sheets open only with the ballot key they were sealed with: `prepare` writes one to
var/bench_ballot.key and `run` uses it (BALLOT_KEYS), with DEBUG off.

`reseal --name NEW --source OLD` copies OLD's template and re-seals its box in the current sheet
format (sheet_format.py), for a template prepared by an older checkout.

`--name` changes the databases' prefix (default bench_box: bench_box_<N>_tpl, bench_box_<N>_run),
so that two people on one server do not share templates, and `--checkout DIR` runs another
checkout's manage.py (say, main's) on the same templates: before and after, on the same sealed box.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
KEY = ROOT / "var" / "bench_ballot.key"
PERIOD = "2026Q1"

CLOSE = """
from django.utils import timezone
from evaluations.models import Period, PeriodState, SheetDraft
from evaluations.services.periods import period_for_code
period = period_for_code("{period}")
SheetDraft.objects.filter(assignment__period=period).delete()
Period.objects.filter(pk=period.pk).update(state=PeriodState.CLOSED, closed_at=timezone.now())
"""


def sql(statement: str, database: str = "postgres") -> None:
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", f"{SERVER}/{database}", "-c", statement], check=True)


CHECKOUT = ROOT


def manage(database: str, *args: str, capture: bool = False) -> str:
    environment = {
        **os.environ,
        "DATABASE_URL": f"{SERVER}/{database}",
        "BALLOT_KEYS": KEY.read_text().strip(),
        "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-only"),
        "DEBUG": "0",
        "CELERY_BROKER_URL": "",
    }
    result = subprocess.run(
        [sys.executable, str(CHECKOUT / "manage.py"), *args],
        env=environment,
        cwd=CHECKOUT,  # the working directory comes first on the import path
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout or ""


def prepare(cadres: int, name: str) -> None:
    import base64
    import secrets

    if not KEY.exists():
        KEY.parent.mkdir(parents=True, exist_ok=True)
        KEY.write_text(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
        KEY.chmod(0o600)
    template = f"{name}_{cadres}_tpl"
    sql(f"DROP DATABASE IF EXISTS {template}")
    sql(f"CREATE DATABASE {template}")
    manage(template, "migrate", "-v", "0")
    manage(template, "generate_org", "--cadres", str(cadres))
    manage(template, "open_period", PERIOD)
    manage(template, "fill_ballots", PERIOD)
    manage(template, "shell", "-c", CLOSE.format(period=PERIOD))
    sql("VACUUM ANALYZE", template)


RESEAL = """
from django.db import transaction
from evaluations.models import SealedSheet
from evaluations.sheet_format import seal_sheet, unseal_sheet
with transaction.atomic():
    for row in SealedSheet.objects.order_by("unit_id", "pk"):
        context = SealedSheet.context(row.period_id, row.unit_id)
        row.sealed = seal_sheet(unseal_sheet(bytes(row.sealed), context=context), context=context)
        row.save(update_fields=["sealed"])
"""


def reseal(cadres: int, name: str, source: str) -> None:
    """Copy another prefix's template and re-seal its box in the current sheet format: the same
    sheets, so an older checkout (on the source template) and this one can be timed on one box."""
    template = f"{name}_{cadres}_tpl"
    sql(f"DROP DATABASE IF EXISTS {template}")
    sql(f"CREATE DATABASE {template} TEMPLATE {source}_{cadres}_tpl")
    manage(template, "migrate", "-v", "0")
    manage(template, "shell", "-c", RESEAL)
    sql("VACUUM FULL ANALYZE", template)


def run(cadres: int, rounds: int, name: str) -> None:
    template, copy = f"{name}_{cadres}_tpl", f"{name}_{cadres}_run"
    manage(template, "migrate", "-v", "0")  # a template made before a schema change still serves
    results = []
    for number in range(1, rounds + 1):
        sql(f"DROP DATABASE IF EXISTS {copy}")
        sql(f"CREATE DATABASE {copy} TEMPLATE {template}")
        sql("CHECKPOINT", copy)
        figures = json.loads(manage(copy, "bench_box_opening", PERIOD, capture=True).strip().splitlines()[-1])
        figures["ratio"] = round(figures["opening"] / figures["computation"], 2)
        figures["opening_and_sweep"] = round(figures["opening"] + figures["commit_sweep"], 3)
        figures["ratio_with_sweep"] = round(figures["opening_and_sweep"] / figures["computation"], 2)
        cpu = figures["cpu"]
        if all(part["postgres"] is not None for part in cpu.values()):
            total = {name: part["python"] + part["postgres"] for name, part in cpu.items()}
            figures["cpu_opening"], figures["cpu_computation"] = total["opening"], total["computation"]
            figures["cpu_ratio"] = round(total["opening"] / total["computation"], 2)
            figures["cpu_ratio_with_sweep"] = round(
                (total["opening"] + total["commit_sweep"]) / total["computation"], 2
            )
        results.append(figures)
        print(f"round {number}: {json.dumps(figures)}", flush=True)
    sql(f"DROP DATABASE IF EXISTS {copy}")
    first = results[0]
    print(f"\n{cadres} cadres: {first['cadres']} results, {first['sheets']} sheets, {first['scores']} scores")
    print(f"{'figure':<22}{'median':>10}{'min':>10}{'max':>10}")
    names = ["opening", "computation", "ratio", "commit_sweep", "opening_and_sweep", "ratio_with_sweep"]
    names += [n for n in ("cpu_opening", "cpu_computation", "cpu_ratio", "cpu_ratio_with_sweep") if n in first]
    names += [f"phases.{name}" for name in first["phases"]]
    for name in names:
        values = [r["phases"][name[7:]] if name.startswith("phases.") else r[name] for r in results]
        print(f"{name:<22}{statistics.median(values):>10.3f}{min(values):>10.3f}{max(values):>10.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("action", choices=["prepare", "reseal", "run"])
    parser.add_argument("--cadres", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--name", default="bench_box", help="prefix of the template and run databases")
    parser.add_argument("--checkout", type=Path, default=ROOT, help="the checkout whose manage.py runs")
    parser.add_argument("--source", default="bench_box", help="reseal: the prefix of the template to copy")
    options = parser.parse_args()
    global CHECKOUT
    CHECKOUT = options.checkout.resolve()
    if options.action == "prepare":
        prepare(options.cadres, options.name)
    elif options.action == "reseal":
        reseal(options.cadres, options.name, options.source)
    else:
        run(options.cadres, options.rounds, options.name)


if __name__ == "__main__":
    main()
