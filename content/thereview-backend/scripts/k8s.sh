#!/usr/bin/env bash
# The Kubernetes deployment: scripts/k8s.sh render|secrets|apply|migrate|status|rollback, for the overlay named by
# OVERLAY (deploy/kubernetes/overlays/*, default production). Everything is checked before anything is applied:
# the overlay, kubectl's context and, for apply and migrate, the Secrets that make k8s-secrets creates.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

api=thereview-backend-api
#if (postgres)
migrate=thereview-backend-migrate
#endif
overlay=${OVERLAY:-production}
dir="deploy/kubernetes/overlays/${overlay}"
[ -f "${dir}/kustomization.yaml" ] \
  || die "unknown OVERLAY=${overlay}: choose one of $(find deploy/kubernetes/overlays -mindepth 1 -maxdepth 1 -type d -exec basename {} \; | sort | tr '\n' ' ')"
command -v kubectl >/dev/null || die "kubectl is not installed (it renders Kustomize itself): https://kubernetes.io/docs/tasks/tools/"
namespace=$(awk '/^namespace:/ {print $2}' "${dir}/kustomization.yaml")

# The local overlay reads the datastores' init scripts from deploy/, outside its own folder.
render() { kubectl kustomize --load-restrictor LoadRestrictionsNone "$dir"; }

# kubectl without a context would talk to localhost:8080, which may be anything: refuse instead.
require_cluster() {
  local context
  context=$(kubectl config current-context 2>/dev/null) \
    || die "kubectl has no current context: point it at your cluster (kubectl config use-context NAME), then run this again; nothing was applied"
  echo "cluster context: ${context}, namespace: ${namespace}"
}

require_secrets() {
  local secret
  for secret in "$@"; do
    kubectl get secret "$secret" --namespace "$namespace" >/dev/null 2>&1 \
      || die "the Secret ${secret} is missing in namespace ${namespace}: run make k8s-secrets OVERLAY=${overlay} first; nothing was applied"
  done
}

require_files() {
  local file
  for file in "$@"; do
    [ -s "secrets/${file}" ] || die "secrets/${file} is missing: run make secrets and make certs (or put your certificate there) first; nothing was applied"
  done
}

# A Secret from files of secrets/, each under its own name (the paths the *_FILE settings read), or KEY=FILE.
secret_from_files() {
  local name=$1 item arguments=()
  shift
  for item in "$@"; do
    if [[ $item == *=* ]]; then arguments+=("--from-file=${item%%=*}=secrets/${item#*=}"); else arguments+=("--from-file=${item}=secrets/${item}"); fi
  done
  kubectl create secret generic "$name" --namespace "$namespace" "${arguments[@]}" --dry-run=client --output yaml | kubectl apply -f -
}

# The local overlay runs the datastores too, from the same secrets as the production stack.
datastore_files=()
#if (postgres || mongo || redis)
if [ -f "${dir}/datastores.yaml" ]; then
#if (postgres)
  datastore_files+=(postgres_password postgres_owner_password postgres_app_password)
#endif
#if (mongo)
  datastore_files+=(mongo_password mongo_app_password)
#endif
#if (redis)
  datastore_files+=(redis_password redis.conf)
#endif
fi
#endif

datastore_secrets() {
  [ "${#datastore_files[@]}" -gt 0 ] || return 0
#if (postgres)
  secret_from_files thereview-backend-postgres postgres_password postgres_owner_password postgres_app_password
#endif
#if (mongo)
  secret_from_files thereview-backend-mongo mongo_password mongo_app_password
#endif
#if (redis)
  secret_from_files thereview-backend-redis redis_password redis_conf=redis.conf
#endif
}

api_secrets=(
#if (postgres)
  postgres_app_password
#endif
#if (mongo)
  mongo_app_password
#endif
#if (redis)
  redis_app_password
#endif
)

case "${1:-}" in
  render) render ;;
  secrets)
#if (postgres)
    require_files tls.crt tls.key ${api_secrets[@]+"${api_secrets[@]}"} ${datastore_files[@]+"${datastore_files[@]}"} postgres_owner_password
#else
    require_files tls.crt tls.key ${api_secrets[@]+"${api_secrets[@]}"} ${datastore_files[@]+"${datastore_files[@]}"}
#endif
    require_cluster
    kubectl apply -f "${dir}/namespace.yaml"
    if [ "${#api_secrets[@]}" -gt 0 ]; then secret_from_files "$api" "${api_secrets[@]}"; fi
#if (postgres)
    secret_from_files "$migrate" postgres_owner_password
#endif
    datastore_secrets
    kubectl create secret tls thereview-backend-tls --namespace "$namespace" --cert=secrets/tls.crt --key=secrets/tls.key --dry-run=client --output yaml | kubectl apply -f -
    ;;
  apply)
    require_cluster
    require_secrets thereview-backend-tls
    if [ "${#api_secrets[@]}" -gt 0 ]; then require_secrets "$api"; fi
#if (postgres)
    require_secrets "$migrate"
    # A finished Job cannot take a new image: it is replaced, and runs the migrations before the new pods are ready.
    kubectl delete job "$migrate" --namespace "$namespace" --ignore-not-found
#endif
    render | kubectl apply -f -
    kubectl rollout status "deployment/${api}" --namespace "$namespace" --timeout=10m
    ;;
  migrate)
    require_cluster
#if (postgres)
    require_secrets "$migrate"
    # A finished Job cannot take a new image: it is replaced, which runs the migrations again.
    kubectl delete job "$migrate" --namespace "$namespace" --ignore-not-found
    render | kubectl apply -f - --selector app.kubernetes.io/component=migrate
    kubectl wait --for=condition=complete "job/${migrate}" --namespace "$namespace" --timeout=10m
#else
    echo "this service has no PostgreSQL: there is nothing to migrate"
#endif
    ;;
  status)
    require_cluster
    kubectl get deployments,replicasets,pods,horizontalpodautoscalers,poddisruptionbudgets,jobs \
      --namespace "$namespace" --selector app.kubernetes.io/part-of=thereview-backend
    ;;
  rollback)
    require_cluster
    kubectl rollout undo "deployment/${api}" --namespace "$namespace"
    kubectl rollout status "deployment/${api}" --namespace "$namespace" --timeout=10m
    ;;
  *) die "usage: scripts/k8s.sh render|secrets|apply|migrate|status|rollback (OVERLAY=$(basename "$dir"))" ;;
esac
