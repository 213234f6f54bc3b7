"""Locust users for the web load benchmark (bench/web.py starts gunicorn and runs these headless).

    BENCH_WEB_CONFIG=config.json BENCH_WEB_OUT=requests.json BENCH_WEB_MAX_REQUESTS=2000 \
        locust -f bench/locustfile.py --headless -u 50 -r 50 -t 20s --host http://127.0.0.1:8001 ResultsUser

The config (written by bench/web.py) holds the signed-in sessions of real people of the generated
data (bench/web_personas.py) and the ids their pages need. Each user is one person in a browser:
it sends the session cookie and, as the TLS proxy in front of docker-compose's `web` does,
`X-Forwarded-Proto: https` (so the production settings' HTTPS redirect and secure cookies apply
unchanged; the cookies are sent by hand because the client would not send secure cookies over
plain HTTP). Users wait for nothing between requests: 50 users keep 50 requests in flight.

Every finished request is recorded (name, end time, response time, ok) and written to
BENCH_WEB_OUT when the run stops; the run stops after BENCH_WEB_MAX_REQUESTS requests or at -t,
whichever comes first.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from html import unescape as html_unescape

import gevent
from locust import FastHttpUser, constant, events, task

CONFIG = json.loads(open(os.environ["BENCH_WEB_CONFIG"], encoding="utf-8").read())  # noqa: SIM115
MAX_REQUESTS = int(os.environ.get("BENCH_WEB_MAX_REQUESTS", "0"))
RECORDS: list[tuple[str, float, float, bool]] = []
STARTED: list[float] = []
TEXTS = [
    "上午参加镇党委会研究秋冬季森林防火工作，下午到青石村督查高标准农田建设进度，现场协调两处问题。",
    "走访辖区企业三家，了解用工和融资需求，协调解决供电线路迁改问题，形成问题清单报分管领导。",
    "整理季度项目台账，核对资金拨付进度，起草专题汇报材料，参加科室例会汇报本周工作进展情况。",
]
VERSION = re.compile(r'<input[^>]*name="version"[^>]*>')
VALUE = re.compile(r'value="([^"]*)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@events.test_start.add_listener
def _started(environment, **_kwargs) -> None:
    STARTED.append(time.time())


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception, **_kwargs) -> None:
    RECORDS.append((name, time.time(), response_time, exception is None))
    if MAX_REQUESTS and len(RECORDS) == MAX_REQUESTS:
        runner = _record.environment.runner  # type: ignore[attr-defined]
        gevent.spawn(runner.quit)


@events.init.add_listener
def _init(environment, **_kwargs) -> None:
    _record.environment = environment  # type: ignore[attr-defined]


@events.quitting.add_listener
def _write(environment, **_kwargs) -> None:
    with open(os.environ["BENCH_WEB_OUT"], "w", encoding="utf-8") as handle:
        json.dump({"started": STARTED[0] if STARTED else None, "records": RECORDS}, handle)


class Browser(FastHttpUser):
    abstract = True
    wait_time = constant(0)
    persona = ""  # a key of CONFIG["sessions"], or a list key whose sessions are taken in turn
    _turns: dict[str, itertools.cycle] = {}

    def on_start(self) -> None:
        sessions = CONFIG["sessions"][self.persona]
        if isinstance(sessions, list):
            turn = Browser._turns.setdefault(self.persona, itertools.cycle(range(len(sessions))))
            self.me = sessions[next(turn)]
        else:
            self.me = sessions
        self.headers = {
            "X-Forwarded-Proto": "https",
            "Cookie": f"sessionid={self.me['sessionid']}; csrftoken={self.me['csrftoken']}",
        }

    def page(self, url: str, name: str):
        with self.client.get(url, name=name, headers=self.headers, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.headers.get('Location', '')}")
            return response


class HealthUser(Browser):
    """`/healthz`: the same server's cost of answering at all (the ratio's denominator)."""

    def on_start(self) -> None:
        self.headers = {"X-Forwarded-Proto": "https"}

    @task
    def healthz(self) -> None:
        self.page("/healthz", "/healthz")


class ResultsUser(Browser):
    """组织部 staff on the quarter's results as the page opens (the first 50 rows, all units)."""

    persona = "org_staff"

    @task
    def first_page(self) -> None:
        self.page(f"/evaluations/periods/{CONFIG['results_period']}/results/", "results page")


class ResultsPagingUser(Browser):
    """组织部 staff paging at random through all the results (nearly every request a page not
    seen before: the cost of building the page, not of the cached one). Not in bench/web.py's
    rounds: at 50,000 cadres and 50 users its requests outlast a short run."""

    persona = "org_staff"

    @task
    def later_page(self) -> None:
        page = random.randint(2, CONFIG["results_pages"])
        self.page(f"/evaluations/periods/{CONFIG['results_period']}/results/?page={page}", "results, a random page")


class FeedUser(Browser):
    """The main leader of a unit of about 62 cadres reading its feed (the last 7 days)."""

    persona = "leader"

    @task
    def feed(self) -> None:
        self.page(f"/achievements/feed/?unit={CONFIG['feed_unit']}", "unit feed")


class BallotUser(Browser):
    """A rater opening an open sheet of about 99 ratees (each user its own rater and sheet)."""

    persona = "raters"

    @task
    def sheet(self) -> None:
        self.page(f"/evaluations/sheets/{self.me['sheet']}/", "ballot sheet")


class PublicUser(Browser):
    """Anyone on the public notice index (no session)."""

    def on_start(self) -> None:
        self.headers = {"X-Forwarded-Proto": "https"}

    @task
    def index(self) -> None:
        self.page("/notices/", "public notice index")


class LogUser(Browser):
    """A cadre writing today's daily log: open 我的日志, save the text (each user its own cadre)."""

    persona = "authors"

    @task
    def write(self) -> None:
        form = self.page("/achievements/logs/", "log page (before saving)")
        if form.status_code != 200:
            return
        html = form.text
        tag, token = VERSION.search(html), CSRF.search(html)
        version = VALUE.search(tag.group(0)) if tag else None
        data = {
            "day": CONFIG["today"],
            "text": f"{random.choice(TEXTS)}（{time.time():.6f}）",
            "version": html_unescape(version.group(1)) if version else "",
            "csrfmiddlewaretoken": token.group(1) if token else "",
        }
        headers = self.headers | {
            "Origin": f"https://{self.host.split('://', 1)[1]}",
            "Referer": f"https://{self.host.split('://', 1)[1]}/achievements/logs/",
        }
        with self.client.post(
            "/achievements/logs/",
            data=data,
            headers=headers,
            name="log submission",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"{response.status_code}: not saved")
