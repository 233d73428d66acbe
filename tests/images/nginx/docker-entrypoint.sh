#!/bin/sh
# The official image's entrypoint contract: when the command is nginx, run the executable scripts of
# /docker-entrypoint.d/ in order (none here), then exec the command.
set -e
if [ "$1" = "nginx" ] || [ "$1" = "nginx-debug" ]; then
  for script in $(find /docker-entrypoint.d/ -follow -type f -name '*.sh' 2>/dev/null | sort -V); do
    [ -x "$script" ] && "$script"
  done
fi
exec "$@"
