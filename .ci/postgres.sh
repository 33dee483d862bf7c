#!/usr/bin/env bash
# Start a throw-away PostgreSQL server on 127.0.0.1 for the storage tests and print the
# `export CLASSMOOD_TEST_POSTGRES_URL=...` line for `eval`. Idempotent: reuses a running one.
# The postgresql package itself is installed by scripts/system-deps.sh.
set -euo pipefail
PORT=${CLASSMOOD_TEST_PG_PORT:-54329}
DATA=${CLASSMOOD_TEST_PG_DATA:-/tmp/classmood-ci-pg}
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_postgres() {
  if [[ $(id -un) == postgres ]]; then "$@"; elif [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}
if ! as_postgres "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
  if [[ ! -f $DATA/PG_VERSION ]]; then
    mkdir -p "$DATA"
    chown postgres:postgres "$DATA" 2>/dev/null || true
    as_postgres "$BIN/initdb" -D "$DATA" -A trust -U postgres >/dev/null
  fi
  as_postgres "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w \
    -o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=64MB" start >/dev/null
fi
psql=("$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -qtA)
if [[ -z $("${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname='classmood_test'") ]]; then
  "${psql[@]}" -c "CREATE ROLE classmood_test LOGIN PASSWORD 'classmood_test' CREATEDB"
fi
if [[ -z $("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname='classmood_test'") ]]; then
  "${psql[@]}" -c "CREATE DATABASE classmood_test OWNER classmood_test"
fi
echo "export CLASSMOOD_TEST_POSTGRES_URL=postgresql+psycopg://classmood_test:classmood_test@127.0.0.1:$PORT/classmood_test"
