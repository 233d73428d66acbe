#!/usr/bin/env bash
# Dumps MongoDB to backups/mongo-<UTC time>.archive.gz (mongodump --archive --gzip).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
load_env

container=$(container_of mongo)
mkdir -p backups
file="backups/mongo-$(timestamp).archive.gz"
docker exec "$container" sh -c 'mongodump --quiet --archive --gzip --authenticationDatabase admin --username "$MONGO_INITDB_ROOT_USERNAME" --password "$(cat "${MONGO_INITDB_ROOT_PASSWORD_FILE:-/dev/null}" 2>/dev/null || true)${MONGO_INITDB_ROOT_PASSWORD:-}"' > "${file}.partial"
mv "${file}.partial" "$file"
echo "$file"
