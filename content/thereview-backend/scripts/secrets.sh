#!/usr/bin/env bash
# Generates the production secrets as random values in files under secrets/ (never committed).
# Existing files are kept, so running it again changes nothing; delete a file to rotate it.
set -euo pipefail
cd "$(dirname "$0")/.."

mkdir -p secrets
chmod 700 secrets
names=(
#if (postgres)
  postgres_password
#endif
#if (mongo)
  mongo_password
#endif
#if (redis)
  redis_password
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
# Redis reads its password from a config file given to redis-server, so the server starts as the image's
# own command (and steps down to the redis user) without a shell around it.
printf 'requirepass "%s"\n' "$(cat secrets/redis_password)" > secrets/redis.conf
chmod 644 secrets/redis.conf
#endif
#if (redis && monitoring)
# The Redis exporter reads its password from a JSON map of address to password.
printf '{"redis://redis:6379":"%s"}' "$(cat secrets/redis_password)" > secrets/redis_password_map.json
chmod 644 secrets/redis_password_map.json
#endif
echo "secrets are in secrets/ ($(find secrets -maxdepth 1 -type f | wc -l) files)"
