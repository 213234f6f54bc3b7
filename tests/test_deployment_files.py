"""docker-compose.yml and the Dockerfile cannot run here (no Docker engine): check what they say."""

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
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]
    assert {"pgdata", "media"} <= set(compose["volumes"])
    assert services["web"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_image_has_what_weasyprint_needs_for_chinese():
    dockerfile = (ROOT / "Dockerfile").read_text()
    for package in ("libharfbuzz-subset0", "fonts-noto-cjk", "libpango-1.0-0"):
        assert package in dockerfile


def test_env_example_names_every_setting_production_needs():
    example = (ROOT / ".env.example").read_text()
    for key in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL", "DEBUG=false"):
        assert key in example
