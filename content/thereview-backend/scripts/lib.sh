#!/usr/bin/env bash
# Helpers shared by the scripts in this folder; they source it.

die() {
  echo "error: $*" >&2
  exit 1
}

timestamp() { date -u +%Y%m%dT%H%M%SZ; }

# Settings from .env when present, so scripts see the same names as docker compose; as with docker compose, a
# variable already in the environment wins over the file.
load_env() {
  if [ -f .env ]; then
    local preset
    preset=$(export -p | sed 's/^declare -x /export /')
    set -a
    # shellcheck disable=SC1091
    . ./.env
    set +a
    eval "$preset"
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

# Backups hold every record (Redis's, the Data Protection key ring too): an owner-only folder and files, and
# encrypted to an age recipient when BACKUP_AGE_RECIPIENT is set (.env); restores decrypt with BACKUP_AGE_IDENTITY.

# new_backup NAME EXTENSION: sets BACKUP_FILE to the path of a new backup in an owner-only backups/ folder, and
# makes everything the script writes from here on owner-only (umask 077). Not in a subshell: the umask must hold.
new_backup() {
  umask 077
  mkdir -p backups
  chmod 700 backups
  # shellcheck disable=SC2034 # read by the backup scripts
  BACKUP_FILE="backups/$1-$(timestamp).$2"
}

require_age() {
  command -v age >/dev/null || die "$1 is set, but age is not installed (Debian, Ubuntu: apt-get install age; macOS: brew install age)"
}

# finish_backup PARTIAL FILE: makes PARTIAL the owner-only backup FILE, or FILE.age encrypted to
# BACKUP_AGE_RECIPIENT; prints the backup's path.
finish_backup() {
  chmod 600 "$1"
  if [ -z "${BACKUP_AGE_RECIPIENT:-}" ]; then
    mv "$1" "$2"
    echo "$2"
    return
  fi
  require_age BACKUP_AGE_RECIPIENT
  age --encrypt --recipient "$BACKUP_AGE_RECIPIENT" --output "$2.age" "$1" || { rm -f "$1" "$2.age"; die "age could not encrypt to BACKUP_AGE_RECIPIENT"; }
  rm -f "$1"
  echo "$2.age"
}

# plain_backup FILE: sets BACKUP_PLAIN to FILE, or for FILE.age to an owner-only decrypted copy (removed when the
# script exits). Not in a subshell: its exit would remove the copy. Fails before anything is changed.
plain_backup() {
  BACKUP_PLAIN=$1
  case "$1" in
    *.age) ;;
    *) return ;;
  esac
  [ -n "${BACKUP_AGE_IDENTITY:-}" ] || die "'$1' is encrypted: set BACKUP_AGE_IDENTITY to the age identity file that decrypts it; nothing was changed"
  require_age BACKUP_AGE_IDENTITY
  umask 077
  BACKUP_PLAIN=$(mktemp)
  trap 'rm -f "$BACKUP_PLAIN"' EXIT
  age --decrypt --identity "$BACKUP_AGE_IDENTITY" --output "$BACKUP_PLAIN" "$1" || die "could not decrypt '$1' with BACKUP_AGE_IDENTITY; nothing was changed"
}

# mongo_tool CONTAINER TOOL [ARGUMENTS...]: mongodump or mongorestore in the mongo container as the root user,
# with the password in a config file that only the tool reads: in its arguments, ps would show it.
mongo_tool() {
  local container=$1
  shift
  # shellcheck disable=SC2016 # expanded in the container, where the password is
  docker exec -i "$container" sh -c 'umask 077; config=$(mktemp); trap "rm -f \"$config\"" EXIT
    printf "password: \"%s\"\n" "$(cat "${MONGO_INITDB_ROOT_PASSWORD_FILE:-/dev/null}" 2>/dev/null || true)${MONGO_INITDB_ROOT_PASSWORD:-}" > "$config"
    tool=$1; shift
    "$tool" --config="$config" --authenticationDatabase admin --username "$MONGO_INITDB_ROOT_USERNAME" "$@"' sh "$@"
}

# mongo_eval CONTAINER SCRIPT: mongosh as the root user, which authenticates in the script from a variable rather
# than from its arguments; prints what SCRIPT prints.
mongo_eval() {
  # shellcheck disable=SC2016 # expanded in the container, where the password is
  docker exec "$1" sh -c 'MONGO_PASSWORD="$(cat "${MONGO_INITDB_ROOT_PASSWORD_FILE:-/dev/null}" 2>/dev/null || true)${MONGO_INITDB_ROOT_PASSWORD:-}" \
    mongosh --quiet --eval "db.getSiblingDB(\"admin\").auth(process.env.MONGO_INITDB_ROOT_USERNAME, process.env.MONGO_PASSWORD); $0"' "$2"
}

# redis_cli CONTAINER [ARGUMENTS...]: redis-cli in the redis container as the default user, with the password in
# REDISCLI_AUTH, read there from the secret file: in its arguments, ps would show it.
redis_cli() {
  local container=$1
  shift
  # shellcheck disable=SC2016 # expanded in the container, where the password is
  docker exec "$container" sh -c '[ -r /run/secrets/redis_password ] && REDISCLI_AUTH=$(cat /run/secrets/redis_password); export REDISCLI_AUTH; redis-cli "$@"' sh "$@"
}

# restore_arguments FILE [--force]: checks the backup file before anything touches data.
restore_arguments() {
  if [ $# -lt 1 ] || [ $# -gt 2 ] || { [ $# -eq 2 ] && [ "$2" != "--force" ]; }; then
    die "usage: $0 BACKUP_FILE [--force]"
  fi
  [ -f "$1" ] || die "backup file '$1' does not exist; nothing was changed"
  [ -s "$1" ] || die "backup file '$1' is empty; nothing was changed"
}
