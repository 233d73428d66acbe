#!/usr/bin/env bash
# Saves the Redis dataset and copies it to backups/redis-<UTC time>.rdb.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
load_env

container=$(container_of redis)
docker exec "$container" sh -c '[ -r /run/secrets/redis_password ] && REDISCLI_AUTH=$(cat /run/secrets/redis_password); export REDISCLI_AUTH; redis-cli SAVE' >/dev/null
new_backup redis rdb
docker cp "${container}:/data/dump.rdb" "${BACKUP_FILE}.partial" >/dev/null
finish_backup "${BACKUP_FILE}.partial" "$BACKUP_FILE"
