#!/usr/bin/env bash
# Dumps MongoDB to backups/mongo-<UTC time>.archive.gz (mongodump --archive --gzip).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
load_env

container=$(container_of mongo)
new_backup mongo archive.gz
mongo_tool "$container" mongodump --quiet --archive --gzip > "${BACKUP_FILE}.partial"
finish_backup "${BACKUP_FILE}.partial" "$BACKUP_FILE"
