"""Chinese by default, English available; every asset served locally."""

import gzip
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import brotli
import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("locale-files")]  # see test_embedded_default
ROOT = Path(settings.BASE_DIR)


def test_english_catalogue_translates_every_string():
    """`make test` refreshes the catalogue from the code first, so a new string must be translated."""
    text = (ROOT / "locale/en/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]
    untranslated = [e for e in entries if re.search(r'^msgstr(\[\d\])? ""\n(?!")', e + "\n", re.M) or "#, fuzzy" in e]
    assert untranslated == []


def test_chinese_by_default_even_for_an_english_browser(client, personas):
    client.force_login(personas.org_staff.user)
    text = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-hans"' in text and "干部名册" in text


def test_switching_to_english_and_back(client, personas):
    client.force_login(personas.org_staff.user)
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("cadres:cadre_list")})
    assert response.status_code == 302
    text = client.get(reverse("cadres:cadre_list")).content.decode()
    assert 'lang="en"' in text and "Import roster" not in text and "Export Excel" in text and "Cadres" in text
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "导出 Excel" in client.get(reverse("cadres:cadre_list")).content.decode()


def test_pages_load_nothing_from_other_hosts(client, personas):
    client.force_login(personas.org_staff.user)
    pages = [reverse("home"), reverse("cadres:cadre_list"), reverse("cadres:roster_import"), "/api/docs/"]
    for url in pages:
        html = client.get(url).content.decode()
        external = re.findall(r'(?:src|href)="(?:https?:)?//[^"]+"', html)
        assert external == [], url
    client.logout()
    assert re.findall(r'(?:src|href)="(?:https?:)?//', client.get(reverse("login")).content.decode()) == []


def test_no_template_or_script_pulls_from_a_cdn():
    for path in [*ROOT.glob("templates/**/*.html"), *ROOT.glob("*/templates/**/*.html"), *ROOT.glob("static/js/*.js")]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"https?://(cdn|unpkg|fonts\.googleapis|cdnjs|jsdelivr)", text), path


def test_csp_forbids_inline_scripts_and_foreign_hosts(client, db):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "default-src 'self'" in policy and "unsafe-inline" not in policy


def test_production_static_build_collects_and_hashes_assets(tmp_path, request):
    """collectstatic with the production settings and storage (tests/static_build.py: brotli output
    is reused for content compressed before)."""
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "x" * 60,
        "BALLOT_KEYS": "CHANGE-me-ballot-key-0000000000000000000000",
        "ALLOWED_HOSTS": "example.org",
        "STATIC_ROOT_OVERRIDE": str(tmp_path),
    }
    env.pop("PYTEST_CURRENT_TEST", None)
    result = subprocess.run(
        [
            sys.executable,
            "tests/static_build.py",
            str(request.config.cache.mkdir("static-build-brotli")),
            "collectstatic",
            "--no-input",
            "-v",
            "0",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "vendor/bootstrap/bootstrap.min.css" in manifest and "vendor/chartjs/chart.umd.min.js" in manifest
    assert list(tmp_path.glob("vendor/bootstrap-icons/fonts/bootstrap-icons.*.woff2"))
    # Compressed next to each file, under both names, and each .br and .gz gives back its file's bytes.
    hashed = json.loads(manifest)["paths"]["vendor/bootstrap/bootstrap.min.css"]
    assert (tmp_path / f"{hashed}.br").exists() and (tmp_path / "vendor/bootstrap/bootstrap.min.css.br").exists()
    compressed = [*tmp_path.rglob("*.br"), *tmp_path.rglob("*.gz")]
    assert len(compressed) > 100
    for path in compressed:
        unpack = brotli.decompress if path.suffix == ".br" else gzip.decompress
        assert unpack(path.read_bytes()) == path.with_suffix("").read_bytes(), path
