#!/usr/bin/env bash
# Builds the local stand-ins of the images the generated repository names (see tests/images/README.md)
# and prints them as the variables the product reads, one per line: POSTGRES_IMAGE=thereview-local/postgres:...
# Tags carry a hash of each image's folder, so a second run builds nothing.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
images="$root/tests/images"
dotnet_root=${DOTNET_ROOT:-/usr/share/dotnet}

log() { echo "$*" >&2; }
exists() { docker image inspect "$1" >/dev/null 2>&1; }
hash_of() { (cd "$images/$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-12); }

mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$mirror" ] || { log "No Debian mirror in this machine's apt sources"; exit 1; }

base=thereview-local/debian:trixie
if ! exists "$base"; then
  command -v debootstrap >/dev/null || { log "debootstrap is not installed"; exit 1; }
  rootfs=$(mktemp -d)
  log "debootstrap trixie (minbase) from the machine's mirror"
  debootstrap --variant=minbase --include=passwd,ca-certificates trixie "$rootfs" "$mirror" >/dev/null
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | docker import - "$base" >/dev/null
  rm -rf "$rootfs"
fi

build() {
  local name=$1 tag context
  tag="thereview-local/${name}:$(hash_of "$name")"
  if ! exists "$tag"; then
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
      dotnet-aspnet)
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

echo "SDK_IMAGE=$(build dotnet-sdk)"
echo "RUNTIME_IMAGE=$(build dotnet-aspnet)"
echo "POSTGRES_IMAGE=$(build postgres)"
echo "REDIS_IMAGE=$(build redis)"
echo "NGINX_IMAGE=$(build nginx)"
echo "PROMETHEUS_IMAGE=$(build prometheus)"
echo "POSTGRES_EXPORTER_IMAGE=$(build postgres-exporter)"
echo "REDIS_EXPORTER_IMAGE=$(build redis-exporter)"
echo "REDIS_COMMANDER_IMAGE=$(build redis-commander)"
