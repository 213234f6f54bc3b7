"""The web pages under load: gunicorn as docker-compose runs it, locust headless from loopback.

`make bench BENCH_ARGS="--groups web"` (or `python -m bench --groups web --sizes 5000`).

For each size: a copy of the computed template (`createdb -T`; the templates are never changed)
with the next quarter opened (so there are results to read and open sheets to fill, as in the
first weeks of a quarter), accounts for real people of the data (bench/web_personas.py), and
gunicorn started with the Dockerfile's own command (config/gunicorn.py: workers from
GUNICORN_WORKERS as in .env.example, timeouts, access log; only the bind address is loopback and a
free port, and worker recycling is off: it stalled whole runs) and
production settings from the environment: DEBUG off, Redis cache, a broker, static files by
whitenoise from a collectstatic run, `X-Forwarded-Proto: https` from the client as the TLS proxy
sets it. The personas sign in through the login page.

Then, per round, each page is loaded by 50 users for a short run (bounded in requests and time),
paired with a run of 50 users on `/healthz` right before or after it (the order alternates by
round), so each page's throughput is divided by /healthz's measured under the same load of the
shared machine. Figures are the medians over rounds with min and max; the ratio is taken within
each pair. Throughput counts the requests finished between the start of the run and its last
finished request; p50 and p99 are of all finished requests of the run.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
USERS = 50
# Each locust run stops at whichever comes first (BENCH_WEB_SECONDS, BENCH_WEB_MAX_REQUESTS).
SECONDS = int(os.environ.get("BENCH_WEB_SECONDS", "15"))
MAX_REQUESTS = int(os.environ.get("BENCH_WEB_MAX_REQUESTS", "3000"))
PASSWORD = "Bench-web-" + secrets.token_hex(6)
# (what, locust user class, request name measured, target ratio vs /healthz)
PAGES: list[tuple[str, str, str, float | None]] = [
    ("results page (org staff, as it opens: first 50 rows)", "ResultsUser", "results page", 0.25),
    ("unit feed (a unit leader, last 7 days)", "FeedUser", "unit feed", 0.25),
    ("ballot sheet (a rater's open sheet)", "BallotUser", "ballot sheet", 0.25),
    ("public notice index (anonymous)", "PublicUser", "public notice index", 0.70),
    ("log submission (a cadre saves today's log)", "LogUser", "log submission", None),
]


def dockerfile_command(port: int) -> list[str]:
    """The Dockerfile's CMD (what docker-compose's `web` runs), bound to loopback instead (a
    command-line --bind overrides the one in config/gunicorn.py)."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    cmd = json.loads(re.search(r"^CMD (\[.*\])$", text, re.MULTILINE).group(1))  # type: ignore[union-attr]
    assert cmd[0] == "gunicorn", cmd
    # No worker recycling during the runs: at /healthz's rates it replaced every worker every few
    # runs, and a worker's start-up on the loaded machine stalled whole runs (nothing finished).
    return [*cmd, "--bind", f"127.0.0.1:{port}", "--max-requests", "0"]


def env_example(name: str, default: str) -> str:
    match = re.search(rf"^{name}=(.*)$", (ROOT / ".env.example").read_text(encoding="utf-8"), re.MULTILINE)
    return match.group(1) if match else default


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(db_url: str, port: int, work: Path, tag: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DEBUG", "PYTEST"))}
    env.update(
        DEBUG="false",
        SECRET_KEY="bench-web-" + secrets.token_urlsafe(40),
        # The templates' sealed sheets were sealed with this fixed benchmark key (bench/__main__.py).
        BALLOT_KEYS="a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2s=",
        ALLOWED_HOSTS="127.0.0.1",
        CSRF_TRUSTED_ORIGINS=f"https://127.0.0.1:{port}",
        SITE_URL=f"https://127.0.0.1:{port}",
        DATABASE_URL=db_url,
        REDIS_URL="redis://127.0.0.1:6379/1",
        CACHE_KEY_PREFIX=tag,
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        CELERY_QUEUE=tag,
        BEHIND_TLS_PROXY="true",
        SECURE_SSL_REDIRECT="true",
        GUNICORN_WORKERS=env_example("GUNICORN_WORKERS", "4"),
        LOG_LEVEL=env_example("LOG_LEVEL", "INFO"),
        LOG_FORMAT="json",
        STATIC_ROOT_OVERRIDE=str(ROOT / "var" / "bench-static"),
        MEDIA_ROOT=str(work / "media"),
        PYTHONPATH=str(ROOT),
    )
    env.pop("CONN_MAX_AGE", None)  # the production default
    return env


def collect_static(env: dict[str, str]) -> None:
    """collectstatic as the image build runs it, unless its output is newer than every static file."""
    manifest = Path(env["STATIC_ROOT_OVERRIDE"]) / "staticfiles.json"
    newest = max(p.stat().st_mtime for p in (ROOT / "static").rglob("*") if p.is_file())
    if not manifest.exists() or manifest.stat().st_mtime < newest:
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True
        )


class Gunicorn:
    def __init__(self, env: dict[str, str], port: int, log: Path) -> None:
        self.port, self.url = port, f"http://127.0.0.1:{port}"
        self.command = dockerfile_command(port)
        bin_dir = str(Path(sys.executable).parent)
        env = env | {"PATH": f"{bin_dir}:{env.get('PATH', '')}"}
        self.log = open(log, "w", encoding="utf-8")  # noqa: SIM115
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # stopped as a group, workers included
        )
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                if requests.get(f"{self.url}/healthz", headers={"X-Forwarded-Proto": "https"}, timeout=5).ok:
                    return
            except requests.RequestException:
                pass
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: see {log}")
            time.sleep(0.5)
        raise RuntimeError(f"gunicorn did not answer /healthz: see {log}")

    def workers(self) -> list[int]:
        """The gunicorn workers (the master's children)."""
        pid = self.process.pid
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]

    def cpu_seconds(self) -> float:
        """CPU time of the gunicorn workers so far (user + system), from /proc."""
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self.workers():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])
        return total / tick

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(40)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()


def sign_in(url: str, username: str) -> dict[str, str]:
    """Through the login page, as a browser behind the TLS proxy: the session and CSRF cookies."""
    origin = url.replace("http://", "https://")
    proxy = {"X-Forwarded-Proto": "https"}
    page = requests.get(f"{url}/accounts/login/", headers=proxy, timeout=60)
    csrf = page.cookies["csrftoken"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    answer = requests.post(
        f"{url}/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers=proxy | {"Cookie": f"csrftoken={csrf}", "Origin": origin, "Referer": f"{origin}/accounts/login/"},
        allow_redirects=False,
        timeout=60,
    )
    if answer.status_code != 302 or "sessionid" not in answer.cookies:
        raise RuntimeError(f"{username} could not sign in ({answer.status_code})")
    return {"sessionid": answer.cookies["sessionid"], "csrftoken": answer.cookies.get("csrftoken", csrf)}


def locust_run(user_class: str, url: str, config: Path, work: Path, seconds: int, max_requests: int) -> dict:
    out = work / f"run-{user_class}-{time.time_ns()}.json"
    env = dict(os.environ) | {
        "BENCH_WEB_CONFIG": str(config),
        "BENCH_WEB_OUT": str(out),
        "BENCH_WEB_MAX_REQUESTS": str(max_requests),
    }
    subprocess.run(
        [
            str(Path(sys.executable).parent / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "-u",
            str(USERS),
            "-r",
            "1000",
            "-t",
            f"{seconds}s",
            "--host",
            url,
            "--only-summary",
            "--loglevel",
            "ERROR",
            user_class,
        ],
        cwd=ROOT,
        env=env,
        check=False,
        capture_output=True,
    )
    data = json.loads(out.read_text())
    out.unlink()
    return data


def figures(data: dict, name: str) -> dict[str, float]:
    """Throughput, p50, p99 and failures of the requests called `name` in one locust run."""
    records = data["records"]
    mine = [r for r in records if r[0] == name]
    ok = sorted(r[2] for r in mine if r[3])
    if not records:  # nothing finished within the run's time
        return {"rps": 0.0, "p50": float("nan"), "p99": float("nan"), "n": 0, "failed": 0, "seconds": 0.0}
    end = max(r[1] for r in records)
    seconds = end - data["started"]

    def percentile(q: float) -> float:
        return ok[min(len(ok) - 1, int(q * len(ok)))] if ok else float("nan")

    return {
        "rps": len(ok) / seconds,
        "p50": percentile(0.50),
        "p99": percentile(0.99),
        "n": len(ok),
        "failed": len(mine) - len(ok),
        "seconds": seconds,
    }


def med(values: list[float], digits: int = 0, unit: str = "") -> str:
    if not values:
        return "—"
    return f"{statistics.median(values):.{digits}f}{unit} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def run(size: int, runs: int, args: Any) -> str:
    from bench import __main__ as bench  # the package's helpers (imported lazily: it imports this module)

    seconds, max_requests = SECONDS, MAX_REQUESTS
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(1))  # stopped: still stop gunicorn, drop the copy
    computed = f"bench_scale_{size}_computed"
    if not bench.db_exists(computed):
        bench.templates(size)
    db = bench.fresh_copy(computed, f"bench_scale_{size}_web")
    bench.manage(db, "migrate", "-v0")  # this branch's migrations on the copy, never on the template
    bench.say(f"  web {size}: opening {bench.NEXT} on the copy …")
    opened = time.perf_counter()
    bench.manage(db, "open_period", bench.NEXT)
    opened = time.perf_counter() - opened
    made = subprocess.run(
        [bench.PYTHON, "-m", "bench.web_personas", PASSWORD],
        cwd=ROOT,
        env=bench.env_for(db),
        check=True,
        capture_output=True,
        text=True,
    )
    personas = json.loads(made.stdout.strip().splitlines()[-1])
    work = Path(tempfile.mkdtemp(prefix="bench-web-"))
    tag = f"bench-web-{os.getpid()}"
    port = free_port()
    env = production_env(f"postgres://{bench.PG['user']}@{bench.PG['host']}:5432/{db}", port, work, tag)
    collect_static(env)
    server = Gunicorn(env, port, work / "gunicorn.log")
    loads: list[float] = [os.getloadavg()[0]]
    try:
        sessions = {
            "org_staff": sign_in(server.url, personas["org_staff"]),
            "leader": sign_in(server.url, personas["leader"]),
            "raters": [sign_in(server.url, r["username"]) | {"sheet": r["sheet"]} for r in personas["raters"]],
            "authors": [sign_in(server.url, a) for a in personas["authors"]],
        }
        results = int(personas["cadres"])
        config = work / "config.json"
        config.write_text(
            json.dumps(personas | {"sessions": sessions, "results_pages": max(2, (results + 49) // 50)}),
            encoding="utf-8",
        )
        for _what, user_class, _name, _target in PAGES:  # warm-up: every worker imports and compiles once
            locust_run(user_class, server.url, config, work, 4, 200)
        rows: dict[str, list[dict[str, float]]] = {name: [] for _w, _c, name, _t in PAGES}
        health: dict[str, list[dict[str, float]]] = {name: [] for _w, _c, name, _t in PAGES}
        for number in range(runs):
            for _what, user_class, name, _target in PAGES:
                pair = [(user_class, name), ("HealthUser", "/healthz")]
                for cls, measured in pair if number % 2 == 0 else pair[::-1]:
                    cpu = server.cpu_seconds()
                    data = locust_run(cls, server.url, config, work, seconds, max_requests)
                    fig = figures(data, measured)
                    fig["cpu_ms"] = 1000 * (server.cpu_seconds() - cpu) / max(1, fig["n"])
                    (rows[name] if cls != "HealthUser" else health[name]).append(fig)
                r, h = rows[name][-1], health[name][-1]
                h["rps"] = h["rps"] or float("nan")
                bench.say(
                    f"  web {size} round {number + 1} {name}: {r['rps']:.1f}/s p50 {r['p50']:.0f} ms "
                    f"(failed {r['failed']}) vs /healthz {h['rps']:.1f}/s → {r['rps'] / h['rps']:.3f}"
                )
            loads.append(os.getloadavg()[0])
    finally:
        server.stop()
        subprocess.run(
            ["redis-cli", "-n", "0", "DEL", tag], check=False, capture_output=True
        )  # the queue of tasks nobody ran
        bench.pg("dropdb", "--if-exists", db, check=False)
    return section(size, runs, args, personas, rows, health, loads, opened, server.command)


def section(size, runs, args, personas, rows, health, loads, opened, command) -> str:
    lines = [
        f"#### {size:,} cadres — {USERS} users, {runs} rounds, runs of ≤ {SECONDS} s or ≤ {MAX_REQUESTS:,} requests",
        "",
        f"Data: {personas['cadres']:,} cadres in {personas['units']:,} units; results of 2026Q3 "
        f"({(personas['cadres'] + 49) // 50:,} pages of 50); unit feed of "
        f"{personas['feed_unit_name']} ({personas['feed_unit_cadres']} cadres); {len(personas['raters'])} raters "
        f"each on an open sheet of {personas['sheet_lines']} ratees (2026Q4, opened on the copy in {opened:.0f} s); "
        f"12 published notices; {len(personas['authors'])} cadres of different units saving today's log "
        "(each save is a GET of 我的日志 then the POST; the POST is measured). Server: "
        f"`{shlex.join(command)}`. Load average (1 min) over the rounds: {min(loads):.1f}–{max(loads):.1f}.",
        "",
        "| page | p50 | p99 | requests/s | `/healthz` requests/s, same round | ratio | target | met? "
        "| app CPU per request (workers), page / `/healthz` |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for what, _cls, name, target in PAGES:
        r, h = rows[name], health[name]
        ratios = [a["rps"] / b["rps"] for a, b in zip(r, h, strict=True)]
        failed = sum(a["failed"] for a in r)
        met = "—" if target is None else ("**yes**" if statistics.median(ratios) >= target else "**no**")
        lines.append(
            f"| {what}{f' ({failed} failed)' if failed else ''} | {med([a['p50'] for a in r], 0, ' ms')} "
            f"| {med([a['p99'] for a in r], 0, ' ms')} | {med([a['rps'] for a in r], 1)} "
            f"| {med([b['rps'] for b in h], 1)} | {med(ratios, 3)} | {'—' if target is None else f'≥ {target}'} "
            f"| {met} | {med([a['cpu_ms'] for a in r], 1, ' ms')} / {med([b['cpu_ms'] for b in h], 1, ' ms')} |"
        )
    lines += [
        "",
        f"`/healthz` p50 / p99 over all its runs: {med([b['p50'] for v in health.values() for b in v], 0, ' ms')} / "
        f"{med([b['p99'] for v in health.values() for b in v], 0, ' ms')}.",
        "",
    ]
    return "\n".join(lines)
