#!/usr/bin/env bash
# Installs efm as a systemd service: user, directories, the built package under /opt/efm, the unit.
# Run as root from a built checkout (npm ci && npm run build).   Usage: install/install.sh [KEYSTORE.p12]
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "install.sh: run as root" >&2; exit 1; }
[ -f dist/main.js ] || { echo "install.sh: dist/main.js is missing; run npm ci first" >&2; exit 1; }

id efm >/dev/null 2>&1 || useradd --system --home-dir /var/lib/efm --shell /usr/sbin/nologin efm
install -d -o efm -g efm -m 0750 /var/lib/efm
install -d -o root -g efm -m 0750 /etc/efm
install -d -m 0755 /opt/efm
cp -r dist config schemas package.json package-lock.json README.md /opt/efm/
(cd /opt/efm && npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm rebuild sqlite3)

if [ "${1:-}" != "" ]; then
  install -o root -g efm -m 0640 "$1" /etc/efm/keystore.p12
  echo "keystore placed at /etc/efm/keystore.p12; set difi.move.org.keystore.path to it"
fi
[ -f /etc/efm/efm.properties ] || install -o root -g efm -m 0640 /dev/null /etc/efm/efm.properties
[ -f /etc/efm/efm.env ] || install -o root -g root -m 0600 /dev/null /etc/efm/efm.env

install -m 0644 install/efm.service /etc/systemd/system/efm.service
systemctl daemon-reload
echo "Edit /etc/efm/efm.properties (org number, keystore, credentials in /etc/efm/efm.env), then: systemctl enable --now efm"
