"""The manual's screenshots and what they were taken of: static/manual/screenshots.json records, for
each picture, the page and a hash of every template and stylesheet that drew it. A picture whose
files have changed since is stale (tests/test_manual.py fails; the browser test retakes it)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "static" / "manual"
MANIFEST = SHOTS / "screenshots.json"
# Besides the page's templates: the stylesheets every page loads.
STYLES = ("static/css/app.css", "static/css/publicity-public.css")


def fingerprint(files: list[str]) -> dict[str, str]:
    return {name: hashlib.sha256((ROOT / name).read_bytes()).hexdigest()[:16] for name in sorted({*files, *STYLES})}


def load_manifest() -> dict[str, dict]:
    return json.loads(MANIFEST.read_text(encoding="utf-8")) if MANIFEST.exists() else {}


def save_manifest(manifest: dict[str, dict]) -> None:
    MANIFEST.write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def referenced_in_templates() -> set[str]:
    """Every static/manual picture the manual's templates show."""
    found: set[str] = set()
    for path in (ROOT / "manual" / "templates").rglob("*.html"):
        found |= set(re.findall(r"manual/[\w-]+\.png", path.read_text(encoding="utf-8")))
    return found
