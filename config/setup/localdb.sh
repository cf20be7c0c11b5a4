#!/usr/bin/env bash
# Prepare the local PostgreSQL + PostGIS database "$DB_NAME" (default vraem). Idempotent.
#
# As root: PostgreSQL refuses to run as root, so the distribution's cluster is started and
#   administered as the `postgres` user; the current OS user gets a superuser role of the same
#   name and connects by peer authentication on the Unix socket (no password anywhere).
# As another user: a private cluster lives in $PGHOST (default ./.pgdata) and listens only on a
#   Unix socket in that directory. The caller exports PGHOST so libpq (and Django) find it.
# Skipped when DATABASE_URL is set: the operator manages that database.
set -euo pipefail
export PGOPTIONS="--client-min-messages=warning"

DB_NAME=${DB_NAME:-vraem}
if [ -n "${DATABASE_URL:-}" ]; then
  echo "DATABASE_URL is set; not preparing a local database."
  exit 0
fi

pg_bin() {
  local version
  version=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
  [ -n "$version" ] || { echo "PostgreSQL is not installed (apt-get install postgresql postgresql-postgis)." >&2; exit 1; }
  echo "/usr/lib/postgresql/$version/bin"
}

if [ "$(id -u)" = 0 ]; then
  version=$(pg_lsclusters --no-header 2>/dev/null | awk '$2 == "main" { print $1; exit }')
  if [ -z "$version" ]; then
    version=$(basename "$(dirname "$(pg_bin)")")
    pg_createcluster "$version" main >/dev/null
  fi
  if ! pg_ctlcluster "$version" main status >/dev/null 2>&1; then
    pg_ctlcluster "$version" main start
  fi
  # From /, which the postgres user can always enter (a private checkout may not be).
  admin_psql() { (cd / && runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 "$@"); }
  role=$(id -un)
  if [ "$(admin_psql -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$role'")" != 1 ]; then
    admin_psql -c "CREATE ROLE \"$role\" LOGIN SUPERUSER"
  fi
else
  : "${PGHOST:=$PWD/.pgdata}"
  bin=$(pg_bin)
  if [ ! -f "$PGHOST/data/PG_VERSION" ]; then
    mkdir -p "$PGHOST"
    "$bin/initdb" -D "$PGHOST/data" -U "$(id -un)" --auth=trust -E UTF8 >/dev/null
  fi
  if [ ${#PGHOST} -gt 90 ]; then
    echo "The socket directory $PGHOST is too long for a Unix socket (limit ~100 bytes);" >&2
    echo "set PGHOST to a shorter directory, e.g. PGHOST=/tmp/vraem-pg-$(id -un)." >&2
    exit 1
  fi
  if ! "$bin/pg_ctl" -D "$PGHOST/data" status >/dev/null 2>&1; then
    if ! "$bin/pg_ctl" -D "$PGHOST/data" -l "$PGHOST/server.log" -w \
        -o "-k $PGHOST -c listen_addresses=''" start >/dev/null; then
      echo "PostgreSQL did not start; the end of $PGHOST/server.log says:" >&2
      tail -n 5 "$PGHOST/server.log" >&2
      exit 1
    fi
  fi
  admin_psql() { psql -X -q -v ON_ERROR_STOP=1 -h "$PGHOST" -d postgres "$@"; }
fi

if [ "$(admin_psql -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" != 1 ]; then
  admin_psql -c "CREATE DATABASE \"$DB_NAME\" OWNER \"$(id -un)\""
fi
admin_psql -d "$DB_NAME" -c "CREATE EXTENSION IF NOT EXISTS postgis"
