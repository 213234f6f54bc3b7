"""docker-compose.yml and the Dockerfile cannot run here (no Docker engine): check what they say."""

import re
from pathlib import Path

import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def test_compose_runs_every_production_service_with_healthchecks_and_volumes():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"web", "worker", "beat", "postgres", "redis"} <= set(services)
    for name in ("web", "worker", "beat", "postgres", "redis"):
        assert "healthcheck" in services[name], name
    assert "gunicorn" in (ROOT / "Dockerfile").read_text()
    worker = services["worker"]["command"]
    assert worker[:2] == ["sh", "-c"] and "exec celery -A config worker" in worker[2]
    assert services["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]
    assert {"pgdata", "media"} <= set(compose["volumes"])
    assert services["web"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_compose_runs_backups_from_beat_and_exposes_metrics():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    # The nightly backup: beat sends ops.tasks.nightly_backup to the backup queue, which only the
    # `backup` worker takes; it alone mounts the backup and key volumes, and the image has pg_dump.
    backup = services["backup"]
    assert backup["command"][:4] == ["celery", "-A", "config", "worker"]
    assert "${CELERY_BACKUP_QUEUE:-backup}" in backup["command"]
    mounts = {volume.split(":")[1]: volume.split(":")[0] for volume in backup["volumes"]}
    assert mounts["/backups"] == "backups" and mounts["/backup-keys"] == "backup-keys"
    assert {"media", "backups", "backup-keys", "pgdata", "redisdata"} <= set(compose["volumes"])
    assert "postgresql-client" in (ROOT / "Dockerfile").read_text()
    assert settings.CELERY_TASK_ROUTES["ops.tasks.nightly_backup"] == {"queue": settings.CELERY_BACKUP_QUEUE}
    env = env_example()
    assert env["CELERY_BACKUP_QUEUE"] == "backup" and env["BACKUP_DIR"] == "/backups"
    assert env["BACKUP_KEYS_DIR"] == "/backup-keys"
    # /metrics on web's published port; the worker's task metrics on its own port.
    assert "8000:8000" in services["web"]["ports"]
    assert services["worker"]["environment"]["WORKER_METRICS_PORT"] == "9808"
    assert "9808:9808" in services["worker"]["ports"]
    # Prefork children write their task metrics where the exporter reads them, emptied at start.
    assert services["worker"]["environment"]["PROMETHEUS_MULTIPROC_DIR"] == "/tmp/worker-metrics"
    assert 'rm -rf "$$PROMETHEUS_MULTIPROC_DIR"' in services["worker"]["command"][2]
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
    # The image's own variables, read outside settings.py.
    assert "GUNICORN_WORKERS" in named and "GUNICORN_WORKERS" in (ROOT / "Dockerfile").read_text()


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
    for topic in ("### Sign-on", "### API tokens", "### Notifications", "### Backup and restore", "### Monitoring"):
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
