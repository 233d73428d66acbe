#!/usr/bin/env bash
# Adds Debian trixie to apt's sources (once), through the mirror this machine's own apt sources name, pinned
# low so nothing is taken from trixie unless asked for with -t trixie. Bookworm lacks a Docker engine new
# enough for Testcontainers and the OTLP .proto files (opentelemetry-proto).
set -euo pipefail

sources=/etc/apt/sources.list.d/thereview-trixie.sources
[ -f "$sources" ] && exit 0
mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
if [ -z "$mirror" ]; then
  mirror=$(awk '$1 == "deb" && $3 ~ /^bookworm$/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
fi
if [ -z "$mirror" ]; then
  echo "No Debian mirror found in the apt sources of this machine." >&2
  exit 1
fi
cat > /etc/apt/preferences.d/thereview-trixie <<'PIN'
Package: *
Pin: release n=trixie
Pin-Priority: 100
PIN
cat > "$sources.new" <<SOURCES
Types: deb
URIs: ${mirror}
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
mv "$sources.new" "$sources"
apt-get update -qq
