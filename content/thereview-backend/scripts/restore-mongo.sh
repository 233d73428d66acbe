#!/usr/bin/env bash
# Restores a MongoDB backup made by backup-mongo.sh: restore-mongo.sh FILE [--force]
# It refuses a database that already has collections unless --force is given.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
restore_arguments "$@"
load_env

# Expanded inside the container, where the password file is.
# shellcheck disable=SC2016
credentials='--authenticationDatabase admin --username "$MONGO_INITDB_ROOT_USERNAME" --password "$(cat "${MONGO_INITDB_ROOT_PASSWORD_FILE:-/dev/null}" 2>/dev/null || true)${MONGO_INITDB_ROOT_PASSWORD:-}"'
container=$(container_of mongo)
collections=$(docker exec "$container" sh -c "mongosh --quiet ${credentials} --eval 'db.getSiblingDB(\"${MONGO_DB:-thereview_backend}\").getCollectionNames().length'")
if [ "$collections" != "0" ] && [ "${2:-}" != "--force" ]; then
  die "the database has ${collections} collections; restoring replaces them: run again with --force"
fi
docker exec -i "$container" sh -c "mongorestore --quiet --archive --gzip --drop ${credentials}" < "$1"
echo "restored $1"
