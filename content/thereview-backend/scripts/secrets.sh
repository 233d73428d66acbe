#!/usr/bin/env bash
# Generates the production secrets as random values in files under secrets/ (never committed).
# Existing files are kept, so running it again changes nothing; delete a file to rotate it.
set -euo pipefail
cd "$(dirname "$0")/.."

mkdir -p secrets
chmod 700 secrets
names=(
#if (postgres)
  # the superuser (backups, restores, make db-shell), then the roles of deploy/postgres/roles.sh
  postgres_password
  postgres_owner_password
  postgres_app_password
#if (monitoring)
  postgres_monitor_password
#endif
#endif
#if (mongo)
  # the root user (backups, restores), then the API's user of deploy/mongo/app-user.js
  mongo_password
  mongo_app_password
#endif
#if (redis)
  # the default user (operators, the health check, backups), then the API's and the exporter's ACL users
  redis_password
  redis_app_password
#if (monitoring)
  redis_exporter_password
#endif
#endif
#if (monitoring)
  grafana_admin_password
#endif
)
for name in "${names[@]}"; do
  if [ ! -s "secrets/${name}" ]; then
    openssl rand -hex 24 | tr -d '\n' > "secrets/${name}"
    echo "generated secrets/${name}"
  fi
  # Readable by the container user (compose bind-mounts the file); the folder keeps other users out.
  chmod 644 "secrets/${name}"
done
#if (redis)
# Redis reads its users from a config file given to redis-server, so the server starts as the image's own
# command (and steps down to the redis user) without a shell around it. The API's user reaches only its own
# keys (Redis__KeyPrefix) and no command of the dangerous category: no CONFIG, FLUSHALL, FLUSHDB, KEYS, DEBUG,
# SHUTDOWN, MONITOR, ACL. The exporter's user reads server statistics and nothing else.
{
  printf 'requirepass "%s"\n' "$(cat secrets/redis_password)"
  printf 'user api on >%s ~thereview-backend:* resetchannels +@all -@dangerous\n' "$(cat secrets/redis_app_password)"
#if (monitoring)
  printf 'user exporter on >%s resetkeys resetchannels -@all +@connection +info +ping +select +slowlog|get +slowlog|len +latency|latest +latency|histogram\n' "$(cat secrets/redis_exporter_password)"
#endif
} > secrets/redis.conf
chmod 644 secrets/redis.conf
#endif
#if (redis && monitoring)
# The Redis exporter reads its password from a JSON map of address to password; with --redis.user it looks the
# address up with the user in it.
printf '{"redis://exporter@redis:6379":"%s"}' "$(cat secrets/redis_exporter_password)" > secrets/redis_password_map.json
chmod 644 secrets/redis_password_map.json
#endif
echo "secrets are in secrets/ ($(find secrets -maxdepth 1 -type f | wc -l) files)"
