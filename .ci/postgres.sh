#!/usr/bin/env bash
# Start a throw-away PostgreSQL server on 127.0.0.1 for the storage tests and print the
# `export CLASSMOOD_TEST_POSTGRES_URL=...` line for `eval "$(bash .ci/postgres.sh)"`.
# Idempotent: installs the Debian `postgresql` package only when missing (as root, quietly),
# reuses a data folder and a running server. Listens on 127.0.0.1 (TCP, password) and a socket in
# /tmp (trust, used here as the postgres user to create the role). Only the export line goes to stdout.
set -euo pipefail
PORT=${CLASSMOOD_TEST_PG_PORT:-54329}
DATA=${CLASSMOOD_TEST_PG_DATA:-/tmp/classmood-ci-pg}
PASSWORD=${CLASSMOOD_TEST_PG_PASSWORD:-classmood_test}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
if [[ -z $(pg_bin) ]]; then
  if [[ $(id -u) -ne 0 ]]; then
    echo "postgres.sh: PostgreSQL is not installed; run as root to install it" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends postgresql >&2
fi
BIN=$(pg_bin)
as_postgres() {
  if [[ $(id -un) == postgres ]]; then "$@"; elif [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}
if ! as_postgres "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
  if [[ ! -f $DATA/PG_VERSION ]]; then
    mkdir -p "$DATA"
    chown postgres:postgres "$DATA" 2>/dev/null || true
    chmod 700 "$DATA"
    # Unix socket: trust (this script uses it as the postgres user); TCP on 127.0.0.1: passwords.
    as_postgres "$BIN/initdb" -D "$DATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  fi
  as_postgres "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w \
    -o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=64MB" start >/dev/null
fi
psql=(as_postgres "$BIN/psql" -h /tmp -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA)
if [[ -z $("${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname='classmood_test'") ]]; then
  "${psql[@]}" -c "CREATE ROLE classmood_test LOGIN PASSWORD '$PASSWORD' CREATEDB" >&2
fi
if [[ -z $("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname='classmood_test'") ]]; then
  "${psql[@]}" -c "CREATE DATABASE classmood_test OWNER classmood_test" >&2
fi
echo "export CLASSMOOD_TEST_POSTGRES_URL=postgresql+psycopg://classmood_test:$PASSWORD@127.0.0.1:$PORT/classmood_test"
