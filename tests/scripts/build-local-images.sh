#!/usr/bin/env bash
# Builds the local stand-ins of the images the generated repository names (see tests/images/README.md)
# and prints them as the variables the product reads, one per line: POSTGRES_IMAGE=thereview-local/postgres:...
# Tags carry a hash of each image's folder, so a second run builds nothing.
# --check builds nothing: it prints the variables when every image exists, else names the missing ones and exits 1.
set -euo pipefail
check_only=false
[ "${1:-}" = --check ] && check_only=true
root=$(cd "$(dirname "$0")/../.." && pwd)
images="$root/tests/images"
dotnet_root=${DOTNET_ROOT:-/usr/share/dotnet}

log() { echo "$*" >&2; }
exists() { docker image inspect "$1" >/dev/null 2>&1; }
hash_of() { (cd "$images/$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-12); }

base=thereview-local/debian:trixie
ensure_base() {
  exists "$base" && return
  local mirror rootfs
  mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=$(awk '$1 == "deb" {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  [ -n "$mirror" ] || { log "No Debian mirror in this machine's apt sources"; exit 1; }
  command -v debootstrap >/dev/null || { log "debootstrap is not installed"; exit 1; }
  rootfs=$(mktemp -d)
  log "debootstrap trixie (minbase) from the machine's mirror"
  debootstrap --variant=minbase --include=passwd,ca-certificates trixie "$rootfs" "$mirror" >/dev/null
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | docker import - "$base" >/dev/null
  rm -rf "$rootfs"
}

build() {
  local name=$1 tag context
  tag="thereview-local/${name}:$(hash_of "$name")"
  if ! exists "$tag"; then
    $check_only && return 1
    ensure_base
    log "building $tag"
    context=$(mktemp -d)
    cp -a "$images/$name/." "$context/"
    case "$name" in
      dotnet-sdk)
        cp -a "$dotnet_root" "$context/dotnet"
        cp /etc/ssl/certs/ca-certificates.crt "$context/ca-certificates.crt"
        ;;
      redis-commander)
        # The package from the npm registry this machine's npm is configured for, with its production dependencies.
        (cd "$context" && npm pack --silent redis-commander@0.9.0 >/dev/null && mkdir app \
          && tar -xzf redis-commander-0.9.0.tgz -C app --strip-components=1 \
          && cd app && npm install --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund --silent >/dev/null)
        ;;
      dotnet-aspnet|dotnet-aspnet-chiseled)
        mkdir -p "$context/dotnet/shared"
        cp -a "$dotnet_root/dotnet" "$dotnet_root/host" "$dotnet_root/LICENSE.txt" "$context/dotnet/"
        cp -a "$dotnet_root/shared/Microsoft.NETCore.App" "$dotnet_root/shared/Microsoft.AspNetCore.App" "$context/dotnet/shared/"
        ;;
    esac
    docker build --quiet --build-arg BASE_IMAGE="$base" --tag "$tag" "$context" >/dev/null
    rm -rf "$context"
  fi
  echo "$tag"
}

# The production stage's default runtime is chiseled; the Debian one stays a build argument for teams that need a shell.
wanted=(SDK_IMAGE=dotnet-sdk RUNTIME_IMAGE=dotnet-aspnet-chiseled FULL_RUNTIME_IMAGE=dotnet-aspnet POSTGRES_IMAGE=postgres
  REDIS_IMAGE=redis NGINX_IMAGE=nginx PROMETHEUS_IMAGE=prometheus POSTGRES_EXPORTER_IMAGE=postgres-exporter
  REDIS_EXPORTER_IMAGE=redis-exporter REDIS_COMMANDER_IMAGE=redis-commander)
missing=()
for image in "${wanted[@]}"; do
  if tag=$(build "${image#*=}"); then echo "${image%%=*}=$tag"; else missing+=("${image#*=}"); fi
done
if ((${#missing[@]})); then
  log "Missing local images: ${missing[*]} (tests/scripts/build-local-images.sh builds them)"
  exit 1
fi
