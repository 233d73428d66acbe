#!/bin/bash
# The official 8.x image's entrypoint contract (docker-library/redis, debian/docker-entrypoint.sh), written for
# this stand-in: a flag or a .conf file as first argument means redis-server. Started as root with redis-server
# (and allowed to change user), it fixes permissions only in the narrow cases the official one does (/data holding
# only *.rdb files and appendonlydir; a config file alone in its folder) and re-runs itself as redis with setpriv,
# no new privileges and no capabilities. Bundled modules load from /usr/local/lib/redis/modules (none here).
set -e
stepdown=(setpriv --reuid redis --regid redis --clear-groups)
modules=/usr/local/lib/redis/modules

case "$1" in
  -*|*.conf) set -- redis-server "$@" ;;
esac
server=""
[ "$1" = redis-server ] && server=1
config=""
if [ -n "$server" ] && [ -n "${2:-}" ] && [ "${2#-}" = "$2" ]; then config=$2; fi

has_cap() { setpriv -d | grep -q "Capability bounding set:.*\b$1\b"; }

# Makes each NUL-separated path readable (r) or readable and writable (rw) by redis, if it is not already.
fix() {
  local mode=$1 file
  while IFS= read -r -d '' file; do
    if "${stepdown[@]}" test -r "$file" && { [ "$mode" = r ] || "${stepdown[@]}" test -w "$file"; }; then continue; fi
    chown redis "$file" || echo "Warning: cannot change owner of '$file'"
    if [ -d "$file" ]; then chmod "u+${mode}x" "$file"; else chmod "u+$mode" "$file"; fi
  done
}

if [ -n "$server" ] && [ -z "${SKIP_DROP_PRIVS:-}" ] && [ "$(id -u)" = 0 ] && has_cap setuid && has_cap setgid; then
  if [ -z "${SKIP_FIX_PERMS:-}" ]; then
    unknown=$(find . -mindepth 1 -maxdepth 1 -not \( -name '*.rdb' -or \( -type d -and -name appendonlydir \) \) -print -quit)
    if [ -z "$unknown" ]; then
      find . -print0 | fix rw
    else
      echo "Notice: Unknown file '$unknown' found in data dir. Permissions will not be modified."
    fi
    if [ -f "$config" ]; then
      unknown=$(find "$(dirname "$config")" -mindepth 1 -maxdepth 1 -not -name "$(basename "$config")" -print -quit)
      if [ -z "$unknown" ]; then
        printf '%s\0%s\0' "$(dirname "$config")" "$config" | fix r
      else
        echo "Notice: Unknown file '$unknown' found in '$(dirname "$config")'. Permissions will not be modified."
      fi
    fi
  fi
  exec "${stepdown[@]}" --nnp --inh-caps=-all --ambient-caps=-all --bounding-set=-all "$0" "$@"
fi

[ "$(umask)" = 0022 ] && umask 0077

if [ -n "$server" ]; then
  echo "Starting Redis Server"
  if [ ! -d "$modules" ]; then
    echo "Warning: Default Redis modules directory $modules does not exist."
  else
    for module in "$modules"/*.so; do
      [ -s "$module" ] && [ -r "$module" ] && [ -x "$module" ] && set -- "$@" --loadmodule "$module"
    done
  fi
fi
exec "$@"
