"""Settings come from the environment; production settings pass Django's deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SERVICE_VARS = ("DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "BALLOT_KEYS")


def clean_env() -> dict[str, str]:
    """This process's environment without the app's settings and the test-only switches."""
    return {
        k: v
        for k, v in os.environ.items()
        if k not in SERVICE_VARS and not k.startswith("PYTEST") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }


def run_django(code: str, **env: str) -> subprocess.CompletedProcess:
    script = (
        f"import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); django.setup(); {code}"
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**clean_env(), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def test_debug_is_off_and_secret_key_required_outside_debug():
    result = run_django("print('started')")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr
    ok = run_django("from django.conf import settings as s; print(s.DEBUG)", SECRET_KEY="k" * 60, BALLOT_KEYS=KEY)
    assert ok.stdout.strip() == "False"


KEY = "CHANGE-me-ballot-key-0000000000000000000000"


def test_ballot_keys_are_required_outside_debug_and_checked_at_start():
    missing = run_django("print('started')", SECRET_KEY="k" * 60)
    assert missing.returncode != 0 and "BALLOT_KEYS must be set when DEBUG is off" in missing.stderr
    short = run_django("print('started')", SECRET_KEY="k" * 60, BALLOT_KEYS="dG9vLXNob3J0")
    assert short.returncode != 0 and "32 bytes" in short.stderr
    rotated = run_django(
        "from django.conf import settings as s; print(len(s.BALLOT_KEYS))",
        SECRET_KEY="k" * 60,
        BALLOT_KEYS=f"{KEY[:-1]}1,{KEY}",
    )
    assert rotated.stdout.strip() == "2", rotated.stderr


def test_embedded_defaults_without_services():
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.CACHES['default']['BACKEND'])"
    )
    result = run_django(code, DEBUG="1")
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "django.core.cache.backends.locmem.LocMemCache",
    ], result.stderr


def test_services_come_from_the_environment():
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['HOST'], s.CELERY_TASK_ALWAYS_EAGER,"
        " s.CACHES['default']['LOCATION'], s.ALLOWED_HOSTS)"
    )
    result = run_django(
        code,
        SECRET_KEY="k" * 60,
        BALLOT_KEYS=KEY,
        DATABASE_URL="postgres://u:p@db.internal:5432/x",
        CELERY_BROKER_URL="redis://r:6379/0",
        REDIS_URL="redis://r:6379/1",
        ALLOWED_HOSTS="a.example,b.example",
    )
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "db.internal",
        "False",
        "redis://r:6379/1",
        "['a.example',",
        "'b.example']",
    ], result.stderr


def test_time_zone_and_languages():
    assert settings.TIME_ZONE == "Asia/Shanghai" and settings.USE_TZ
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans", "en"]


def test_deploy_check_passes_with_the_production_environment():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**clean_env(), **env_example()},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_axes_locks_by_username_and_address_and_by_address_alone_with_a_cool_off():
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"], "ip_address"]
    assert (settings.LOGIN_FAILURE_LIMIT_PER_ACCOUNT, settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS) == (5, 20)
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60


def test_login_limits_come_from_the_environment_and_a_bad_pair_fails_at_start():
    code = (
        "from django.conf import settings as s;"
        "print(s.LOGIN_FAILURE_LIMIT_PER_ACCOUNT, s.LOGIN_FAILURE_LIMIT_PER_ADDRESS)"
    )
    ok = run_django(code, DEBUG="1", AXES_FAILURE_LIMIT="3", AXES_IP_FAILURE_LIMIT="50")
    assert ok.stdout.split() == ["3", "50"], ok.stderr
    bad = run_django(code, DEBUG="1", AXES_FAILURE_LIMIT="10", AXES_IP_FAILURE_LIMIT="5")
    assert bad.returncode != 0 and "AXES_IP_FAILURE_LIMIT at least AXES_FAILURE_LIMIT" in bad.stderr
