"""Which release of the code a process runs, for the keys of cached HTML.

Page bodies kept in the shared cache (results, unit feed, ballot sheet rows, public notices) are
rendered by templates and Python of one release. After a deploy that changes either, a key of the
old release is never read again, so no page is served in the markup of the code before; the old
entries expire by their timeouts. RELEASE from the environment (an image tag, a commit) names it;
without it, a digest of the source files' contents, the same for every process of one install.
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path

from django.conf import settings

_SOURCES = ("*.py", "*.html")
_SKIPPED = {
    ".venv",
    "node_modules",
    "static",
    "staticfiles",
    "tests",
    "var",
    "test-artifacts",
    "media",
    ".git",
    "locale",
}


@cache
def release() -> str:
    named = os.environ.get("RELEASE", "").strip()
    if named:
        return hashlib.sha256(named.encode()).hexdigest()[:12]
    return _source_digest(Path(settings.BASE_DIR))


def _source_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(_source_files(root)):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _source_files(root: Path) -> list[Path]:
    found: list[Path] = []
    for directory, names, files in os.walk(root):
        names[:] = [name for name in names if name not in _SKIPPED and not name.startswith(".")]
        here = Path(directory)
        found += [here / name for name in files if any(Path(name).match(pattern) for pattern in _SOURCES)]
    return found
