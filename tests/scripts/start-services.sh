#!/usr/bin/env bash
# Installs (once) and starts the services the pack's tests talk to: PostgreSQL, Redis, and the
# tools the static checks run. Idempotent: a second run finds everything installed and running.
set -euo pipefail

# podman (with catatonit, its pods' init) runs the rendered Kubernetes pod spec with kube play (KubernetesPodTests).
# busybox-static stands in for macOS's non-GNU tools when the script specs run a second time (ScriptTools).
packages=(postgresql redis-server prometheus shellcheck yamllint jq openssl make debootstrap util-linux wrk curl python3 age nodejs
  podman catatonit runc busybox-static)

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
# arm64 images are built and run under qemu (qemu-user-static, binfmt-support) and pushed, with their amd64 twins,
# to a local registry (docker-registry) as one multi-platform image (MultiPlatformImageTests).
trixie=()
for package in opentelemetry-proto kubernetes-client qemu-user-static binfmt-support docker-registry; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || trixie+=("$package")
done
if ((${#trixie[@]})); then
  bash "$(dirname "$0")/add-trixie-source.sh"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -t trixie "${trixie[@]}" >/dev/null
fi

# The packaged services must not hold ports or start on their own: the tests start their own instances where they need them.
systemctl disable --now prometheus docker-registry >/dev/null 2>&1 || true
pkill -x prometheus 2>/dev/null || true

# podman as root here cannot raise its containers' open-file limits (no CAP_SYS_RESOURCE): ask for what it may set.
# Its default runtime, crun, refuses cgroups in hybrid mode (v1, with a v2 mount that has a controller, as some
# of these machines have: "drop all controllers from cgroupv2"); runc, the Docker engine's, runs there.
mkdir -p /etc/containers
printf '[containers]\ndefault_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]\n\n[engine]\nruntime = "runc"\n' \
  > /etc/containers/containers.conf

# arm64 programs run under qemu: the kernel learns it through binfmt_misc (no systemd here to register it). The
# F flag of Debian's entry loads the interpreter now, so it works inside containers too.
if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
  mountpoint -q /proc/sys/fs/binfmt_misc || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
  /lib/systemd/systemd-binfmt /usr/lib/binfmt.d/qemu-aarch64.conf
fi

# An image registry on 127.0.0.1:5000, without authentication, for multi-platform images (Docker treats
# 127.0.0.0/8 as a plain-HTTP registry).
registry=/var/lib/thereview-registry
if ! curl -fsS http://127.0.0.1:5000/v2/ >/dev/null 2>&1; then
  mkdir -p "$registry/data"
  cat > "$registry/config.yml" <<CONFIG
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $registry/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:5000
CONFIG
  setsid docker-registry serve "$registry/config.yml" >"$registry/registry.log" 2>&1 < /dev/null &
  for _ in $(seq 1 30); do
    curl -fsS http://127.0.0.1:5000/v2/ >/dev/null 2>&1 && break
    sleep 1
  done
  curl -fsS http://127.0.0.1:5000/v2/ >/dev/null || { echo "the local registry did not start: $registry/registry.log" >&2; exit 1; }
fi

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

echo "Registry: 127.0.0.1:5000; binfmt: $(head -n 1 /proc/sys/fs/binfmt_misc/qemu-aarch64) qemu-aarch64"
echo "PostgreSQL: $(runuser -u postgres -- psql -tAc 'show server_version') on 127.0.0.1:5432; Redis: $(redis-cli -h 127.0.0.1 info server | awk -F: '/redis_version/ {print $2}' | tr -d '\r') on 127.0.0.1:6379"
