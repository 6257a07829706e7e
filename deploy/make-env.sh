#!/bin/sh
# Writes deploy/.env (git-ignored) with generated passwords for the broker's
# users, which deploy/compose.yaml requires:
#
#   RABBITMQ_ADMIN_PASSWORD    the management UI's `admin`
#   RABBITMQ_WORKER_PASSWORD   `fraudstat`, the workers' least-privilege user
#
# An existing deploy/.env is left as it is. Pass it to every compose command:
#   docker compose --env-file deploy/.env -f deploy/compose.yaml up --build
set -eu
env_file="$(dirname "$0")/.env"
if [ -e "$env_file" ]; then
    echo "$0: $env_file exists; left as it is" >&2
    exit 0
fi
umask 077
{
    echo "RABBITMQ_ADMIN_PASSWORD=$(openssl rand -hex 32)"
    echo "RABBITMQ_WORKER_PASSWORD=$(openssl rand -hex 32)"
} >"$env_file"
echo "$0: wrote $env_file" >&2
