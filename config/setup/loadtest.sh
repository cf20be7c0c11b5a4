#!/usr/bin/env bash
# Bounded load test against a `make serve`-style server (gunicorn + whitenoise, DEBUG off) on
# 127.0.0.1 only, with wrk. The same mix runs in each phase of PHASES, every phase on a freshly
# started server with an empty page cache:
#   baseline  whole-page cache off (PAGE_CACHE_ENABLED=0: every map page rendered, as before #18)
#   ours      the page cache as configured (file cache by default)
#   replica   ours, with anonymous reads on the local hot standby (started by make replica)
#   database  the page cache in the database cache instead (PAGE_CACHE_BACKEND=database)
# and a table prints each figure beside the baseline's: requests/s, latency p50/p99, errors,
# the page cache's hit ratio. FAULT=1 also restarts PostgreSQL in the middle of the last phase
# and checks that the app answers 503 while it is down and 200 again without being restarted.
# REPLICA=1 serves anonymous reads from the local hot standby (make replica; docs/scaling.md).
# WARMUP seconds (default 5) of the same mix run first in each phase and are not measured: the
# figures are a running server's, not its first seconds' (WARMUP=0 measures from a cold start).
set -euo pipefail
PORT=${PORT:-8457}
DURATION=${DURATION:-60}
WARMUP=${WARMUP:-5}  # seconds of the same mix before each measured run, not counted
CONNECTIONS=${CONNECTIONS:-50}
WORKERS=${WORKERS:-4}
PHASES=${PHASES:-baseline ours replica}
export LOADTEST_CLIENTS=${LOADTEST_CLIENTS:-200}
URL="http://127.0.0.1:$PORT"
PY=.venv/bin/python
OUT=$(mktemp -d /tmp/vraem-loadtest.XXXXXX)
server=""

# REPLICA=1: every phase reads from the local hot standby; the phase "replica" (ours with the
# standby) alone does, beside phases without it (make replica; docs/scaling.md).
STANDBY_URL=${DATABASE_REPLICA_URL:-postgis://:${REPLICA_PORT:-5433}/$(basename "${DATABASE_URL:-postgis:///vraem}")}
if [ "${REPLICA:-0}" = 1 ] || [[ " $PHASES " == *" replica "* ]]; then
  make --no-print-directory replica
fi
if [ "${REPLICA:-0}" = 1 ]; then export DATABASE_REPLICA_URL=$STANDBY_URL; fi

DBNAME=$(basename "${DATABASE_URL:-postgis:///vraem}")
xacts() {  # $1: port; transactions the server has run in the database so far
  psql -X -At -p "$1" -d "$DBNAME" -c "SELECT xact_commit + xact_rollback FROM pg_stat_database
    WHERE datname = current_database()" 2>/dev/null || echo 0
}

stop_server() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; server=""; fi
}
trap 'stop_server; rm -rf "$OUT/page-cache"' EXIT

DJANGO_DEBUG=0 DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost $PY manage.py collectstatic --noinput -v 0

start_server() {  # $1: phase
  local enabled=1 backend=file standby=${DATABASE_REPLICA_URL:-}
  case "$1" in
    baseline) enabled=0 ;;
    ours) ;;
    replica) standby=$STANDBY_URL ;;
    database) backend=database
      PAGE_CACHE_BACKEND=database DJANGO_DEBUG=0 DJANGO_ALLOWED_HOSTS=127.0.0.1 $PY manage.py createcachetable ;;
    *) echo "unknown phase $1 (baseline, ours, replica, database)"; exit 2 ;;
  esac
  rm -rf "$OUT/page-cache"
  # The anonymous API and tile rate limits would turn a load test from one address into 429s.
  # LOADTEST_CLIENTS visitors (loadtest.lua) arrive through one trusted proxy.
  API_ANON_RATE=1000000/minute API_TILE_RATE=1000000/minute API_PAGE_RATE=1000000/minute \
  TRUSTED_PROXY_COUNT=1 \
  PAGE_CACHE_ENABLED=$enabled PAGE_CACHE_BACKEND=$backend PAGE_CACHE_DIR="$OUT/page-cache" \
  DJANGO_DEBUG=0 DJANGO_HTTPS=0 DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost \
  WORKERS=$WORKERS GUNICORN_BIND="127.0.0.1:$PORT" DATABASE_REPLICA_URL=$standby \
    .venv/bin/gunicorn -c config/setup/gunicorn.conf.py config.wsgi \
    > "$OUT/serve-$1.log" 2>&1 &
  server=$!
  for _ in $(seq 1 120); do curl -sf "$URL/healthz" >/dev/null && break; sleep 1; done
  curl -sf "$URL/healthz" >/dev/null || { echo "server did not start; see $OUT/serve-$1.log"; exit 1; }
}

fault() {
  sleep $((DURATION / 3))
  version=$(pg_lsclusters --no-header | awk '$2 == "main" { print $1; exit }')
  echo "fault: stopping PostgreSQL at $(date -u +%T)"
  if [ "$(id -u)" = 0 ]; then pg_ctlcluster "$version" main stop; else
    "/usr/lib/postgresql/$version/bin/pg_ctl" -D "$PGHOST/data" stop >/dev/null; fi
  code=$(curl -s -o /dev/null -w '%{http_code}' "$URL/healthz"); echo "fault: /healthz while down -> $code"
  code=$(curl -s -o /dev/null -w '%{http_code}' "$URL/es/regions/12/"); echo "fault: /es/regions/12/ while down -> $code"
  sleep 5
  if [ "$(id -u)" = 0 ]; then pg_ctlcluster "$version" main start; else
    "/usr/lib/postgresql/$version/bin/pg_ctl" -D "$PGHOST/data" -l "$PGHOST/server.log" -w \
      -o "-k $PGHOST -c listen_addresses=''" start >/dev/null; fi
  echo "fault: PostgreSQL started again at $(date -u +%T)"
  sleep 2
  code=$(curl -s -o /dev/null -w '%{http_code}' "$URL/es/regions/12/"); echo "fault: /es/regions/12/ after restart -> $code"
}

last=${PHASES##* }
for phase in $PHASES; do
  echo "== phase $phase: $CONNECTIONS connections, $LOADTEST_CLIENTS clients, ${DURATION} s, $WORKERS workers"
  start_server "$phase"
  if [ "$WARMUP" -gt 0 ]; then  # unmeasured: every worker's connections and caches warmed
    wrk --threads 2 --connections "$CONNECTIONS" --duration "${WARMUP}s" --timeout 10s \
      --script config/setup/loadtest.lua "$URL" > "$OUT/warmup-$phase.txt"
    echo "warm-up: $(grep -o '^page cache: .*' "$OUT/warmup-$phase.txt"); $(grep 'requests in' "$OUT/warmup-$phase.txt" | xargs)"
  fi
  fault_pid=""
  if [ "${FAULT:-0}" = 1 ] && [ "$phase" = "$last" ]; then fault & fault_pid=$!; fi
  primary0=$(xacts "${PGPORT:-5432}"); standby0=$(xacts "${REPLICA_PORT:-5433}")
  wrk --threads 2 --connections "$CONNECTIONS" --duration "${DURATION}s" --timeout 10s --latency \
    --script config/setup/loadtest.lua "$URL" | tee "$OUT/wrk-$phase.txt"
  # Where the database work went (the standby's own counter; 0 when none runs).
  echo "transactions: primary $(( $(xacts "${PGPORT:-5432}") - primary0 )), standby $(( $(xacts "${REPLICA_PORT:-5433}") - standby0 ))" \
    | tee -a "$OUT/wrk-$phase.txt"
  [ -z "$fault_pid" ] || wait "$fault_pid"
  stop_server
done
cp "$OUT/wrk-$last.txt" /tmp/vraem-loadtest.txt

# One column per phase, from wrk's report.
figure() {  # $1: phase file; prints rps p50_ms p99_ms requests errors hits misses primary_xacts standby_xacts
  awk '
    function to_ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec:/ { rps = $2 }
    /^ +50%/ { p50 = to_ms($2) } /^ +99%/ { p99 = to_ms($2) }
    / requests in / { requests = $1 }
    /Non-2xx or 3xx responses:/ { errors += $NF }
    /Socket errors:/ { gsub(",", ""); errors += $4 + $6 + $8 + $10 }
    /^page cache:/ { hits = $3; misses = $5 }
    /^transactions:/ { gsub(",", ""); primary = $3; standby = $5 }
    END { printf "%s %.1f %.1f %d %d %d %d %d %d\n", rps, p50, p99, requests, errors + 0, hits + 0, misses + 0,
          primary + 0, standby + 0 }
  ' "$1"
}
echo
echo "| figure | $(for p in $PHASES; do printf '%s | ' "$p"; done)target |"
echo "|---|$(for p in $PHASES; do printf -- '---|'; done)---|"
declare -A F
for p in $PHASES; do F[$p]=$(figure "$OUT/wrk-$p.txt"); done
row() {  # $1 label, $2 awk expression over the fields, $3 target
  printf '| %s | ' "$1"
  for p in $PHASES; do echo "${F[$p]}" | awk "{ printf \"%s | \", $2 }"; done
  echo "$3 |"
}
row "requests/s" '$1' ">= 150"
row "latency p50" '$2 " ms"' ""
row "latency p99" '$3 " ms"' "<= 1000 ms"
row "requests (errors: 4xx/5xx, socket)" '$4 " (" $5 " errors)"' "0 errors"
row "page cache hit ratio (map pages)" '($6 + $7 > 0 ? sprintf("%.1f %% (%d of %d)", 100 * $6 / ($6 + $7), $6, $6 + $7) : "off")' "reported"
row "database transactions: primary / standby" '$8 " / " $9' ""
echo
echo "Machine: $(nproc) CPU; load average now: $(cut -d" " -f1-3 /proc/loadavg) (wrk and the server share the cores)."
echo "wrk reports and server logs: $OUT"
