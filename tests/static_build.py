"""`manage.py collectstatic` for tests/test_i18n_and_assets.py, run as a script in a child process:
the production build (ManifestStaticFilesStorage hashing, WhiteNoise compression) with one change of
cost, not of output. Brotli is nearly all of the build's time and WhiteNoise compresses each file twice
(under its own and its hashed name, the same bytes), and the vendored files are the same run after run:
each distinct content is compressed once and the result is kept in a cache directory, named by the
SHA-256 of the bytes and the brotli and WhiteNoise versions (brotli's output is a function of those).
New or changed content is compressed by brotli as before.

    python tests/static_build.py CACHE_DIR collectstatic --no-input ...
"""

from __future__ import annotations

import hashlib
import os
import sys
import threading
from importlib.metadata import version
from pathlib import Path


def cached_brotli(cache: Path):
    from whitenoise.compress import Compressor

    compress = Compressor.compress_brotli
    versions = f"brotli-{version('brotli')}-whitenoise-{version('whitenoise')}"
    guard = threading.Lock()
    locks: dict[str, threading.Lock] = {}

    def compress_brotli(data: bytes) -> bytes:
        key = hashlib.sha256(data).hexdigest()
        stored = cache / f"{versions}-{key}.br"
        with guard:
            lock = locks.setdefault(key, threading.Lock())
        with lock:  # the two names of one file are compressed on two threads at once
            if stored.exists():
                return stored.read_bytes()
            compressed = compress(data)
            partial = stored.with_name(f"{stored.name}.{os.getpid()}.{threading.get_ident()}")
            partial.write_bytes(compressed)
            partial.replace(stored)
            return compressed

    return staticmethod(compress_brotli)


def main() -> None:
    cache = Path(sys.argv[1])
    cache.mkdir(parents=True, exist_ok=True)
    from whitenoise.compress import Compressor

    Compressor.compress_brotli = cached_brotli(cache)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["manage.py", *sys.argv[2:]])


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
