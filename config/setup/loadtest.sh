#!/usr/bin/env bash
# Bounded load test against `make serve` on 127.0.0.1 only, with wrk. Prints requests/s,
# latency percentiles and errors. FAULT=1 also restarts PostgreSQL in the middle of the run and
# checks that the app answers 503 while it is down and 200 again without being restarted.
# REPLICA=1 serves anonymous reads from the local hot standby (see below).
set -euo pipefail
PORT=${PORT:-8457}
DURATION=${DURATION:-60}
CONNECTIONS=${CONNECTIONS:-50}
URL="http://127.0.0.1:$PORT"

# REPLICA=1: anonymous reads from the local hot standby (make replica; docs/scaling.md).
if [ "${REPLICA:-0}" = 1 ]; then
  make --no-print-directory replica
  export DATABASE_REPLICA_URL=${DATABASE_REPLICA_URL:-postgis://:${REPLICA_PORT:-5433}/vraem}
fi

# The anonymous API and tile rate limits would turn a load test from one address into 429s.
API_ANON_RATE=1000000/minute API_TILE_RATE=1000000/minute API_PAGE_RATE=1000000/minute PORT=$PORT WORKERS=${WORKERS:-4} make --no-print-directory serve \
  > /tmp/vraem-loadtest-serve.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; pkill -f "gunicorn config.wsgi --bind 127.0.0.1:$PORT" || true' EXIT
for _ in $(seq 1 120); do curl -sf "$URL/healthz" >/dev/null && break; sleep 1; done
curl -sf "$URL/healthz" >/dev/null || { echo "server did not start; see /tmp/vraem-loadtest-serve.log"; exit 1; }

if [ "${FAULT:-0}" = 1 ]; then
  (
    sleep $((DURATION / 3))
    version=$(pg_lsclusters --no-header | awk '$2 == "main" { print $1; exit }')
    echo "fault: stopping PostgreSQL at $(date -u +%T)"
    if [ "$(id -u)" = 0 ]; then pg_ctlcluster "$version" main stop; else
      "/usr/lib/postgresql/$version/bin/pg_ctl" -D "$PGHOST/data" stop >/dev/null; fi
    code=$(curl -s -o /dev/null -w '%{http_code}' "$URL/healthz"); echo "fault: /healthz while down -> $code"
    code=$(curl -s -o /dev/null -w '%{http_code}' "$URL/regions/12/"); echo "fault: /regions/12/ while down -> $code"
    sleep 5
    if [ "$(id -u)" = 0 ]; then pg_ctlcluster "$version" main start; else
      "/usr/lib/postgresql/$version/bin/pg_ctl" -D "$PGHOST/data" -l "$PGHOST/server.log" -w \
        -o "-k $PGHOST -c listen_addresses=''" start >/dev/null; fi
    echo "fault: PostgreSQL started again at $(date -u +%T)"
    sleep 2
    code=$(curl -s -o /dev/null -w '%{http_code}' "$URL/regions/12/"); echo "fault: /regions/12/ after restart -> $code"
  ) &
  fault=$!
fi

wrk --threads 2 --connections "$CONNECTIONS" --duration "${DURATION}s" --timeout 10s --latency \
  --script config/setup/loadtest.lua "$URL" | tee /tmp/vraem-loadtest.txt
[ -z "${fault:-}" ] || wait "$fault"
