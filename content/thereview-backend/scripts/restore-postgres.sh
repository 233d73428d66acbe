#!/usr/bin/env bash
# Restores a PostgreSQL backup made by backup-postgres.sh: restore-postgres.sh FILE [--force]
# It refuses a database that already has tables unless --force is given.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
restore_arguments "$@"
load_env
plain_backup "$1"

container=$(container_of postgres)
tables=$(docker exec "$container" sh -c 'psql -tA --username="$POSTGRES_USER" --dbname="$POSTGRES_DB" -c "SELECT count(*) FROM information_schema.tables WHERE table_schema = '"'"'public'"'"'"')
if [ "$tables" != "0" ] && [ "${2:-}" != "--force" ]; then
  die "the database has ${tables} tables; restoring replaces them: run again with --force"
fi
# Restored tables belong to the owner role of deploy/postgres/roles.sh where it exists (the production stack), so
# the API's role keeps its rights on them.
restore=$(cat <<'SH'
owner="${POSTGRES_DB}_owner"
role=$(echo "SELECT 1 FROM pg_roles WHERE rolname = :'owner'" | psql -tA --username="$POSTGRES_USER" --dbname="$POSTGRES_DB" -v owner="$owner")
exec pg_restore --clean --if-exists --no-owner --single-transaction ${role:+--role="$owner"} --username="$POSTGRES_USER" --dbname="$POSTGRES_DB"
SH
)
docker exec -i "$container" sh -c "$restore" < "$BACKUP_PLAIN"
echo "restored $1"
