#!/usr/bin/env bash
# Stops a production deploy on the self-signed certificate that make certs writes for development and tests:
# clients would refuse it, or be taught to accept any. ALLOW_SELF_SIGNED_CERTIFICATE=true (.env) allows it
# on purpose, for a test stack.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

certificate=secrets/tls.crt
[ -s "$certificate" ] || die "$certificate is missing: put your certificate (PEM, full chain) in it and its key in secrets/tls.key"
subject=$(openssl x509 -in "$certificate" -noout -subject) || die "$certificate is not a PEM certificate"
issuer=$(openssl x509 -in "$certificate" -noout -issuer)
if [ "${subject#subject=}" = "${issuer#issuer=}" ] && [ "${ALLOW_SELF_SIGNED_CERTIFICATE:-false}" != true ]; then
  die "$certificate is self-signed (${subject#subject=}): clients will refuse it. Put your certificate (PEM, full chain) in $certificate and its key in secrets/tls.key, or set ALLOW_SELF_SIGNED_CERTIFICATE=true in .env for a test stack. Nothing was deployed."
fi
echo "$certificate: ${subject#subject=}, issued by ${issuer#issuer=}"
