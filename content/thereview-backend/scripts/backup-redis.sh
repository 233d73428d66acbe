#!/usr/bin/env bash
# Saves the Redis dataset and copies it to backups/redis-<UTC time>.rdb.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
load_env

container=$(container_of redis)
redis_cli "$container" SAVE >/dev/null
new_backup redis rdb
docker cp "${container}:/data/dump.rdb" "${BACKUP_FILE}.partial" >/dev/null
finish_backup "${BACKUP_FILE}.partial" "$BACKUP_FILE"
