#!/bin/sh
# The official image's entrypoint contract: a flag or a .conf file as first argument means redis-server;
# started as root with redis-server, take ownership of the working directory and re-run as redis.
set -e
case "$1" in
  -*|*.conf) set -- redis-server "$@" ;;
esac
if [ "$1" = "redis-server" ] && [ "$(id -u)" = "0" ]; then
  find . \! -user redis -exec chown redis '{}' +
  exec gosu redis "$0" "$@"
fi
[ "$(umask)" = "0022" ] && umask 0077
exec "$@"
