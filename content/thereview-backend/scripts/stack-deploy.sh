#!/usr/bin/env bash
# Usage: scripts/stack-deploy.sh STACK COMPOSE_FILE... (make prod-deploy calls it); STACK_DEPLOY_ATTEMPTS=5 by default.
# Deploys or updates the Swarm stack. While a service is mid-update (a rolling update, a rollback, the previous
# deploy's tasks still starting), Swarm bumps its version, and a deploy that read the old one is refused with
# "update out of sequence" (moby/swarmkit#1379). Nothing was changed by the refused call; deploying again is safe.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

[ $# -ge 2 ] || die "usage: $0 STACK COMPOSE_FILE..."
stack=$1
shift
files=()
for file in "$@"; do files+=(-c "$file"); done
attempts=${STACK_DEPLOY_ATTEMPTS:-5}
[[ "$attempts" =~ ^[1-9][0-9]*$ ]] || die "STACK_DEPLOY_ATTEMPTS must be a whole number, 1 or more (it is '$attempts'); nothing was deployed"

output=$(mktemp)
trap 'rm -f "$output"' EXIT
for attempt in $(seq 1 "$attempts"); do
  if docker stack deploy --prune --with-registry-auth "${files[@]}" "$stack" 2>&1 | tee "$output"; then
    exit 0
  fi
  grep -q "update out of sequence" "$output" || exit 1
  if [ "$attempt" -lt "$attempts" ]; then
    echo "a service of $stack was updating at the same time; deploying again (attempt $((attempt + 1)) of $attempts)" >&2
    sleep "$attempt"
  fi
done
die "$stack kept changing under the deploy ($attempts attempts); wait for 'make prod-status' to settle and run make prod-deploy again"
