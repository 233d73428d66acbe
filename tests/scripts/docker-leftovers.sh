#!/usr/bin/env bash
# What a test run leaves behind in Docker. "docker-leftovers.sh" lists the containers, networks, volumes, Swarm
# services, secrets and configs, and the images the specs build (thereview-test/*), one per line;
# "docker-leftovers.sh FILE" prints those that are here now and not in FILE (an earlier listing) and exits 1
# if there are any. Without a running engine the list is empty. The engine's own networks are not listed: Swarm
# adds ingress and docker_gwbridge when a spec turns it on, and keeps them while it is on.
set -euo pipefail

list() {
  docker info >/dev/null 2>&1 || return 0
  {
    docker ps -a --format 'container {{.Names}}'
    docker network ls --format 'network {{.Name}}' | grep -v -x -E 'network (bridge|host|none|ingress|docker_gwbridge)' || true
    docker volume ls --format 'volume {{.Name}}'
    docker image ls --format 'image {{.Repository}}:{{.Tag}}' --filter 'reference=thereview-test/*'
    if [ "$(docker info --format '{{.Swarm.ControlAvailable}}')" = true ]; then
      docker service ls --format 'service {{.Name}}'
      docker secret ls --format 'secret {{.Name}}'
      docker config ls --format 'config {{.Name}}'
    fi
  } | sort -u
}

if [ $# -eq 0 ]; then
  list
  exit 0
fi
left=$(comm -13 "$1" <(list))
[ -z "$left" ] && exit 0
echo "$left"
exit 1
