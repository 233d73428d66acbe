#!/usr/bin/env bash
# Helpers shared by the scripts in this folder; they source it.

die() {
  echo "error: $*" >&2
  exit 1
}

timestamp() { date -u +%Y%m%dT%H%M%SZ; }

# Settings from .env when present, so scripts see the same names as docker compose.
load_env() {
  if [ -f .env ]; then
    set -a
    # shellcheck disable=SC1091
    . ./.env
    set +a
  fi
  COMPOSE_PROJECT_NAME=${COMPOSE_PROJECT_NAME:-thereview-backend}
  STACK_NAME=${STACK_NAME:-thereview-backend}
}

# The running container of a service, in the compose project or in the Swarm stack.
container_of() {
  local service=$1 id
  id=$(docker ps -q --filter "label=com.docker.compose.project=${COMPOSE_PROJECT_NAME}" \
    --filter "label=com.docker.compose.service=${service}" | head -n 1)
  if [ -z "$id" ]; then
    id=$(docker ps -q --filter "label=com.docker.swarm.service.name=${STACK_NAME}_${service}" | head -n 1)
  fi
  [ -n "$id" ] || die "no running ${service} container in project ${COMPOSE_PROJECT_NAME} or stack ${STACK_NAME}; start the stack first"
  echo "$id"
}

# restore_arguments FILE [--force]: checks the backup file before anything touches data.
restore_arguments() {
  if [ $# -lt 1 ] || [ $# -gt 2 ] || { [ $# -eq 2 ] && [ "$2" != "--force" ]; }; then
    die "usage: $0 BACKUP_FILE [--force]"
  fi
  [ -f "$1" ] || die "backup file '$1' does not exist; nothing was changed"
  [ -s "$1" ] || die "backup file '$1' is empty; nothing was changed"
}
