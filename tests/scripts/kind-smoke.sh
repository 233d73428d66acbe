#!/usr/bin/env bash
# The generated Kubernetes manifests on a real cluster: kind on a hosted runner (no cluster can run on the
# development machine: tests/images/README.md). Generates a repository from the pack, builds its image, applies
# the local overlay with make k8s-secrets and make k8s-apply (the migration Job included), scales the API, and
# asks the public and management ports for health through kubectl port-forward.
set -euo pipefail
cd "$(dirname "$0")/../.."

work=$(mktemp -d)
trap 'kind delete cluster --name thereview >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

dotnet pack TheReview.Templates.csproj --configuration Release --output "$work/pack" >/dev/null
dotnet new install "$work"/pack/TheReview.Templates.*.nupkg --debug:custom-hive "$work/hive" >/dev/null
dotnet new thereview-backend --name Orders --output "$work/orders" --skip-restore --debug:custom-hive "$work/hive" >/dev/null
cd "$work/orders"

make build-prod API_TAG=kind
sed -i 's/newTag: 1.0.0/newTag: kind/' deploy/kubernetes/overlays/local/kustomization.yaml
kind create cluster --name thereview --wait 120s
kind load docker-image orders-api:kind --name thereview

make k8s-secrets OVERLAY=local
make k8s-apply OVERLAY=local
kubectl --namespace orders-local wait --for=condition=complete job/orders-migrate --timeout=5m

# Scale through the autoscaler's floor, as kubectl autoscale would, and wait for every replica to be ready.
kubectl --namespace orders-local patch hpa orders-api --type merge --patch '{"spec": {"minReplicas": 3}}'
kubectl --namespace orders-local wait --for=jsonpath='{.status.readyReplicas}'=3 deployment/orders-api --timeout=5m

kubectl --namespace orders-local port-forward service/orders-api 18080:80 >/dev/null 2>&1 &
kubectl --namespace orders-local port-forward deployment/orders-api 18081:8081 >/dev/null 2>&1 &
for _ in $(seq 1 30); do curl -fsS http://127.0.0.1:18080/health/ready >/dev/null 2>&1 && break; sleep 1; done
curl -fsS http://127.0.0.1:18080/health/ready
curl -fsS http://127.0.0.1:18081/health/live
curl -fsS http://127.0.0.1:18081/health/ready
curl -fsS http://127.0.0.1:18081/metrics | grep -q '^http_requests_received_total' \
  || { echo "the management port serves no request metrics" >&2; exit 1; }
# The public port never serves the metrics.
[ "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:18080/metrics)" != 200 ]
make k8s-status OVERLAY=local
echo "kind: the local overlay is up, migrated, scaled to 3 replicas and healthy"
