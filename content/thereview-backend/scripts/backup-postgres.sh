#!/usr/bin/env bash
# Dumps the PostgreSQL database to backups/postgres-<UTC time>.dump (pg_dump custom format).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
load_env

container=$(container_of postgres)
new_backup postgres dump
docker exec "$container" sh -c 'pg_dump --format=custom --username="$POSTGRES_USER" --dbname="$POSTGRES_DB"' > "${BACKUP_FILE}.partial"
finish_backup "${BACKUP_FILE}.partial" "$BACKUP_FILE"
