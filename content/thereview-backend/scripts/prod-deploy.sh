#!/usr/bin/env bash
# make prod-deploy (after make prod-check): deploys or updates the Swarm stack STACK_NAME from PROD_FILES, with
# the config digests the Makefile computes. A single node holds the stateful services, so it is labelled for them
# (with several, label the data node yourself: docs/operations.md); after the deploy, the configs of earlier
# deploys that no service uses any more are removed (Docker refuses to remove those still in use).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
load_env

read -r -a files <<<"${PROD_FILES:-docker-compose.prod.yml}"
if [ "$(docker node ls --quiet | wc -l)" -eq 1 ]; then
  docker node update --label-add data=true "$(docker info --format '{{.Swarm.NodeID}}')" >/dev/null
fi
scripts/stack-deploy.sh "$STACK_NAME" "${files[@]}"

configs=()
while IFS= read -r config; do configs+=("$config"); done \
  < <(docker config ls --quiet --filter "label=com.docker.stack.namespace=${STACK_NAME}")
if ((${#configs[@]})); then docker config rm "${configs[@]}" >/dev/null 2>&1 || true; fi
