"""`make run` on its own: SQLite, eager Celery, demo data and logins, the Chinese login page."""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# `make run` rewrites the English catalogue (make messages): under xdist, the test that reads it
# runs on the same worker (Makefile: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("locale-files")
APP_VARS = ("DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(url: str, process: subprocess.Popen, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"make run exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(1)
    raise AssertionError(f"{url} did not answer within {timeout} s")


@pytest.fixture
def embedded_app(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in APP_VARS and not k.startswith("PYTEST")}
    env.update(DATA_DIR=str(tmp_path), PORT=str(port))
    log = (tmp_path / "run.log").open("w+")
    process = subprocess.Popen(
        ["make", "run", f"PORT={port}"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/accounts/login/", process)
        log.seek(0)
        yield f"http://127.0.0.1:{port}", log.read(), tmp_path
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


def test_make_run_serves_the_demo_district_on_sqlite(embedded_app):
    base, output, data_dir = embedded_app
    assert "演示账号，密码均为 Demo@2026" in output
    assert re.search(r"考核办\s+ZZB004", output)
    assert (data_dir / "db.sqlite3").exists()

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login_page = opener.open(f"{base}/accounts/login/").read().decode()
    assert "<title>登录 · 干部实绩考核评价系统</title>" in login_page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1)
    form = urllib.parse.urlencode({"username": "ZZB004", "password": "Demo@2026", "csrfmiddlewaretoken": token})
    request = urllib.request.Request(f"{base}/accounts/login/", data=form.encode(), headers={"Referer": base})
    home = opener.open(request).read().decode()
    assert "在职干部" in home
    roster = opener.open(f"{base}/cadres/?unit=&q=QSZ").read().decode()
    assert "青石镇" in roster and "党委书记" in roster
    assert opener.open(f"{base}/static/vendor/bootstrap/bootstrap.min.css").status == 200
