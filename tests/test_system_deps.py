""".ci/system-deps.sh, run against stand-in dpkg-query / apt-get / id on PATH (nothing is installed)."""

import os
import stat
import subprocess
from pathlib import Path

from django.conf import settings

SCRIPT = Path(settings.BASE_DIR) / ".ci" / "system-deps.sh"


def _stub(directory: Path, name: str, body: str) -> None:
    path = directory / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


def test_missing_packages_wait_for_an_apt_run_already_in_progress(tmp_path):
    # Two checkouts on one machine run `make test` at once: the second must wait for the first
    # one's apt-get to release the dpkg lock, not fail at once with "Could not get lock".
    calls = tmp_path / "apt-calls"
    _stub(tmp_path, "dpkg-query", "exit 1")  # every package missing
    _stub(tmp_path, "id", "echo 0")  # as root, so no sudo
    _stub(tmp_path, "apt-get", f'echo "$*" >> {calls}')
    result = subprocess.run(
        ["bash", str(SCRIPT)],
        env={**os.environ, "PATH": f"{tmp_path}:/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    installs = [line for line in calls.read_text().splitlines() if " install " in f" {line} "]
    assert installs and all("DPkg::Lock::Timeout=" in line for line in installs)
    assert "fonts-noto-cjk" in installs[0] and "chromium" in installs[0]
