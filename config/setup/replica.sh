#!/usr/bin/env bash
# A local hot standby of the local primary (issue #18 target 7; docs/scaling.md). Idempotent.
#
#   bash config/setup/replica.sh        start it (a base backup the first time), or say it runs
#   bash config/setup/replica.sh stop   stop it and remove it with its replication slot
#
# The standby is a second cluster on REPLICA_PORT (default 5433) of the same PostgreSQL,
# made by `pg_basebackup -R` (standby.signal + primary_conninfo) and fed by streaming
# replication through the physical slot $SLOT, so the primary keeps the WAL it has not received
# yet. "stop" also drops the slot (a stopped standby would make the primary keep WAL for ever);
# the next start takes a new base backup (seconds for the app's databases).
# As root: the distribution's cluster "main" is the primary and the standby is the cluster
#   "replica" of the same version (pg_createcluster; run as the postgres user; socket in
#   /var/run/postgresql). As another user: the private primary in $PGHOST/data
#   (config/setup/localdb.sh) and the standby in $PGHOST/replica, both with their socket in $PGHOST.
# The app reads it with DATABASE_REPLICA_URL=postgis://:$REPLICA_PORT/<database> (`make test`
# sets it for the test database; e.g. `DATABASE_REPLICA_URL=postgis://:5433/vraem make serve`).
set -euo pipefail
export PGOPTIONS="--client-min-messages=warning"

REPLICA_PORT=${REPLICA_PORT:-5433}
SLOT=${REPLICA_SLOT:-vraem_replica}
action=${1:-start}

pg_bin() {
  echo "/usr/lib/postgresql/$(ls /usr/lib/postgresql | sort -n | tail -n 1)/bin"
}

if [ "$(id -u)" = 0 ]; then
  read -r version primary_port < <(pg_lsclusters --no-header | awk '$2 == "main" { print $1, $3; exit }')
  [ -n "${version:-}" ] || { echo "No local primary (cluster main); run make db first." >&2; exit 1; }
  datadir=/var/lib/postgresql/$version/replica
  as_pg() { (cd / && runuser -u postgres -- "$@"); }
  primary_psql() { as_pg psql -X -q -v ON_ERROR_STOP=1 -p "$primary_port" -d postgres "$@"; }
  standby_psql() { as_pg psql -X -q -v ON_ERROR_STOP=1 -p "$REPLICA_PORT" -d postgres "$@"; }
  exists() { pg_lsclusters --no-header | awk -v v="$version" '$1 == v && $2 == "replica"' | grep -q .; }
  running() { pg_ctlcluster "$version" replica status >/dev/null 2>&1; }
  start() { pg_ctlcluster "$version" replica start; }
  stop() { pg_ctlcluster "$version" replica stop -m fast; }
  remove() { pg_dropcluster "$version" replica; }
  create() {
    pg_createcluster "$version" replica -p "$REPLICA_PORT" >/dev/null
    rm -rf "$datadir"
    as_pg pg_basebackup -p "$primary_port" -D "$datadir" -R -X stream -C -S "$SLOT" -c fast
    # A standby query is not cancelled by the primary's vacuum of rows it still reads.
    pg_conftool "$version" replica set hot_standby_feedback on
  }
else
  : "${PGHOST:=$PWD/.pgdata}"
  bin=$(pg_bin)
  primary_port=${PGPORT:-5432}
  datadir=$PGHOST/replica
  primary_psql() { psql -X -q -v ON_ERROR_STOP=1 -h "$PGHOST" -p "$primary_port" -d postgres "$@"; }
  standby_psql() { psql -X -q -v ON_ERROR_STOP=1 -h "$PGHOST" -p "$REPLICA_PORT" -d postgres "$@"; }
  exists() { [ -f "$datadir/PG_VERSION" ]; }
  running() { "$bin/pg_ctl" -D "$datadir" status >/dev/null 2>&1; }
  start() {
    "$bin/pg_ctl" -D "$datadir" -l "$PGHOST/replica.log" -w \
      -o "-k $PGHOST -p $REPLICA_PORT -c listen_addresses='' -c hot_standby_feedback=on" start >/dev/null
  }
  stop() { "$bin/pg_ctl" -D "$datadir" stop -m fast >/dev/null; }
  remove() { rm -rf "$datadir"; }
  create() {
    "$bin/pg_basebackup" -h "$PGHOST" -p "$primary_port" -D "$datadir" -R -X stream -C -S "$SLOT" -c fast
  }
fi

drop_slot() {
  primary_psql -tAc "SELECT pg_drop_replication_slot('$SLOT') FROM pg_replication_slots WHERE slot_name = '$SLOT' AND NOT active" >/dev/null
}

if [ "$action" = stop ]; then
  if exists; then
    running && stop
    remove
  fi
  drop_slot
  echo "Standby stopped and removed; slot $SLOT dropped."
  exit 0
fi
[ "$action" = start ] || { echo "usage: $0 [start|stop]" >&2; exit 2; }

if exists && ! running; then
  start || true  # a standby that cannot start (e.g. WAL it needs is gone) is rebuilt below
fi
if exists && running && [ "$(standby_psql -tAc 'SELECT pg_is_in_recovery()')" = t ]; then
  echo "Standby already running on port $REPLICA_PORT (replaying from the primary on port $primary_port)."
  exit 0
fi
if exists; then  # half-made or promoted: rebuild it
  running && stop
  remove
fi
drop_slot
create
start
for _ in $(seq 1 30); do
  [ "$(primary_psql -tAc "SELECT active FROM pg_replication_slots WHERE slot_name = '$SLOT'")" = t ] && break
  sleep 1
done
echo "Standby started on port $REPLICA_PORT, streaming from the primary on port $primary_port (slot $SLOT)."
