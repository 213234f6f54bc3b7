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
