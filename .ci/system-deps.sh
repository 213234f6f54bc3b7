#!/usr/bin/env bash
# Debian packages the product and its tests need: CJK fonts and HarfBuzz's subsetter for
# WeasyPrint PDFs, poppler-utils to read PDFs back, Chromium for browser tests, gettext for
# the English translation; redis-server (a Redis the fault tests stop and start themselves) and
# postgresql-client-15 (pg_dump / pg_restore for backups). Installs only what is missing; fails loudly if it cannot.
set -euo pipefail

PACKAGES=(fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 poppler-utils chromium gettext
  redis-server postgresql-client-15)

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing Debian packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "Need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
# Another checkout's `make test` may be installing at the same moment: wait for its lock.
APT=($SUDO apt-get -o DPkg::Lock::Timeout=600)
if ! "${APT[@]}" install -y --no-install-recommends "${missing[@]}"; then
  "${APT[@]}" update
  "${APT[@]}" install -y --no-install-recommends "${missing[@]}"
fi
