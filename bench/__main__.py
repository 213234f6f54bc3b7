"""`make bench`: every benchmark on PostgreSQL, written to BENCHMARKS.md.

    python -m bench [--sizes 5000 50000] [--runs 5] [--groups computation commands explain keep web]
                    [--sample 50] [--output BENCHMARKS.md]

Databases (PostgreSQL at 127.0.0.1:5432, user postgres, or PGHOST/PGUSER): for each size a
template `bench_scale_N` (generate_scale_data: the organization, a quarter of logs, an open period
with its sheets submitted) and `bench_scale_N_computed` (that period closed, its box opened and
computed once) are built once and kept; every measured run starts from a fresh copy of a
template (`createdb -T`), so each run sees the same state.

BENCHMARKS.md is merged, not overwritten: each measured group and size replaces only its own block
between `<!-- bench:GROUP:SIZE -->` markers (new blocks are added), and the hand-written sections
around them stay as they are.

Groups are modules of this package, each a function `run(size, runs, args) -> str` returning its
Markdown section; add a module and name it in GROUPS to add a group (the web pages' figures go in
as one more group). Each figure is the median of the runs with min and max; a ratio is computed
within each round (the two figures taken side by side) and then summarized the same way.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
PG = {"host": os.environ.get("PGHOST", "127.0.0.1"), "user": os.environ.get("PGUSER", "postgres")}
PERIOD = "2026Q3"  # the generated quarter; open_period benchmarks open the next one
NEXT = "2026Q4"


# --- Databases ------------------------------------------------------------------------------------


def pg(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([*args, "-h", PG["host"], "-U", PG["user"]], check=check, capture_output=True, text=True)


def db_exists(name: str) -> bool:
    out = pg("psql", "-d", "postgres", "-Atc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'")
    return out.stdout.strip() == "1"


def env_for(name: str) -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = f"postgres://{PG['user']}@{PG['host']}:5432/{name}"
    env.setdefault("SECRET_KEY", "bench")
    # A fixed benchmark key: the templates' sealed sheets open with it (never a real installation's key).
    env.setdefault("BALLOT_KEYS", "a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2s=")
    env["CONN_MAX_AGE"] = "0"
    env["PYTHONPATH"] = str(ROOT)
    env.pop("CELERY_BROKER_URL", None)  # the close runs the computation in-process
    return env


def manage(db: str, *args: str) -> str:
    out = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env_for(db), check=True, capture_output=True, text=True
    )
    return out.stdout


def templates(size: int) -> tuple[str, str]:
    """Build (once) the generated and the computed template of a size."""
    base, computed = f"bench_scale_{size}", f"bench_scale_{size}_computed"
    if not db_exists(base):
        say(f"building {base} (generate_scale_data --cadres {size}) …")
        pg("createdb", base)
        manage(base, "migrate", "-v0")
        say(manage(base, "generate_scale_data", "--cadres", str(size), "--period", PERIOD))
    else:
        manage(base, "migrate", "-v0")
    if not db_exists(computed):
        say(f"building {computed} (close_period {PERIOD}: box opened, quarter computed) …")
        pg("createdb", "-T", base, computed)
        manage(computed, "close_period", PERIOD)
        pg("psql", "-d", computed, "-qc", "VACUUM ANALYZE")
    else:
        manage(computed, "migrate", "-v0")
    return base, computed


def fresh_copy(template: str, name: str) -> str:
    """A fresh copy of a template; BENCH_COPY_SUFFIX keeps the copies of concurrent checkouts apart."""
    name += os.environ.get("BENCH_COPY_SUFFIX", "")
    pg("dropdb", "--if-exists", name)
    pg("createdb", "-T", template, name)
    return name


# --- Measuring ------------------------------------------------------------------------------------


def timed_process(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds and peak resident memory (MiB) of one process, as the kernel accounts it."""
    started = time.perf_counter()
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = process.stdout.read().decode(errors="replace")
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise RuntimeError(f"{' '.join(args)} failed:\n{output}")
    return seconds, usage.ru_maxrss / 1024, output


def summary(values: list[float], unit: str = "s", digits: int = 2) -> str:
    if not values:
        return "—"
    med, low, high = statistics.median(values), min(values), max(values)
    return f"{med:.{digits}f} {unit} ({low:.{digits}f}–{high:.{digits}f})".replace(" ×", "×")


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# --- Groups ---------------------------------------------------------------------------------------


def in_django(module: str, db: str, *args: object) -> dict:
    """`python -m module args…` inside Django on `db`: its rounds go to stderr as they finish, its
    result is the JSON object on the last line of its output."""
    command = [PYTHON, "-m", module, *map(str, args)]
    out = subprocess.run(command, cwd=ROOT, env=env_for(db), check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def group_computation(size: int, runs: int, args) -> str:
    _base, computed = templates(size)
    data = in_django("bench.computation", fresh_copy(computed, f"bench_scale_{size}_run"), runs, args.sample)
    rounds = data["rounds"]
    col = {k: [r[k] for r in rounds] for k in ("floor", "full", "computation", "naive")}
    ratio = {
        "computation / floor": [r["computation"] / r["floor"] for r in rounds],
        "computation / full SQL": [r["computation"] / r["full"] for r in rounds],
        "naive ORM loop / computation": [r["naive"] / r["computation"] for r in rounds],
    }
    v = data["vars"]
    lines = [
        f"#### {size:,} cadres — computation ({data['cadres']:,} results, {runs} rounds)",
        "",
        "| figure | median (min–max) |",
        "|---|---|",
        f"| floor (`bench/sql/floor.sql`) | {summary(col['floor'])} |",
        f"| one hand-written statement (`bench/sql/full.sql`) | {summary(col['full'])} |",
        f"| the computation (`computation_execute`, recompute) | {summary(col['computation'])} |",
        f"| naive per-cadre ORM loop (estimated from {data['sample']:,} cadres × {data['cadres']:,}) "
        f"| {summary(col['naive'], digits=0)} |",
    ]
    targets = {"computation / floor": "≤ 4×", "computation / full SQL": "≤ 2×", "naive ORM loop / computation": "≥ 50×"}
    lines += ["", "| ratio, within each round | median (min–max) | target |", "|---|---|---|"]
    lines += [f"| {name} | {summary(values, '×', 1)} | {targets[name]} |" for name, values in ratio.items()]
    if all("computation_cpu" in r for r in rounds):  # CPU seconds: Python + its PostgreSQL backend
        cpu = {k: [r[f"{k}_cpu"] for r in rounds] for k in ("floor", "full", "computation", "naive")}
        lines += [
            "",
            "The same rounds in CPU seconds (this process and its PostgreSQL backend; parallel workers,"
            " which only the floor's and full.sql's scans use, are not counted, so these ratios err"
            " against the computation):",
            "",
            "| CPU | median (min–max) |",
            "|---|---|",
        ]
        lines += [f"| {name} | {summary(cpu[name])} |" for name in ("floor", "full", "computation")]
        lines += [f"| naive | {summary(cpu['naive'], digits=0)} |", "", "| CPU ratio | median (min–max) |", "|---|---|"]
        per_round = {
            "computation / floor": [c / f for c, f in zip(cpu["computation"], cpu["floor"], strict=True)],
            "computation / full SQL": [c / f for c, f in zip(cpu["computation"], cpu["full"], strict=True)],
            "naive / computation": [n / c for n, c in zip(cpu["naive"], cpu["computation"], strict=True)],
        }
        lines += [f"| {name} | {summary(values, '×', 1)} |" for name, values in per_round.items()]
    lines += [
        "",
        f"full.sql gives the same rows as the computation: **{'yes' if data['identical'] else 'NO'}** "
        "(every column of every result compared with `EXCEPT` both ways).",
        "",
        "Rerun the SQL by hand: `psql -v period={period} -v start={start} -v end={end} -f bench/sql/floor.sql "
        "bench_scale_{size}_run` and `psql -v period={period} -v snapshot={snapshot} -v start={start} "
        "-v end={end} -v closed='{{…}}' -v wl={wl} -v wp={wp} -v wo={wo} -v drop_on={drop_on} "
        "-v drop_min={drop_min} -v log_rate={log_rate} -v summary_rate={summary_rate} "
        "-v summary_due={summary_due} -v year={year} -v quarter={quarter} -f bench/sql/full.sql "
        "bench_scale_{size}_run` (closed = the {n} working days whose window has closed).".format(
            size=size, n=v["closed"].count(",") + 1, **{k: v[k] for k in v if k != "closed"}
        ),
        "",
    ]
    return "\n".join(lines)


def group_commands(size: int, runs: int, args) -> str:
    base, _computed = templates(size)
    rows: dict[str, list[tuple[float, float]]] = {"open": [], "fill": []}
    for number in range(runs):
        db = fresh_copy(base, f"bench_scale_{size}_run")
        env = env_for(db)
        rows["open"].append(timed_process([PYTHON, "manage.py", "open_period", NEXT], env)[:2])
        rows["fill"].append(timed_process([PYTHON, "manage.py", "fill_ballots", NEXT], env)[:2])
        say(f"  commands {size} round {number + 1}: {rows['open'][-1]} {rows['fill'][-1]}")
    lines = [
        f"#### {size:,} cadres — commands (a fresh copy of the template each round, {runs} rounds)",
        "",
        "| command | wall time | peak memory of the process |",
        "|---|---|---|",
        f"| `manage.py open_period {NEXT}` (snapshot and every sheet; lines are derived) "
        f"| {summary([s for s, _m in rows['open']])} | {summary([m for _s, m in rows['open']], 'MiB', 0)} |",
        f"| `manage.py fill_ballots {NEXT}` (95% of the sheets sealed into the box) "
        f"| {summary([s for s, _m in rows['fill']])} | {summary([m for _s, m in rows['fill']], 'MiB', 0)} |",
        "",
    ]
    return "\n".join(lines)


def group_explain(size: int, runs: int, args) -> str:
    _base, computed = templates(size)
    db = fresh_copy(computed, f"bench_scale_{size}_run")
    out = subprocess.run(
        [PYTHON, "-m", "bench.explain"], cwd=ROOT, env=env_for(db), check=True, capture_output=True, text=True
    )
    return f"#### {size:,} cadres — query plans\n\n" + out.stdout


def group_keep(size: int, runs: int, args) -> str:
    _base, computed = templates(size)
    data = in_django("bench.keep", fresh_copy(computed, f"bench_scale_{size}_run"), runs)
    rounds = data["rounds"]
    col = {k: [r[k] for r in rounds] for k in ("dossier", "weasyprint", "import", "bulk_create")}
    lines = [
        f"#### {size:,} cadres in the database — kept figures ({runs} rounds, everything rolled back)",
        "",
        "| figure | median (min–max) |",
        "|---|---|",
        "| dossier export (`dossier_render`: a synthetic cadre, 3 years of records, "
        f"{data['html_bytes'] / 1024:.0f} KiB of HTML) | {summary(col['dossier'])} |",
        f"| WeasyPrint alone on the same HTML (`core.pdf.render_pdf`) | {summary(col['weasyprint'])} |",
        f"| `roster_import` of 10,000 rows (CSV, 100 new units) | {summary(col['import'])} |",
        f"| bare `bulk_create` of the same units and cadres | {summary(col['bulk_create'])} |",
        "",
        "| ratio, within each round | median (min–max) | target |",
        "|---|---|---|",
        f"| dossier export / WeasyPrint alone | {summary([r['dossier'] / r['weasyprint'] for r in rounds], '×', 2)} "
        "| ≤ 1.3× |",
        f"| `roster_import` / bare `bulk_create` | {summary([r['import'] / r['bulk_create'] for r in rounds], '×', 1)} "
        "| ≤ 10× |",
        "",
    ]
    return "\n".join(lines)


def group_web(size: int, runs: int, args) -> str:
    from bench import web

    return web.run(size, runs, args)


GROUPS = {
    "computation": group_computation,
    "commands": group_commands,
    "explain": group_explain,
    "keep": group_keep,
    "web": group_web,
}
TITLES = {
    "computation": "Computation of a quarter",
    "commands": "Opening a period and submitting its sheets",
    "explain": "Query plans (EXPLAIN (ANALYZE, BUFFERS))",
    "keep": "Dossier export and roster import (the figures to keep)",
    "web": "Web pages under load (gunicorn as docker-compose runs it, locust from loopback)",
}


def machine() -> str:
    cpus = os.cpu_count()
    mem = ""
    try:
        with open("/proc/meminfo") as handle:
            mem = f", {int(handle.readline().split()[1]) / 1024 / 1024:.0f} GiB memory"
    except OSError:
        pass
    version = pg("psql", "-d", "postgres", "-Atc", "SHOW server_version", check=False).stdout.strip()
    settings = pg(
        "psql",
        "-d",
        "postgres",
        "-Atc",
        "SELECT string_agg(name || '=' || setting, ', ') FROM pg_settings "
        "WHERE name IN ('work_mem', 'shared_buffers', 'autovacuum', 'max_parallel_workers_per_gather')",
        check=False,
    ).stdout.strip()
    load = os.getloadavg()
    return (
        f"{platform.platform()}, {cpus} CPUs{mem}; Python {platform.python_version()}; PostgreSQL {version} "
        f"({settings}); load average at the start {load[0]:.1f} (the machine is shared: absolute times "
        "vary with it, ratios are taken side by side within each round)."
    )


def merged(text: str, blocks: dict[tuple[str, int], str], stamp: str) -> str:
    """BENCHMARKS.md with each measured (group, size) block replaced between its markers, and
    everything else (the hand-written sections) kept. A block not in the file yet goes after the
    group's last block, or at the end under the group's title."""
    for (group, size), body in blocks.items():
        start, end = f"<!-- bench:{group}:{size} -->", f"<!-- /bench:{group}:{size} -->"
        block = f"{start}\n{body.rstrip()}\n\n{stamp}\n{end}"
        if start in text and end in text:
            text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
            continue
        ends = [i for i in range(len(text)) if text.startswith(f"<!-- /bench:{group}:", i)]
        if ends:
            at = text.index("-->", ends[-1]) + 3
            text = text[:at] + "\n\n" + block + text[at:]
        else:
            text = text.rstrip() + f"\n\n## {TITLES.get(group, group)}\n\n" + block + "\n"
    return text.rstrip() + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 50000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--groups", nargs="+", default=list(GROUPS), choices=list(GROUPS))
    parser.add_argument("--sample", type=int, default=50, help="cadres the naive loop is timed on")
    parser.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md")
    args = parser.parse_args()
    started = datetime.now(UTC)
    command = "python -m bench " + " ".join(sys.argv[1:])
    stamp = f"Written by `{command.strip()}` (`make bench`) on {started:%Y-%m-%d %H:%M} UTC. Machine: {machine()}"
    blocks = {}
    for group in args.groups:
        runs = args.runs if group != "explain" else 1
        for size in args.sizes:
            say(f"{group} at {size:,} cadres …")
            blocks[(group, size)] = GROUPS[group](size, runs, args).rstrip() + (
                f"\n\nEach figure is the median of {runs} runs with the minimum and maximum in brackets."
                if runs > 1
                else ""
            )
    text = args.output.read_text(encoding="utf-8") if args.output.exists() else "# Benchmarks\n"
    args.output.write_text(merged(text, blocks, stamp), encoding="utf-8")
    say(f"wrote {args.output}")


if __name__ == "__main__":
    main()
