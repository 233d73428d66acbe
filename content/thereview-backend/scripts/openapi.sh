#!/usr/bin/env bash
# The API's contract, its OpenAPI document:
#   scripts/openapi.sh write   generate it from the code at build time into openapi/v1.json, which is checked in
#   scripts/openapi.sh check   fail when openapi/v1.json is not what the code generates (CI: a contract change
#                              always shows in review)
#   scripts/openapi.sh lint    lint openapi/v1.json with Redocly (recommended) and Spectral (spectral:oas), the
#                              versions pinned in tools/openapi; any error or warning fails
set -euo pipefail
cd "$(dirname "$0")/.."

die() {
  echo "error: $*" >&2
  exit 1
}

document=openapi/v1.json
project=src/TheReview.Backend.Api/TheReview.Backend.Api.csproj

# Generates the document from the code into the folder $1: the build runs the API without serving
# (Microsoft.Extensions.ApiDescription.Server) and asks it for the document; Development settings need no secret,
# and no database is touched.
generate() {
  rm -f src/TheReview.Backend.Api/obj/*.OpenApiFiles.cache
  ASPNETCORE_ENVIRONMENT=Development Postgres__MigrateOnStartup=false \
    dotnet build "$project" -p:OpenApiGenerateDocuments=true -p:OpenApiDocumentsDirectory="$1" >"$work/build.log" 2>&1 ||
    { sed 's/^/  /' "$work/build.log" >&2; die "the build could not generate the OpenAPI document (above)"; }
  [ -s "$1/v1.json" ] || die "the build generated no OpenAPI document"
}

write() {
  generate "$PWD/openapi"
  echo "openapi: wrote $document ($(jq '[.paths[] | keys[]] | length' "$document") operations)"
}

check() {
  [ -f "$document" ] || die "no $document: run make openapi and commit it"
  generate "$work/generated"
  if ! diff -u -L "$document (checked in)" -L "$document (from the code)" "$document" "$work/generated/v1.json" >"$work/diff.txt"; then
    head -n 60 "$work/diff.txt" | sed 's/^/  /' >&2
    die "$document is not the document the code generates (above): run make openapi and commit it"
  fi
  echo "openapi-check: $document is the document the code generates"
}

lint() {
  [ -f "$document" ] || die "no $document: run make openapi (and commit it) first"
  command -v npm >/dev/null || die "npm (Node.js 20 or later) runs the linters and is not installed"
  if [ ! -d tools/openapi/node_modules ] || [ tools/openapi/package-lock.json -nt tools/openapi/node_modules ]; then
    npm ci --prefix tools/openapi --no-audit --no-fund >"$work/npm.log" 2>&1 ||
      { sed 's/^/  /' "$work/npm.log" >&2; die "npm ci could not install the linters of tools/openapi (above)"; }
    touch tools/openapi/node_modules
  fi
  local bin=tools/openapi/node_modules/.bin failed=0 problems
  "$bin/redocly" lint "$document" --config redocly.yaml --format=json >"$work/redocly.json" 2>"$work/redocly.log" || true
  problems=$(jq '.totals.errors + .totals.warnings' "$work/redocly.json" 2>/dev/null) ||
    { sed 's/^/  /' "$work/redocly.log" >&2; die "Redocly did not lint $document (above)"; }
  jq -r '.problems[] | "redocly \(.severity) \(.ruleId): \(.message) (\(.location[0].pointer))"' "$work/redocly.json"
  echo "openapi-lint: Redocly (recommended): $(jq -r '"\(.totals.errors) errors, \(.totals.warnings) warnings"' "$work/redocly.json")"
  [ "$problems" = 0 ] || failed=1
  if "$bin/spectral" lint "$document" --ruleset .spectral.yaml --fail-severity=warn >"$work/spectral.txt" 2>&1; then
    echo "openapi-lint: Spectral (spectral:oas): 0 problems"
  else
    sed 's/^/  /' "$work/spectral.txt"
    echo "openapi-lint: Spectral (spectral:oas): $(grep -Eo '[0-9]+ problems?' "$work/spectral.txt" | head -n 1 || echo failed)"
    failed=1
  fi
  [ "$failed" = 0 ] || die "$document breaks the rules above; fix the endpoints' documentation, or relax a rule in redocly.yaml or .spectral.yaml with the reason"
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
case "${1:-}" in
  write) write ;;
  check) check ;;
  lint) lint ;;
  *) die "usage: scripts/openapi.sh write|check|lint" ;;
esac
