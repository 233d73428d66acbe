#!/usr/bin/env bash
# Prints every image the compose files name (the development file with every profile, and the production
# file), one per line: the list CI scans. A compose file that cannot be read fails it, so a scan never passes
# by leaving a file out.
set -euo pipefail
cd "$(dirname "$0")/.."

# The production file refuses to resolve without the identity provider; the images do not depend on it.
export AUTH_AUTHORITY="${AUTH_AUTHORITY:-https://identity-provider.invalid}"
for file in docker-compose*.yml; do
  docker compose -f "$file" --profile '*' config --images
done | sort -u
