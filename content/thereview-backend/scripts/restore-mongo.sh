#!/usr/bin/env bash
# Restores a MongoDB backup made by backup-mongo.sh: restore-mongo.sh FILE [--force]
# It refuses a database that already has collections unless --force is given.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
restore_arguments "$@"
load_env
plain_backup "$1"

container=$(container_of mongo)
collections=$(mongo_eval "$container" "print(db.getSiblingDB(\"${MONGO_DB:-thereview_backend}\").getCollectionNames().length)")
if [ "$collections" != "0" ] && [ "${2:-}" != "--force" ]; then
  die "the database has ${collections} collections; restoring replaces them: run again with --force"
fi
mongo_tool "$container" mongorestore --quiet --archive --gzip --drop < "$BACKUP_PLAIN"
echo "restored $1"
