#!/usr/bin/env bash
# A whole multi-server Newsroom on one machine: `make cluster` / `make cluster-stop`.
#
#   readers ─► Varnish :8100 ─┬─► gunicorn app1 :8101 ─┬─► PostgreSQL primary :5441 ──► replica :5442
#              (purged by tag)└─► gunicorn app2 :8102 ─┘   (streaming replication)
#                                        └──────────────► Redis :6379/5 (page cache, generation)
#
# Public reads go to the replica, the desk and every write to the primary (newsroom/dbrouters.py).
# Both PostgreSQL clusters are made here (initdb, then pg_basebackup for the replica) under
# CLUSTER_DIR, so the machine's own PostgreSQL is left alone. Needs PostgreSQL's server binaries,
# varnish and varnish-modules (apt), and Redis on 127.0.0.1:6379.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
STATE="${CLUSTER_DIR:-/var/tmp/newsroom-cluster}"
PY="${PY:-$ROOT/.venv/bin/python}"
PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
PRIMARY_PORT="${CLUSTER_PRIMARY_PORT:-5441}"
REPLICA_PORT="${CLUSTER_REPLICA_PORT:-5442}"
VARNISH_PORT="${CLUSTER_VARNISH_PORT:-8100}"
APP_PORTS=("${CLUSTER_APP1_PORT:-8101}" "${CLUSTER_APP2_PORT:-8102}")
DB="${CLUSTER_DB:-newsroom}"
REDIS_URL="${CLUSTER_REDIS_URL:-redis://127.0.0.1:6379/5}"

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

app_env() {
  local name="$1"
  cat <<EOF
DEBUG=0
SECRET_KEY=$(cat "$STATE/secret")
ALLOWED_HOSTS=127.0.0.1,localhost
CSRF_TRUSTED_ORIGINS=http://127.0.0.1:$VARNISH_PORT,http://localhost:$VARNISH_PORT
SECURE_SSL_REDIRECT=0
SESSION_COOKIE_SECURE=0
SECURE_HSTS_SECONDS=0
DATABASE_URL=postgres://postgres@127.0.0.1:$PRIMARY_PORT/$DB
REPLICA_DATABASE_URL=postgres://postgres@127.0.0.1:$REPLICA_PORT/$DB
CACHE_URL=$REDIS_URL
PAGE_CACHE_ENABLED=1
PAGE_CACHE_MICRO_SECONDS=${CLUSTER_PAGE_CACHE_MICRO_SECONDS:-0.5}
FRONTEND_CACHE_BACKEND=varnish
FRONTEND_CACHE_VARNISH_URLS=http://127.0.0.1:$VARNISH_PORT
NEWSROOM_BASE_URL=http://127.0.0.1:$VARNISH_PORT
STATIC_ROOT=$STATE/static
LOG_FORMAT=json
METRICS_TOKEN=$(cat "$STATE/metrics-token")
EOF
  # An app server: every worker's metrics added up, and its log in a file of its own.
  if [ "$name" != manage ]; then
    cat <<EOF
PROMETHEUS_MULTIPROC_DIR=$STATE/metrics/$name
GUNICORN_WORKERS=2
GUNICORN_ACCESSLOG=
GUNICORN_ERRORLOG=$STATE/$name.log
EOF
  fi
}

manage() {
  (cd "$ROOT" && env $(app_env manage) ${DEBUG:+DEBUG=$DEBUG} "$PY" manage.py "$@")
}

start_postgres() {
  mkdir -p "$STATE/pg"
  [ "$(id -u)" = 0 ] && chown postgres "$STATE/pg"
  if [ ! -d "$STATE/pg/primary" ]; then
    as_postgres "$PGBIN/initdb" -D "$STATE/pg/primary" -U postgres --auth=trust >/dev/null
    cat >>"$STATE/pg/primary/postgresql.conf" <<EOF
port = $PRIMARY_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$STATE/pg'
wal_level = replica
max_wal_senders = 5
EOF
    echo "host replication all 127.0.0.1/32 trust" >>"$STATE/pg/primary/pg_hba.conf"
  fi
  as_postgres "$PGBIN/pg_ctl" -D "$STATE/pg/primary" -l "$STATE/pg/primary.log" -w status >/dev/null 2>&1 ||
    as_postgres "$PGBIN/pg_ctl" -D "$STATE/pg/primary" -l "$STATE/pg/primary.log" -w start >/dev/null
  if ! as_postgres psql -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
    as_postgres createdb -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres "$DB"
  fi
}

start_replica() {
  if [ ! -d "$STATE/pg/replica" ]; then
    as_postgres pg_basebackup -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$STATE/pg/replica" -R -X stream
    echo "port = $REPLICA_PORT" >>"$STATE/pg/replica/postgresql.auto.conf"
  fi
  as_postgres "$PGBIN/pg_ctl" -D "$STATE/pg/replica" -l "$STATE/pg/replica.log" -w status >/dev/null 2>&1 ||
    as_postgres "$PGBIN/pg_ctl" -D "$STATE/pg/replica" -l "$STATE/pg/replica.log" -w start >/dev/null
}

start_apps() {
  local i=0
  for port in "${APP_PORTS[@]}"; do
    i=$((i + 1))
    local name="app$i"
    [ -f "$STATE/$name.pid" ] && kill -0 "$(cat "$STATE/$name.pid")" 2>/dev/null && continue
    mkdir -p "$STATE/metrics/$name"
    (cd "$ROOT" && env $(app_env "$name") GUNICORN_BIND="127.0.0.1:$port" \
      "$(dirname "$PY")/gunicorn" -c gunicorn.conf.py --daemon --capture-output \
      --pid "$STATE/$name.pid")
  done
}

start_varnish() {
  [ -f "$STATE/varnish.pid" ] && kill -0 "$(cat "$STATE/varnish.pid")" 2>/dev/null && return
  local backends="" adds=""
  local i=0
  for port in "${APP_PORTS[@]}"; do
    i=$((i + 1))
    backends+="backend app$i { .host = \"127.0.0.1\"; .port = \"$port\"; .probe = { .url = \"/readyz\"; .interval = 2s; .timeout = 1s; .window = 3; .threshold = 2; } }"$'\n'
    adds+="    apps.add_backend(app$i);"$'\n'
  done
  # The repository's VCL, with this cluster's app servers in place of its one example backend.
  awk -v backends="$backends" -v adds="$adds" '
    /^backend app1 / { printf "%s", backends; next }
    /apps.add_backend\(app1\);/ { printf "%s", adds; next }
    { print }
  ' "$ROOT/deploy/varnish/default.vcl" >"$STATE/default.vcl"
  chmod 755 "$STATE"
  varnishd -f "$STATE/default.vcl" -a "127.0.0.1:$VARNISH_PORT" -n "$STATE/varnish" \
    -s malloc,128m -P "$STATE/varnish.pid"
}

wait_ready() {
  for port in "${APP_PORTS[@]}" "$VARNISH_PORT"; do
    for _ in $(seq 1 60); do
      curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
      sleep 0.5
    done
    curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null || { echo "127.0.0.1:$port is not ready" >&2; exit 1; }
  done
}

start() {
  mkdir -p "$STATE"
  [ -f "$STATE/secret" ] || "$PY" -c 'import secrets; print(secrets.token_urlsafe(50))' >"$STATE/secret"
  [ -f "$STATE/metrics-token" ] || "$PY" -c 'import secrets; print(secrets.token_urlsafe(24))' >"$STATE/metrics-token"
  start_postgres
  start_replica
  # Varnish first, so that the demo's publishing purges reach it (it finds the apps later).
  start_varnish
  manage migrate --noinput -v0
  # The demo seeder refuses production settings (DEBUG off): this is a demo cluster, say so.
  [ -n "${CLUSTER_NO_DEMO:-}" ] || DEBUG=1 manage seed_demo --base-url "http://127.0.0.1:$VARNISH_PORT" >/dev/null
  manage collectstatic --noinput -v0
  start_apps
  wait_ready
  cat <<EOF
Newsroom cluster is up (state in $STATE):
  readers, through Varnish   http://127.0.0.1:$VARNISH_PORT/
  desk (passes Varnish)      http://127.0.0.1:$VARNISH_PORT/admin/   (demo logins: var/demo-logins.txt)
  app servers                http://127.0.0.1:${APP_PORTS[0]}/  http://127.0.0.1:${APP_PORTS[1]}/   (/healthz, /readyz)
  metrics                    curl -H "Authorization: Bearer \$(cat $STATE/metrics-token)" http://127.0.0.1:${APP_PORTS[0]}/metrics
  PostgreSQL                 primary 127.0.0.1:$PRIMARY_PORT, replica 127.0.0.1:$REPLICA_PORT (database $DB)
  logs (JSON)                $STATE/app1.log $STATE/app2.log
Stop it with: make cluster-stop
EOF
}

stop() {
  for name in varnish app1 app2; do
    if [ -f "$STATE/$name.pid" ]; then
      kill "$(cat "$STATE/$name.pid")" 2>/dev/null || true
      rm -f "$STATE/$name.pid"
    fi
  done
  for node in replica primary; do
    [ -d "$STATE/pg/$node" ] && as_postgres "$PGBIN/pg_ctl" -D "$STATE/pg/$node" -w stop -m fast >/dev/null 2>&1 || true
  done
  echo "Newsroom cluster stopped (its data stays in $STATE; remove it to start afresh)."
}

env_for() {
  app_env "${1:-app1}"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  env) env_for "${2:-app1}" ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
