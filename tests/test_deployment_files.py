"""docker-compose.yml and the Dockerfile cannot run here (no Docker engine): check what they say."""

import re
from pathlib import Path

import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


WORKERS = {
    "worker": "default",
    "worker-scoring": "scoring",
    "worker-pdf": "pdf",
    "worker-notifications": "notifications",
}


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_runs_every_production_service_with_healthchecks_and_volumes():
    services = compose()["services"]
    expected = {"proxy", "web", *WORKERS, "backup", "beat", "postgres", "redis", "migrate"}
    assert set(services) == expected
    for name in expected - {"migrate"}:
        assert "healthcheck" in services[name], name
    assert "gunicorn" in (ROOT / "Dockerfile").read_text()
    for name in WORKERS:
        command = services[name]["command"]
        assert command[:2] == ["sh", "-c"] and "exec celery -A config worker" in command[2], name
    assert services["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]
    assert {"pgdata", "media"} <= set(compose()["volumes"])
    assert services["web"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def queue_of(command: str) -> str:
    """The queue a worker command takes, with the compose variables as .env.example sets them."""
    match = re.search(r'--queues "([^"]+)"', command)
    assert match, command
    return match.group(1).replace("$${CELERY_QUEUE:-cadreperf}", env_example()["CELERY_QUEUE"])


def test_compose_has_a_worker_for_each_queue_the_settings_route_to(settings):
    """Each queue a task is routed to is taken by exactly one worker service (scalable on its own)."""
    services = compose()["services"]
    # The queue names as a production process computes them from .env.example's CELERY_QUEUE.
    prefix = env_example()["CELERY_QUEUE"]
    production = {
        role: name.replace(settings.CELERY_TASK_DEFAULT_QUEUE, prefix, 1) for role, name in settings.TASK_QUEUES.items()
    }
    assert production == {
        "default": "cadreperf",
        "scoring": "cadreperf.scoring",
        "pdf": "cadreperf.pdf",
        "notifications": "cadreperf.notifications",
    }
    taken = {name: queue_of(services[name]["command"][2]) for name in WORKERS}
    assert taken == {name: production[role] for name, role in WORKERS.items()}
    # Every queue a route names (by role) has its worker service; the backup queue has `backup`.
    assert {production[role] for role in settings.TASK_QUEUE_ROLES.values()} == set(taken.values())
    for task, role in settings.TASK_QUEUE_ROLES.items():
        assert settings.CELERY_TASK_ROUTES[task] == {"queue": settings.TASK_QUEUES[role]}
    for name, role in WORKERS.items():
        command = services[name]["command"][2]
        assert f"--hostname {role}@%h" in command, name
        assert f"--destination {role}@$$HOSTNAME" in services[name]["healthcheck"]["test"][1], name
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    # One computation per scoring container; beat is never scaled (README).
    assert "--concurrency 1" in services["worker-scoring"]["command"][2]
    assert "deploy" not in services["beat"]


def test_several_web_containers_sit_behind_the_proxy():
    services = compose()["services"]
    web, proxy = services["web"], services["proxy"]
    # Web publishes no host port (so --scale web=N does not collide); the proxy does.
    assert "ports" not in web and web["expose"] == ["8000"]
    assert proxy["ports"] == ["8000:8000"] and proxy["depends_on"]["web"]["condition"] == "service_healthy"
    mount = "./deploy/nginx/cadreperf.conf:/etc/nginx/conf.d/default.conf:ro"
    assert proxy["volumes"] == [mount]
    nginx = (ROOT / "deploy" / "nginx" / "cadreperf.conf").read_text()
    assert "server web:8000 resolve" in nginx and "resolver 127.0.0.11 valid=10s" in nginx
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in nginx
    assert "location = /metrics {\n        return 404;" in nginx
    assert env_example()["AXES_PROXY_COUNT"] == "2"  # the intranet's TLS proxy, then this one
    # gunicorn's timeout is far above any request; the proxy waits a little longer than gunicorn.
    gunicorn = {}
    exec((ROOT / "config" / "gunicorn.py").read_text(), gunicorn)  # noqa: S102  (our own file)
    read_timeout = int(re.search(r"proxy_read_timeout (\d+)s;", nginx).group(1))
    assert gunicorn["timeout"] == 60 and gunicorn["timeout"] < read_timeout
    assert gunicorn["graceful_timeout"] <= gunicorn["timeout"] and gunicorn["max_requests"] > 0
    assert '"-c", "config/gunicorn.py"' in (ROOT / "Dockerfile").read_text()


def test_postgres_runs_with_the_documented_settings_and_the_big_tables_autovacuum(db):
    from django.db import connection

    services = compose()["services"]
    postgres = services["postgres"]
    assert postgres["command"] == ["postgres", "-c", "config_file=/etc/postgresql/cadreperf.conf"]
    assert "./deploy/postgres/cadreperf.conf:/etc/postgresql/cadreperf.conf:ro" in postgres["volumes"]
    assert postgres["shm_size"] == "1gb"
    conf = {}
    for line in (ROOT / "deploy" / "postgres" / "cadreperf.conf").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, value = line.partition("=")
            conf[name.strip()] = value.strip().strip("'")
    for name in ("shared_buffers", "work_mem", "maintenance_work_mem", "effective_cache_size"):
        assert name in conf, name
    assert conf["autovacuum"] == "on" and float(conf["autovacuum_vacuum_scale_factor"]) < 0.2
    with connection.cursor() as cursor:
        # Every name is a PostgreSQL 15 setting, and each value the server accepts for its type.
        cursor.execute("SELECT lower(name), context FROM pg_settings WHERE lower(name) = ANY(%s)", [list(conf)])
        contexts = dict(cursor.fetchall())
        assert sorted(set(conf) - set(contexts)) == []
        for name, value in conf.items():
            if contexts[name] in ("user", "superuser"):
                cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
        cursor.execute("SELECT setting FROM pg_settings WHERE name = 'work_mem'")
        assert cursor.fetchone()[0] == str(32 * 1024)  # kB, as set above in this transaction

        # The migrate service applies the big tables' settings after the migrations; so does this
        # (in the test's transaction, rolled back after it).
        assert "deploy/postgres/tables.sql" in services["migrate"]["command"][2]
        cursor.execute((ROOT / "deploy" / "postgres" / "tables.sql").read_text())
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relkind = 'r' AND reloptions IS NOT NULL "
            "AND relnamespace = 'public'::regnamespace"
        )
        options = {name: dict(option.split("=") for option in opts) for name, opts in cursor.fetchall()}
    assert options["achievements_dailylog"]["autovacuum_vacuum_insert_scale_factor"] == "0.01"
    assert options["auditlog_logentry"]["autovacuum_analyze_scale_factor"] == "0.01"
    assert {"evaluations_sheetassignment", "evaluations_quarterlyresult", "ops_outboxtask", "django_session"} <= set(
        options
    )


def test_compose_runs_backups_from_beat_and_exposes_metrics():
    services = compose()["services"]
    # The nightly backup: beat sends ops.tasks.nightly_backup to the backup queue, which only the
    # `backup` worker takes; it alone mounts the backup and key volumes, and the image has pg_dump.
    backup = services["backup"]
    assert backup["command"][:4] == ["celery", "-A", "config", "worker"]
    assert "${CELERY_BACKUP_QUEUE:-backup}" in backup["command"]
    mounts = {volume.split(":")[1]: volume.split(":")[0] for volume in backup["volumes"]}
    assert mounts["/backups"] == "backups" and mounts["/backup-keys"] == "backup-keys"
    assert {"media", "backups", "backup-keys", "pgdata", "redisdata"} <= set(compose()["volumes"])
    assert "postgresql-client" in (ROOT / "Dockerfile").read_text()
    assert settings.CELERY_TASK_ROUTES["ops.tasks.nightly_backup"] == {"queue": settings.CELERY_BACKUP_QUEUE}
    env = env_example()
    assert env["CELERY_BACKUP_QUEUE"] == "backup" and env["BACKUP_DIR"] == "/backups"
    assert env["BACKUP_KEYS_DIR"] == "/backup-keys"
    # /metrics on each web container's port 8000 and each worker's task metrics on its 9808, on the
    # compose network (several containers per service: Prometheus finds them by DNS, README).
    assert services["web"]["expose"] == ["8000"]
    for name in WORKERS:
        assert services[name]["environment"]["WORKER_METRICS_PORT"] == "9808"
        assert services[name]["expose"] == ["9808"] and "ports" not in services[name]
        # Prefork children write their task metrics where the exporter reads them, emptied at start.
        assert services[name]["environment"]["PROMETHEUS_MULTIPROC_DIR"] == "/tmp/worker-metrics"
        assert 'rm -rf "$$PROMETHEUS_MULTIPROC_DIR"' in services[name]["command"][2]
    for name in ("worker", "backup", "beat"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_the_backup_schedule_is_in_beat_and_runs_the_backup_task(db):
    from django_celery_beat.models import PeriodicTask

    from messaging.tasks import sweep_deliveries
    from ops.tasks import nightly_backup

    task = PeriodicTask.objects.get(name="ops.nightly-backup")
    assert task.task == "ops.tasks.nightly_backup" and task.enabled
    assert (task.crontab.hour, task.crontab.minute) == ("2", "20")
    assert nightly_backup.name == task.task
    sweep = PeriodicTask.objects.get(name="messaging.sweep-deliveries")
    assert sweep.task == sweep_deliveries.name


def env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def test_every_setting_read_from_the_environment_is_in_env_example():
    """Each env var settings.py reads is named in .env.example (set, or commented with its default)."""
    read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"', (ROOT / "config" / "settings.py").read_text()))
    assert {"EMAIL_HOST", "SMS_GATEWAY_URL", "WECOM_BASE_URL", "NOTIFY_MAX_ATTEMPTS", "BACKUP_DIR"} <= read
    example = (ROOT / ".env.example").read_text()
    named = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", example, flags=re.MULTILINE))
    assert sorted(read - named) == []
    # The image's own variables, read outside settings.py (gunicorn's settings).
    gunicorn = (ROOT / "config" / "gunicorn.py").read_text()
    for name in ("GUNICORN_WORKERS", "GUNICORN_TIMEOUT"):
        assert name in named and f'os.environ.get("{name}"' in gunicorn, name


def test_env_example_has_the_notification_channels_and_a_marked_sign_on_section():
    example = (ROOT / ".env.example").read_text()
    for key in ("EMAIL_HOST=", "SMS_GATEWAY_URL=", "SMS_GATEWAY_TOKEN=", "SMS_GATEWAY_BODY=", "WECOM_MODE="):
        assert f"\n{key}" in example, key
    for key in ("WECOM_CORP_ID=", "WECOM_SECRET=", "WECOM_AGENT_ID=", "WECOM_WEBHOOK_URL="):
        assert f"\n{key}" in example, key
    start, end = example.index(">>> SIGN-ON"), example.index("<<< SIGN-ON")
    section = example[start:end]
    assert "LDAP" in section and "OIDC" in section
    # Sign-on is off by default: nothing in the section is set.
    assert all(line.startswith("#") for line in section.splitlines()[1:] if line.strip())


def test_readme_production_section_covers_what_a_district_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    production = readme[readme.index("## Production") :]
    production = production[: production.index("\n## ", 5)]
    topics = ("### Sign-on", "### API tokens", "### Notifications", "### Backup and restore", "### Monitoring")
    for topic in (*topics, "### Beyond one machine"):
        assert topic in production, topic
    for needle in ("/healthz", "/readyz", "/metrics", "manage.py backup", "manage.py restore", "ops.nightly-backup"):
        assert needle in production, needle
    for needle in ("EMAIL_HOST", "SMS_GATEWAY_URL", "WECOM_MODE", "NOTIFY_MAX_ATTEMPTS", "aiosmtpd"):
        assert needle in production, needle


def test_image_has_what_weasyprint_needs_for_chinese():
    dockerfile = (ROOT / "Dockerfile").read_text()
    for package in ("libharfbuzz-subset0", "fonts-noto-cjk", "libpango-1.0-0"):
        assert package in dockerfile


def test_env_example_names_every_setting_production_needs():
    example = (ROOT / ".env.example").read_text()
    for key in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL", "DEBUG=false"):
        assert key in example


def test_the_repository_stands_alone_without_the_outside_rulebook():
    """A clone has no folder beside it: nothing tracked may point there; the rules ship in docs/."""
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    # A section number of the outside rulebook means nothing in a clone: cite docs/rules.md.
    outside = ("../" + "shared", "shared/" + "SPEC", "/work/" + "shared", "SPEC" + " §")
    files = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True, check=True).stdout.split()
    offenders = []
    for name in files:
        path = root / name
        if not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        text = path.read_bytes().decode("utf-8", errors="ignore")
        offenders += [f"{name}: {needle}" for needle in outside if needle in text]
    assert offenders == []
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "(docs/rules.md)" in readme
    rules = (root / "docs" / "rules.md").read_text(encoding="utf-8")
    numbers = ("15 字 / 50 字", "5 个工作日", "0.1 分", "4 : 3 : 3", "30%", "3 人", "10% / 30% / 60%")
    for number in numbers:
        assert number in rules, number
