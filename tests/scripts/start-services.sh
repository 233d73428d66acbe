#!/usr/bin/env bash
# Installs (once) and starts the services the pack's tests talk to: PostgreSQL, Redis, and the
# tools the static checks run. Idempotent: a second run finds everything installed and running.
set -euo pipefail

packages=(postgresql redis-server prometheus shellcheck yamllint jq openssl make debootstrap util-linux wrk curl python3 age nodejs)

# npm fetches the admin UIs' stand-ins from the npm registry (tests/images); the machine's own Node.js may provide it.
command -v npm >/dev/null || packages+=(npm)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "Installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The OTLP definitions the tests' trace collector is compiled from (tests/TheReview.Templates.Tests.csproj):
# bookworm has none, trixie does.
# kubectl renders the generated Kubernetes manifests with its own Kustomize (KubernetesManifestTests): trixie's
# kubernetes-client, which needs no cluster for that.
trixie=()
for package in opentelemetry-proto kubernetes-client; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || trixie+=("$package")
done
if ((${#trixie[@]})); then
  bash "$(dirname "$0")/add-trixie-source.sh"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -t trixie "${trixie[@]}" >/dev/null
fi

# The packaged services must not hold ports or start on their own: the tests start their own instances where they need them.
systemctl disable --now prometheus >/dev/null 2>&1 || true
pkill -x prometheus 2>/dev/null || true

# PostgreSQL: the distribution's cluster on 127.0.0.1:5432, password authentication for the tests.
cluster_version=$(pg_lsclusters -h | awk 'NR==1 {print $1}')
if ! pg_lsclusters -h | awk '{print $4}' | grep -q online; then
  pg_ctlcluster "$cluster_version" main start
fi
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p 5432 && break
  sleep 1
done
runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 -c "ALTER USER postgres PASSWORD 'postgres';"

# Redis on 127.0.0.1:6379.
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save '' --appendonly no
fi
for _ in $(seq 1 30); do
  redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break
  sleep 1
done

echo "PostgreSQL: $(runuser -u postgres -- psql -tAc 'show server_version') on 127.0.0.1:5432; Redis: $(redis-cli -h 127.0.0.1 info server | awk -F: '/redis_version/ {print $2}' | tr -d '\r') on 127.0.0.1:6379"
