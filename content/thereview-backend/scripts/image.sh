#!/usr/bin/env bash
# The production image: scripts/image.sh build | multiarch
#   build      this machine's platform, loaded as $API_IMAGE:$API_TAG (make build-prod)
#   multiarch  every platform of PLATFORMS (default linux/amd64,linux/arm64), pushed to the registry that
#              API_IMAGE names as one multi-platform image, a manifest list (make image-multiarch)
# The base images are SDK_IMAGE and RUNTIME_IMAGE (defaults: the official ones); for multiarch, RUNTIME_IMAGE
# must itself offer every platform, as the official one does.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

image=${API_IMAGE:-thereview-backend-api}
tag=${API_TAG:-1.0.0}
platforms=${PLATFORMS:-linux/amd64,linux/arm64}
build_arguments=(
  --target production
  --build-arg "SDK_IMAGE=${SDK_IMAGE:-mcr.microsoft.com/dotnet/sdk:10.0}"
  --build-arg "RUNTIME_IMAGE=${RUNTIME_IMAGE:-mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled}"
  --build-arg "VERSION=${tag}"
  --build-arg "REVISION=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  --build-arg "CREATED=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
)

# .NET's name for an architecture (the app's `version` command prints it): amd64 is x64.
dotnet_arch() { case "$1" in amd64) echo x64 ;; *) echo "$1" ;; esac; }

multiarch() {
  case "${image%%/*}" in
    *.* | *:* | localhost) ;;
    *) die "API_IMAGE=${image} names no registry: a multi-platform image lives in one (API_IMAGE=registry.example/team/name); nothing was built" ;;
  esac
  docker buildx version >/dev/null 2>&1 || die "docker buildx is missing: install Docker's buildx plugin (Debian and Ubuntu: docker-buildx); nothing was built"
  # The build runs the SDK natively; each image is then started once on its own architecture, which for a
  # foreign one needs the kernel's binfmt emulation, as the builder reports it.
  local supported platform arch reference references=()
  supported=$(docker buildx inspect | awk -F': *' '/^ *Platforms:/ {print $2}' | tr -d ' ' | tr ',' '\n')
  for platform in ${platforms//,/ }; do
    grep -qx "$platform" <<<"$supported" \
      || die "this Docker cannot run ${platform} programs (its builder offers: $(tr '\n' ' ' <<<"$supported")): install qemu-user-static and binfmt-support (Debian, Ubuntu), or enable emulation in Docker Desktop; nothing was built"
  done
  # Every platform is built and started before anything is pushed: a failure leaves the registry as it was.
  for platform in ${platforms//,/ }; do
    arch=${platform#linux/}
    arch=${arch//\//-}
    echo "==> ${platform}: ${image}:${tag}-${arch}"
    docker buildx build --platform "$platform" --load "${build_arguments[@]}" --tag "${image}:${tag}-${arch}" .
    docker run --rm --network none --platform "$platform" "${image}:${tag}-${arch}" version | grep -q " linux-$(dotnet_arch "$arch") " \
      || die "the ${platform} image does not start as a ${platform} program; nothing was pushed"
    references+=("${image}:${tag}-${arch}")
  done
  for reference in "${references[@]}"; do
    docker push --quiet "$reference" >/dev/null
  done
  docker buildx imagetools create --tag "${image}:${tag}" "${references[@]}"
  docker buildx imagetools inspect "${image}:${tag}"
}

case "${1:-}" in
  build) docker build "${build_arguments[@]}" --tag "${image}:${tag}" . ;;
  multiarch) multiarch ;;
  *) die "usage: scripts/image.sh build|multiarch (API_IMAGE, API_TAG, PLATFORMS, SDK_IMAGE, RUNTIME_IMAGE)" ;;
esac
