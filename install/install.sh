#!/usr/bin/env bash
# Installs efm as a systemd service from a built checkout (npm ci && npm run build), as root, without
# network access: the efm user and group, /var/lib/efm (data), /etc/efm (config, keystore, secrets),
# the package under /opt/efm with the checkout's node_modules less its dev packages (native sqlite3 is
# already built for this machine), and the unit, whose ExecStart names the node found on PATH.
# Run again from a newer checkout it upgrades: /opt/efm and the unit are replaced, /etc/efm and
# /var/lib/efm are kept as they are.
# Usage: install/install.sh [KEYSTORE.p12]
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "install.sh: run as root" >&2; exit 1; }
if [ ! -f dist/main.js ] || [ ! -d node_modules ]; then
  echo "install.sh: run from a built checkout (npm ci && npm run build)" >&2
  exit 1
fi
if [ "${1:-}" != "" ] && [ ! -r "$1" ]; then
  echo "install.sh: cannot read the keystore $1" >&2
  exit 1
fi
NODE=$(command -v node) || { echo "install.sh: node is not on PATH" >&2; exit 1; }

getent group efm >/dev/null || groupadd --system efm
id efm >/dev/null 2>&1 || useradd --system --gid efm --home-dir /var/lib/efm --shell /usr/sbin/nologin efm
install -d -o efm -g efm -m 0750 /var/lib/efm
install -d -o root -g efm -m 0750 /etc/efm

# The new package is put together beside the old one and swapped in, so no file of an older version
# stays behind. --offline --legacy-peer-deps: pruning must not ask the registry about dev-only peers.
rm -rf /opt/efm.new /opt/efm.old
install -d -m 0755 /opt/efm.new
cp -R dist config schemas package.json package-lock.json README.md node_modules /opt/efm.new/
(cd /opt/efm.new && npm prune --omit=dev --offline --legacy-peer-deps --no-audit --no-fund --loglevel=error >/dev/null)
chown -R root:root /opt/efm.new
chmod -R u=rwX,go=rX /opt/efm.new
if [ -d /opt/efm ]; then mv /opt/efm /opt/efm.old; fi
mv /opt/efm.new /opt/efm
rm -rf /opt/efm.old

if [ "${1:-}" != "" ]; then
  install -o root -g efm -m 0640 "$1" /etc/efm/keystore.p12
  echo "install.sh: keystore placed at /etc/efm/keystore.p12; set difi.move.org.keystore.path to it"
fi
[ -f /etc/efm/efm.properties ] || install -o root -g efm -m 0640 /dev/null /etc/efm/efm.properties
[ -f /etc/efm/efm.env ] || install -o root -g root -m 0600 /dev/null /etc/efm/efm.env

install -d -m 0755 /etc/systemd/system
sed "s#^ExecStart=/usr/bin/node #ExecStart=$NODE #" install/efm.service > /etc/systemd/system/efm.service
chmod 0644 /etc/systemd/system/efm.service

# systemd is not running in a container or a chroot: the unit is in place, loading it is left to the target.
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
  systemctl daemon-reload
  echo "install.sh: installed. Edit /etc/efm/efm.properties (secrets in /etc/efm/efm.env), then: systemctl enable --now efm (after an upgrade: systemctl restart efm)"
else
  echo "install.sh: installed, but systemd is not running here, so the unit is not loaded; on the target: systemctl daemon-reload && systemctl enable --now efm"
fi
