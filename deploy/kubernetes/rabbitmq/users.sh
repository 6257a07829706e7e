#!/bin/sh
# Writes the broker's users (users.json, with the passwords put in from
# the environment) to the file RabbitMQ imports at boot (load_definitions
# in rabbitmq.conf). Run before the broker starts: by the StatefulSet's
# init container (from the Secret fraudstat-rabbitmq) and by the compose
# file (from deploy/.env).
#
#   users.sh TEMPLATE OUTPUT
#
# RABBITMQ_ADMIN_PASSWORD and RABBITMQ_WORKER_PASSWORD must be set, at
# least 16 characters of letters, digits and . _ ~ - (so that they need no
# escaping in JSON or in the worker's amqp:// URL); `openssl rand -hex 32`
# makes such a password.
set -eu
template=${1:?usage: users.sh TEMPLATE OUTPUT}
output=${2:?usage: users.sh TEMPLATE OUTPUT}
umask 077
set --
for name in RABBITMQ_ADMIN_PASSWORD RABBITMQ_WORKER_PASSWORD; do
    value=$(printenv "$name" || true)
    case $value in
        "") echo "users.sh: $name is not set" >&2; exit 1 ;;
        *[!A-Za-z0-9._~-]*) echo "users.sh: $name: only letters, digits and . _ ~ - allowed" >&2; exit 1 ;;
    esac
    if [ "${#value}" -lt 16 ]; then
        echo "users.sh: $name: at least 16 characters" >&2
        exit 1
    fi
    # The value holds no sed metacharacter but `.`, literal in a replacement.
    set -- "$@" -e "s/\"\\\$$name\"/\"$value\"/g"
done
sed "$@" "$template" >"$output.tmp"
if grep -q '"\$[A-Z_]*"' "$output.tmp"; then
    echo "users.sh: $template has a placeholder this script does not fill" >&2
    rm -f "$output.tmp"
    exit 1
fi
mv "$output.tmp" "$output"
echo "users.sh: wrote $output" >&2
