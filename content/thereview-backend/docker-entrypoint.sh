#!/usr/bin/env bash
# Entry point of the production image:
#   1. every VAR_FILE=/path becomes VAR=<file content> (Docker and Kubernetes secrets);
#   2. WAIT_FOR="host:port host:port" waits for each dependency (WAIT_TIMEOUT seconds, default 60);
#   3. RUN_MIGRATIONS=true applies the database migrations first (the migration job sets it);
#   4. exec the command, so the app is the process that receives SIGTERM.
set -euo pipefail

log() { printf '{"@t":"%s","@l":"%s","@m":"entrypoint: %s"}\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$1" "$2" >&2; }

load_secret_files() {
  local file_variable variable path
  while IFS='=' read -r file_variable path; do
    variable=${file_variable%_FILE}
    if [ -n "${!variable:-}" ]; then
      log Fatal "both ${variable} and ${file_variable} are set; set one of them"
      exit 1
    fi
    if [ ! -r "$path" ]; then
      log Fatal "${file_variable} points to ${path}, which is not a readable file"
      exit 1
    fi
    export "${variable}=$(cat "$path")"
    unset "$file_variable"
  done < <(env | grep -E '^[A-Za-z_][A-Za-z0-9_]*_FILE=' || true)
}

wait_for_dependencies() {
  local target host port deadline
  deadline=$((SECONDS + ${WAIT_TIMEOUT:-60}))
  for target in ${WAIT_FOR:-}; do
    host=${target%:*}
    port=${target##*:}
    until (exec 3<>"/dev/tcp/${host}/${port}") 2>/dev/null; do
      if [ "$SECONDS" -ge "$deadline" ]; then
        log Fatal "${target} did not accept connections within ${WAIT_TIMEOUT:-60} s"
        exit 1
      fi
      sleep 1
    done
    log Information "${target} is reachable"
  done
}

load_secret_files
wait_for_dependencies
if [ "${RUN_MIGRATIONS:-false}" = "true" ]; then
  log Information "applying database migrations"
  dotnet /app/TheReview.Backend.Api.dll migrate
fi
exec "$@"
