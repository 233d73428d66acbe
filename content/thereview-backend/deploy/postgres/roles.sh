#!/usr/bin/env bash
# The service's least-privilege roles. The official postgres image runs (or sources) this file on the first
# start of an empty volume (/docker-entrypoint-initdb.d); make prod-db-roles runs it again on a running database
# (one created before these roles, or after a password was rotated). It creates, grants and sets passwords only,
# so it is safe to repeat.
#   <db>_owner    owns the database and its schema: the migration job, the only one that changes the schema
#   <db>_app      reads and writes rows: the API (no DDL, no superuser, no COPY ... PROGRAM)
#   <db>_monitor  pg_monitor: the exporter (only where its secret exists: the stack has monitoring)
# psql reads the passwords from its environment, never from its arguments.
thereview_secret() {
  if [ ! -s "$1" ]; then
    echo "deploy/postgres/roles.sh: the secret $1 is missing or empty (make secrets writes it); no role was changed" >&2
    return 1
  fi
  cat "$1"
}
THEREVIEW_OWNER_PASSWORD="$(thereview_secret "${POSTGRES_OWNER_PASSWORD_FILE:-/run/secrets/postgres_owner_password}")" || exit 1
THEREVIEW_APP_PASSWORD="$(thereview_secret "${POSTGRES_APP_PASSWORD_FILE:-/run/secrets/postgres_app_password}")" || exit 1
export THEREVIEW_OWNER_PASSWORD THEREVIEW_APP_PASSWORD
if [ -e "${POSTGRES_MONITOR_PASSWORD_FILE:-/run/secrets/postgres_monitor_password}" ]; then
  THEREVIEW_MONITOR_PASSWORD="$(thereview_secret "${POSTGRES_MONITOR_PASSWORD_FILE:-/run/secrets/postgres_monitor_password}")" || exit 1
  export THEREVIEW_MONITOR_PASSWORD
fi

psql -v ON_ERROR_STOP=1 --quiet --no-psqlrc --no-password --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  --set db="$POSTGRES_DB" --single-transaction <<'EOSQL'
\set owner :db _owner
\set app :db _app
\set monitor :db _monitor
\getenv owner_password THEREVIEW_OWNER_PASSWORD
\getenv app_password THEREVIEW_APP_PASSWORD
\getenv monitor_password THEREVIEW_MONITOR_PASSWORD

SELECT format('CREATE ROLE %I', name) FROM unnest(ARRAY[:'owner', :'app']) AS name
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = name) \gexec
ALTER ROLE :"owner" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'owner_password';
ALTER ROLE :"app" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'app_password';
\if :{?monitor_password}
SELECT format('CREATE ROLE %I', :'monitor') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'monitor') \gexec
ALTER ROLE :"monitor" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'monitor_password';
GRANT pg_monitor TO :"monitor";
\endif

-- The owner owns the database, its public schema and every table in it (tables a superuser made before too).
ALTER DATABASE :"db" OWNER TO :"owner";
ALTER SCHEMA public OWNER TO :"owner";
SELECT format('ALTER TABLE public.%I OWNER TO %I', tablename, :'owner') FROM pg_tables
WHERE schemaname = 'public' AND tableowner <> :'owner' \gexec

-- Nobody else creates anything: no schemas, no temporary tables, nothing in public.
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db" TO :"app";
\if :{?monitor_password}
GRANT CONNECT ON DATABASE :"db" TO :"monitor";
\endif
GRANT USAGE ON SCHEMA public TO :"app";

-- The API: rows of the tables the owner has made and will make, nothing more.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO :"app";
EOSQL
status=$?
unset THEREVIEW_OWNER_PASSWORD THEREVIEW_APP_PASSWORD THEREVIEW_MONITOR_PASSWORD
[ "$status" -eq 0 ] || exit "$status"
