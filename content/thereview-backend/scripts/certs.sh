#!/usr/bin/env bash
# Writes a self-signed TLS certificate for development and tests: secrets/tls.crt and secrets/tls.key.
# Production uses a real certificate in the same two files. --force replaces existing files.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -f secrets/tls.crt ] && [ -f secrets/tls.key ] && [ "${1:-}" != "--force" ]; then
  echo "secrets/tls.crt and secrets/tls.key exist; keeping them (--force replaces them)"
  exit 0
fi
mkdir -p secrets
chmod 700 secrets
openssl req -x509 -newkey rsa:2048 -nodes -days 365 -sha256 \
  -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout secrets/tls.key -out secrets/tls.crt 2>/dev/null
# Readable by the container user (compose bind-mounts the file); the folder keeps other users out.
chmod 644 secrets/tls.crt secrets/tls.key
echo "wrote secrets/tls.crt and secrets/tls.key (self-signed, CN=localhost, valid 365 days)"
