#!/usr/bin/env bash
# Builds the local stand-ins of the images the generated repository names (see tests/images/README.md)
# and prints them as the variables the product reads, one per line: POSTGRES_IMAGE=thereview-local/postgres:...
# Tags carry a hash of each image's folder, so a second run builds nothing.
# --check builds nothing: it prints the variables when every image exists, else names the missing ones and exits 1.
# --multiarch also builds the runtime for linux/arm64 (a debootstrapped arm64 root, its second stage under qemu, and
# NuGet's linux-arm64 runtime packs) and pushes both platforms of the runtime to the local registry
# (THEREVIEW_TEST_REGISTRY, default 127.0.0.1:5000) as one image: MULTIARCH_RUNTIME_IMAGE=127.0.0.1:5000/...
set -euo pipefail
check_only=false
multiarch=false
case "${1:-}" in
  --check) check_only=true ;;
  --multiarch) multiarch=true ;;
esac
registry=${THEREVIEW_TEST_REGISTRY:-127.0.0.1:5000}
# One build at a time: .ci/run starts one beside the first tests, and the tests' own call waits for it, then
# finds every image built.
exec 9>"${TMPDIR:-/tmp}/thereview-local-images.lock"
flock 9
root=$(cd "$(dirname "$0")/../.." && pwd)
images="$root/tests/images"
dotnet_root=${DOTNET_ROOT:-/usr/share/dotnet}

log() { echo "$*" >&2; }
exists() { docker image inspect "$1" >/dev/null 2>&1; }
hash_of() { (cd "$images/$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-12); }

# The Debian root every stand-in starts from, per architecture. A foreign one is unpacked here and configured
# under qemu (binfmt, as tests/scripts/start-services.sh registers it).
base_of() { if [ "$1" = amd64 ]; then echo thereview-local/debian:trixie; else echo "thereview-local/debian:trixie-$1"; fi; }
ensure_base() {
  local arch=${1:-amd64} base mirror rootfs
  base=$(base_of "$arch")
  exists "$base" && return
  mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=$(awk '$1 == "deb" {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  [ -n "$mirror" ] || { log "No Debian mirror in this machine's apt sources"; exit 1; }
  command -v debootstrap >/dev/null || { log "debootstrap is not installed"; exit 1; }
  rootfs=$(mktemp -d)
  log "debootstrap trixie (minbase, $arch) from the machine's mirror"
  if [ "$arch" = amd64 ]; then
    debootstrap --variant=minbase --include=passwd,ca-certificates trixie "$rootfs" "$mirror" >/dev/null || return 1
  else
    [ -e "/proc/sys/fs/binfmt_misc/qemu-aarch64" ] || { log "No binfmt emulation for $arch: run tests/scripts/start-services.sh"; exit 1; }
    debootstrap --arch="$arch" --foreign --variant=minbase --include=passwd,ca-certificates trixie "$rootfs" "$mirror" >/dev/null || return 1
    chroot "$rootfs" /debootstrap/debootstrap --second-stage >/dev/null || return 1
  fi
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | docker import --platform "linux/$arch" - "$base" >/dev/null || return 1
  rm -rf "$rootfs"
}

# The .NET and ASP.NET Core runtimes of this machine's version, laid out as an installation (host/fxr, shared/),
# from NuGet's runtime packs for a foreign architecture. No package ships a foreign dotnet executable: apps start
# through their app host.
runtime_packs() {
  local arch=$1 target=$2 version work pack rid=linux-$1
  version=$(basename "$(find "$dotnet_root/shared/Microsoft.NETCore.App" -mindepth 1 -maxdepth 1 -type d | sort | tail -n 1)")
  work=$(mktemp -d)
  cat > "$work/packs.csproj" <<PROJECT
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
  <ItemGroup>
    <PackageDownload Include="Microsoft.NETCore.App.Runtime.$rid" Version="[$version]" />
    <PackageDownload Include="Microsoft.AspNetCore.App.Runtime.$rid" Version="[$version]" />
  </ItemGroup>
</Project>
PROJECT
  dotnet restore "$work/packs.csproj" --packages "$work/packages" >/dev/null
  mkdir -p "$target/host/fxr/$version"
  cp "$dotnet_root/LICENSE.txt" "$target/"
  for pack in Microsoft.NETCore.App Microsoft.AspNetCore.App; do
    mkdir -p "$target/shared/$pack/$version"
    find "$work/packages/${pack,,}.runtime.$rid/$version/runtimes/$rid" -type f \( -path '*/lib/*' -o -path '*/native/*' \) \
      -exec cp {} "$target/shared/$pack/$version/" \;
  done
  mv "$target/shared/Microsoft.NETCore.App/$version/libhostfxr.so" "$target/host/fxr/$version/"
  rm -rf "$work"
}

build() {
  local name=$1 arch=${2:-amd64} tag context
  tag="thereview-local/${name}:$(hash_of "$name")"
  [ "$arch" = amd64 ] || tag="$tag-$arch"
  if ! exists "$tag"; then
    $check_only && return 1
    # A function whose status is tested runs without errexit: each step says when it failed.
    ensure_base "$arch" || return 1
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
        if [ "$arch" = amd64 ]; then
          mkdir -p "$context/dotnet/shared"
          cp -a "$dotnet_root/dotnet" "$dotnet_root/host" "$dotnet_root/LICENSE.txt" "$context/dotnet/"
          cp -a "$dotnet_root/shared/Microsoft.NETCore.App" "$dotnet_root/shared/Microsoft.AspNetCore.App" "$context/dotnet/shared/"
        else
          runtime_packs "$arch" "$context/dotnet" || return 1
        fi
        ;;
    esac
    docker build --quiet --platform "linux/$arch" --build-arg BASE_IMAGE="$(base_of "$arch")" --tag "$tag" "$context" >/dev/null \
      || { log "building $tag failed"; return 1; }
    rm -rf "$context"
  fi
  echo "$tag"
}

# One image of both platforms in the local registry, as the official runtime is in its own.
publish_multiarch() {
  local name=$1 amd64 arm64 target
  amd64=$(build "$name") && arm64=$(build "$name" arm64) || return 1
  target="$registry/${amd64}"
  curl -fsS "http://$registry/v2/" >/dev/null || { log "No registry answers on $registry: run tests/scripts/start-services.sh"; return 1; }
  if ! { docker tag "$amd64" "$target-amd64" && docker tag "$arm64" "$target-arm64" \
    && docker push --quiet "$target-amd64" >/dev/null && docker push --quiet "$target-arm64" >/dev/null \
    && docker buildx imagetools create --tag "$target" "$target-amd64" "$target-arm64" >/dev/null \
    && docker image rm "$target-amd64" "$target-arm64" >/dev/null; }; then
    log "publishing $target failed"
    return 1
  fi
  echo "$target"
}

# The production stage's default runtime is chiseled; the Debian one stays a build argument for teams that need a shell.
wanted=(SDK_IMAGE=dotnet-sdk RUNTIME_IMAGE=dotnet-aspnet-chiseled FULL_RUNTIME_IMAGE=dotnet-aspnet POSTGRES_IMAGE=postgres
  REDIS_IMAGE=redis NGINX_IMAGE=nginx PROMETHEUS_IMAGE=prometheus POSTGRES_EXPORTER_IMAGE=postgres-exporter
  REDIS_EXPORTER_IMAGE=redis-exporter REDIS_COMMANDER_IMAGE=redis-commander)
missing=()
for image in "${wanted[@]}"; do
  if tag=$(build "${image#*=}"); then echo "${image%%=*}=$tag"; else missing+=("${image#*=}"); fi
done
if $multiarch; then
  # The amd64 images are all that most tests need: a call waiting for them goes on while the arm64 half builds.
  flock -u 9
  exec 8>"${TMPDIR:-/tmp}/thereview-local-images-multiarch.lock"
  flock 8
  if tag=$(publish_multiarch dotnet-aspnet-chiseled); then echo "MULTIARCH_RUNTIME_IMAGE=$tag"; else missing+=(dotnet-aspnet-chiseled-arm64); fi
fi
if ((${#missing[@]})); then
  log "Missing local images: ${missing[*]} (tests/scripts/build-local-images.sh builds them)"
  exit 1
fi
