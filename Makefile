# Two commands: `make run` (set up everything and serve) and `make test` (set up and test).
# Every step is idempotent; a second run only checks and skips.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PORT ?= 8000
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
# Reference data (boundaries, gazetteer, bulletins): a directory or URL; never copied in.
PERU_DATA_SOURCE ?= $(abspath ../shared/data/peru)
# Longest wait for UCDP's GED download in `make data` (load_ucdp), in seconds.
UCDP_LOAD_SECONDS ?= 180
APT_PACKAGES := postgresql postgresql-postgis gdal-bin chromium python3-venv wrk gettext

ifeq ($(shell id -u),0)
  SUDO :=
else
  SUDO := sudo
  # Non-root: a private PostgreSQL cluster with its socket in .pgdata (see config/setup/localdb.sh).
  export PGHOST ?= $(CURDIR)/.pgdata
endif

export PERU_DATA_SOURCE
export DJANGO_DEBUG ?= 1
export DJANGO_SECRET_KEY ?= $(shell cat .secret_key 2>/dev/null)

.PHONY: help setup system-packages db messages migrate data run test test-clients serve backup restore loadtest bench createsuperuser stopdb clearsessions replica stopreplica

help:
	@echo "make run   set up everything and serve http://127.0.0.1:$(PORT)/"
	@echo "make test  set up everything and run the test suite"
	@echo "make test-clients  QGIS (Debian's qgis, python3-qgis; installed if missing) against the OGC API"
	@echo "make serve  production-style server (gunicorn + whitenoise, DEBUG off) on 127.0.0.1:$(PORT)"
	@echo "make clearsessions  delete expired sessions and unsaved-changes stashes (run it hourly beside make serve)"
	@echo "make createsuperuser  create an admin login"
	@echo "make db / make stopdb  start / stop the local PostgreSQL server"
	@echo "make replica / make stopreplica  start / stop and remove a local hot standby (port $(REPLICA_PORT))"

system-packages:
	@missing=""; \
	for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	command -v npm >/dev/null || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
	  if [ -n "$(SUDO)" ] && ! command -v sudo >/dev/null; then \
	    echo "Missing Debian packages and no sudo. As root, run:"; \
	    echo "  apt-get update && apt-get install -y$$missing"; \
	    exit 1; \
	  fi; \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

.secret_key:
	@$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	@chmod 600 $@

$(VENV)/.installed: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --no-update-notifier --loglevel=error
	@touch $@

setup: system-packages .secret_key $(VENV)/.installed node_modules/.installed db messages

# The Spanish catalogues (locale/, <app>/locale/) compiled to .mo (git-ignored) with gettext's
# msgfmt; compilemessages skips a catalogue whose .mo is newer. Check they match the code:
# `.venv/bin/python -m tools.messages` (tests/config/test_messages.py); update them with --update.
messages: system-packages $(VENV)/.installed
	@$(MANAGE) compilemessages -v 0 --ignore=.venv --ignore=node_modules --ignore=staticfiles

db: system-packages
	@bash config/setup/localdb.sh

migrate: setup
	@$(MANAGE) migrate --noinput -v 0
	@$(MANAGE) createcachetable -v 0  # the database caches' tables (PAGE_CACHE_BACKEND=database); kept if there

data: migrate
	@$(MANAGE) load_boundaries --if-empty
	@$(MANAGE) load_advisory_zones
	@$(MANAGE) load_places
	@$(MANAGE) load_indicators --if-empty
	@$(MANAGE) load_demo_incidents
	@# UCDP GED history of Peru when the download answers; offline or failing, the seed stays the demo.
	@timeout $(UCDP_LOAD_SECONDS) $(MANAGE) load_ucdp || echo "load_ucdp: no UCDP history loaded this time; the seed bulletin stays the demo."
	@$(MANAGE) populate_history --auto > /dev/null  # a first history row for rows loaded before it

run: data
	@echo
	@echo "  Map:    http://127.0.0.1:$(PORT)/"
	@echo "  Admin:  http://127.0.0.1:$(PORT)/admin/"
	@echo "  Admin login: create one with  make createsuperuser"
	@echo "  Alerts: manage.py send_alerts --loop runs in the background (stops with the server)"
	@echo
	@# The alert sender as a small worker beside the server (production: a timer runs
	@# `manage.py send_alerts` every minute, or `send_alerts --loop` as a service).
	@$(MANAGE) send_alerts --loop & sender=$$!; trap 'kill $$sender 2>/dev/null' EXIT; \
	  $(MANAGE) runserver 127.0.0.1:$(PORT)

# The replica tests (tests/config/test_replica.py) read the test database on the local standby:
# `make test` starts it (make replica) and points DATABASE_REPLICA_URL at it, unless
# DATABASE_URL names another server (then give DATABASE_REPLICA_URL for one of its standbys).
test: data replica
	DATABASE_REPLICA_URL=$${DATABASE_REPLICA_URL:-$$([ -z "$$DATABASE_URL" ] && echo postgis://:$(REPLICA_PORT)/vraem)} \
	  $(PY) -m pytest

# QGIS itself as a client of /ogc/ (tests/browser/test_qgis_client.py, tools/qgis_client.py):
# Debian's qgis + python3-qgis (~1 GB, installed here when missing), run by /usr/bin/python3
# headless. Not part of `make test` (pytest.ini leaves the `clients` marker out).
test-clients: data
	@dpkg -s python3-qgis >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qgis python3-qgis; }
	$(PY) -m pytest -m clients tests/browser/test_qgis_client.py

# Production-style: gunicorn (config/setup/gunicorn.conf.py: WORKERS x THREADS), static files collected
# and served by whitenoise, DEBUG off.
# DJANGO_HTTPS=0 because this serves plain HTTP on 127.0.0.1; behind TLS leave it on.
# Periodic job: run `make clearsessions` hourly beside it (cron or a systemd timer), or expired
# sessions and unsaved-changes stashes stay in django_session.
serve: data
	DJANGO_DEBUG=0 DJANGO_ALLOWED_HOSTS=$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost} \
	  $(MANAGE) collectstatic --noinput -v 0
	DJANGO_DEBUG=0 DJANGO_HTTPS=$${DJANGO_HTTPS:-0} DJANGO_ALLOWED_HOSTS=$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost} \
	  GUNICORN_BIND=127.0.0.1:$(PORT) $(VENV)/bin/gunicorn -c config/setup/gunicorn.conf.py config.wsgi

# Backups: `make backup` writes backups/vraem-<UTC time>.dump; `make restore FILE=... DB=name`
# restores it into a new database (an existing one is never overwritten).
backup: migrate
	@mkdir -p backups
	$(MANAGE) backup_database --output backups/vraem-$$(date -u +%Y%m%dT%H%M%SZ).dump

restore: migrate
	@test -n "$(FILE)" -a -n "$(DB)" || { echo "usage: make restore FILE=backups/<file>.dump DB=<new database>"; exit 2; }
	$(MANAGE) restore_database "$(FILE)" --database "$(DB)"

# Load test (wrk, 127.0.0.1 only): 50 connections for 60 s against `make serve`'s gunicorn, with
# the page cache off (baseline), on (ours), and on with anonymous reads on the local standby
# (replica; `make replica` is run for it): PHASES="baseline ours replica" ("database" also tries
# the database cache); prints each figure beside the baseline's and the page cache's hit ratio.
# FAULT=1 restarts PostgreSQL during the last phase. Figures: docs/operations.md, docs/performance.md.
loadtest: data
	@bash config/setup/loadtest.sh

# Benchmark suite on its own database (BENCH_DB, default vraem_bench; created here, never the
# development one): boundaries, advisory zones and gazetteer loaded, BENCH_COUNT synthetic
# incidents generated once and reused. Prints each figure with its baseline; results also in
# bench-results.md (git-ignored). Figures and the machine: docs/performance.md.
BENCH_DB ?= vraem_bench
BENCH_COUNT ?= 1000000
BENCH_URL ?= postgis:///$(BENCH_DB)
bench: setup
	@DB_NAME=$(BENCH_DB) DATABASE_URL= bash config/setup/localdb.sh
	@DATABASE_URL=$(BENCH_URL) $(MANAGE) migrate --noinput -v 0
	@DATABASE_URL=$(BENCH_URL) $(MANAGE) createcachetable -v 0  # the database caches (PAGE_CACHE_BACKEND=database)
	@DATABASE_URL=$(BENCH_URL) $(MANAGE) load_boundaries --if-empty
	@DATABASE_URL=$(BENCH_URL) $(MANAGE) load_advisory_zones
	@DATABASE_URL=$(BENCH_URL) $(MANAGE) load_places
	DATABASE_URL=$(BENCH_URL) DJANGO_LOG_LEVEL=WARNING $(PY) -m tools.bench --count $(BENCH_COUNT) --output bench-results.md \
	  --bulletins $${ALERTS_DIR:-../shared/data/alerts} tests/bulletins

# Expired sessions and unsaved-changes stashes (config/unsaved_changes.py) are rows of
# django_session that nothing else deletes. Hourly, e.g. crontab:
#   17 * * * *  cd /srv/vraem && make -s clearsessions
clearsessions:
	$(MANAGE) clearsessions

createsuperuser: migrate
	$(MANAGE) createsuperuser

# A local hot standby of the local database server (a second cluster on REPLICA_PORT, streaming
# replication; config/setup/replica.sh, docs/scaling.md). Idempotent: a second run finds it
# running. Serve with it: DATABASE_REPLICA_URL=postgis://:$(REPLICA_PORT)/vraem make serve.
# `make stopreplica` stops and removes it and its replication slot (make replica makes a new one).
REPLICA_PORT ?= 5433
export REPLICA_PORT
replica: db
	@if [ -n "$$DATABASE_URL" ]; then echo "DATABASE_URL is set; not starting a local standby."; \
	else bash config/setup/replica.sh; fi

stopreplica:
	@bash config/setup/replica.sh stop

# Stop the local database server (it keeps running after make run/test; `make db` starts it).
stopdb:
	@if [ "$$(id -u)" = 0 ]; then \
	  v=$$(pg_lsclusters --no-header | awk '$$2 == "main" { print $$1; exit }'); pg_ctlcluster $$v main stop; \
	else \
	  /usr/lib/postgresql/$$(ls /usr/lib/postgresql | sort -n | tail -n 1)/bin/pg_ctl -D $(PGHOST)/data stop; \
	fi
