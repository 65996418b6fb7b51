#!/usr/bin/env bash
# Starts the local PostgreSQL 15 cluster and creates the 'portal' role and database.
# Idempotent: a second run changes nothing and does not fail.
set -euo pipefail
if ! command -v pg_ctlcluster >/dev/null; then
  apt-get update -q && apt-get install -y -q postgresql
fi
version=$(ls /etc/postgresql 2>/dev/null | sort -n | tail -1)
version=${version:-15}
pg_ctlcluster "$version" main start 2>/dev/null || true
for _ in $(seq 1 30); do
  runuser -u postgres -- pg_isready -q && break
  sleep 1
done
psql_postgres() { runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qtA "$@"; }
if [ "$(psql_postgres -c "SELECT 1 FROM pg_roles WHERE rolname='portal'")" != "1" ]; then
  psql_postgres -c "CREATE ROLE portal LOGIN PASSWORD 'portal' CREATEDB"
fi
for db in portal portal_test; do
  if [ "$(psql_postgres -c "SELECT 1 FROM pg_database WHERE datname='$db'")" != "1" ]; then
    psql_postgres -c "CREATE DATABASE $db OWNER portal"
  fi
done
echo "PostgreSQL is running: postgresql+psycopg://portal:portal@127.0.0.1:5432/portal"
