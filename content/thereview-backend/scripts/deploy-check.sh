#!/usr/bin/env bash
# make prod-check: checks deploy/ with the tools of the images that will read it, before anything is deployed:
# nginx -t in NGINX_IMAGE (with the certificate and key it will be given)
#if (monitoring)
# and promtool check config in PROMETHEUS_IMAGE
#endif
# (the Makefile sets both images).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

: "${NGINX_IMAGE:?set NGINX_IMAGE (make prod-check sets it)}"
docker run --rm --network none --user 101:101 --tmpfs /tmp \
  -v "$PWD/deploy/nginx/nginx.conf:/etc/nginx/nginx.conf:ro" \
  -v "$PWD/secrets/tls.crt:/run/secrets/tls_certificate:ro" -v "$PWD/secrets/tls.key:/run/secrets/tls_private_key:ro" \
  --entrypoint nginx "$NGINX_IMAGE" -t -q \
  || die "deploy/nginx/nginx.conf is invalid (above): nothing was deployed"
#if (monitoring)
: "${PROMETHEUS_IMAGE:?set PROMETHEUS_IMAGE (make prod-check sets it)}"
docker run --rm --network none -v "$PWD/deploy/prometheus:/etc/prometheus:ro" --entrypoint promtool "$PROMETHEUS_IMAGE" \
  check config /etc/prometheus/prometheus.yml >/dev/null \
  || die "deploy/prometheus/prometheus.yml or deploy/prometheus/alerts.yml is invalid (above): nothing was deployed"
#endif
echo "deploy/ checked"
