#!/usr/bin/env bash
# Debian packages the product and its tests need: CJK fonts and HarfBuzz's subsetter for
# WeasyPrint PDFs, poppler-utils to read PDFs back, Chromium for browser tests, gettext for
# the English translation; redis-server (a Redis the fault tests stop and start themselves) and
# postgresql-client-15 (pg_dump / pg_restore for backups); libldap2-dev and libsasl2-dev to compile
# python-ldap (directory sign-on), slapd and ldap-utils for the OpenLDAP server the sign-on tests start
# themselves (slapd is preseeded to skip its own configuration and database). Installs only what is
# missing; fails loudly if it cannot.
set -euo pipefail

PACKAGES=(fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 poppler-utils chromium gettext
  redis-server postgresql-client-15 libldap2-dev libsasl2-dev slapd ldap-utils)

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
# slapd's package would otherwise create a directory of its own and ask for its password.
echo "slapd slapd/no_configuration boolean true" | $SUDO debconf-set-selections
# Another checkout's `make test` may be installing at the same moment: wait for its lock.
APT=($SUDO apt-get -o DPkg::Lock::Timeout=600)
if ! "${APT[@]}" install -y --no-install-recommends "${missing[@]}"; then
  "${APT[@]}" update
  "${APT[@]}" install -y --no-install-recommends "${missing[@]}"
fi
