#!/usr/bin/env bash
# Restores a Redis backup made by backup-redis.sh: restore-redis.sh FILE [--force]
# Redis loads the file on restart; the container's restart policy brings it back.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
restore_arguments "$@"
load_env
plain_backup "$1"
[ "$(head -c 5 "$BACKUP_PLAIN")" = "REDIS" ] || die "'$1' is not a Redis RDB file; nothing was changed"

container=$(container_of redis)
keys=$(redis_cli "$container" DBSIZE)
if [ "$keys" != "0" ] && [ "${2:-}" != "--force" ]; then
  die "Redis holds ${keys} keys; restoring replaces them: run again with --force"
fi
docker cp "$BACKUP_PLAIN" "${container}:/data/dump.rdb"
redis_cli "$container" SHUTDOWN NOSAVE >/dev/null 2>&1 || true
for _ in $(seq 1 60); do
  sleep 1
  if next=$(container_of redis 2>/dev/null) && redis_cli "$next" PING 2>/dev/null | grep -q PONG; then
    echo "restored $1"
    exit 0
  fi
done
die "Redis did not come back within 60 s"
