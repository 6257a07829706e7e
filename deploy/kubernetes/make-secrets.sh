#!/bin/sh
# Creates the Secret fraudstat-rabbitmq that the manifests here read, with
# values generated now (openssl rand -hex 32), none of them in the repository:
#
#   admin-password    the broker's `admin` (management UI, rabbitmqctl)
#   erlang-cookie     shared by the broker nodes to cluster
#   worker-password   the broker's `fraudstat`, the workers' user
#   worker-url        amqp://fraudstat:<worker-password>@rabbitmq:5672/%2f
#                     (the workers and KEDA)
#
#   deploy/kubernetes/make-secrets.sh            # create it in the cluster
#   deploy/kubernetes/make-secrets.sh --print    # print it (for sealed-secrets,
#                                                # SOPS, a vault...)
#
# NAMESPACE (default fraudstat) says where. An existing Secret is left as
# it is: changing the cookie or the passwords of a running broker is a
# rotation (docs/operations.md), not a re-run of this script.
set -eu
namespace=${NAMESPACE:-fraudstat}
secret=fraudstat-rabbitmq
case ${1:-} in
    --print) print=yes ;;
    "") print= ;;
    *) echo "usage: $0 [--print]" >&2; exit 2 ;;
esac

if [ -z "$print" ] && kubectl get secret "$secret" --namespace "$namespace" >/dev/null 2>&1; then
    echo "$0: secret $namespace/$secret exists; left as it is" >&2
    exit 0
fi

# Files, not --from-literal, so that no value shows in a process list.
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
umask 077
for key in admin-password erlang-cookie worker-password; do
    openssl rand -hex 32 | tr -d '\n' >"$dir/$key"
done
printf 'amqp://fraudstat:%s@rabbitmq:5672/%%2f' "$(cat "$dir/worker-password")" >"$dir/worker-url"

manifest() {
    kubectl create secret generic "$secret" --namespace "$namespace" \
        --dry-run=client --output yaml \
        --from-file=admin-password="$dir/admin-password" \
        --from-file=erlang-cookie="$dir/erlang-cookie" \
        --from-file=worker-password="$dir/worker-password" \
        --from-file=worker-url="$dir/worker-url"
}

if [ -n "$print" ]; then
    manifest
    exit 0
fi
kubectl get namespace "$namespace" >/dev/null 2>&1 || kubectl create namespace "$namespace"
manifest | kubectl create --filename -
echo "$0: created secret $namespace/$secret" >&2
