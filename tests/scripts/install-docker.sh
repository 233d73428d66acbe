#!/usr/bin/env bash
# Installs (once) and starts a Docker engine with buildx and compose v2. Bookworm's engine is too old
# for Testcontainers, so the packages come from Debian trixie (add-trixie-source.sh).
set -euo pipefail

engine_ready() { docker version --format '{{.Server.APIVersion}}' >/dev/null 2>&1; }

if ! dpkg-query -W -f='${Status}' docker.io 2>/dev/null | grep -q "install ok installed" \
  || ! docker compose version >/dev/null 2>&1 || ! docker buildx version >/dev/null 2>&1; then
  bash "$(dirname "$0")/add-trixie-source.sh"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -t trixie docker.io docker-buildx docker-compose >/dev/null
fi

# The machine's own docker CLI may be newer than the engine; both speak the engine's API version.
if ! engine_ready; then
  if [ ! -S /var/run/docker.sock ] || ! engine_ready; then
    rm -f /var/run/docker.pid
    nohup dockerd >/var/log/thereview-dockerd.log 2>&1 &
  fi
  for _ in $(seq 1 60); do
    engine_ready && break
    sleep 1
  done
fi
engine_ready || { echo "The Docker engine did not start; see /var/log/thereview-dockerd.log" >&2; tail -20 /var/log/thereview-dockerd.log >&2; exit 1; }
echo "Docker engine $(docker version --format '{{.Server.Version}}'), $(docker compose version --short | sed 's/^/compose /'), $(docker buildx version | awk '{print "buildx " $2}')"
