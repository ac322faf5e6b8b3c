#!/usr/bin/env bash
# PostgreSQL stopped and restarted under traffic (docs/hardening.md, "Database faults").
#
# Starts a PRIVATE PostgreSQL cluster (initdb into a temporary directory, a free loopback port),
# so the shared server on 5432 that other tests use is never touched; runs `ecredit serve` on it
# (postgres feature, debug build); scripts/pg_outage.py drives writes from several threads,
# stops the cluster (`pg_ctl stop -m fast`), waits, starts it again, and checks fast 503s,
# recovery without a restart of the service, and that no acknowledged write is lost.
#
# Usage: scripts/pg_outage.sh
# Environment: OUTAGE_WRITERS (4), OUTAGE_BEFORE_SECONDS (3), OUTAGE_DOWN_SECONDS (8),
#              OUTAGE_AFTER_SECONDS (5), OUTAGE_MAX_FAIL_SECONDS (7), OUTAGE_MAX_RECOVERY_SECONDS (10).
# Called by this script itself as `scripts/pg_outage.sh stop|start` (with OUTAGE_PGDATA set).
set -euo pipefail
cd "$(dirname "$0")/.."

PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)"
as_postgres() { runuser -u postgres -- "$@"; }

# --- control callbacks for pg_outage.py
if [[ "${1:-}" == "stop" ]]; then
    as_postgres "$PG_BIN/pg_ctl" -D "$OUTAGE_PGDATA" stop -m fast -w >/dev/null
    exit 0
elif [[ "${1:-}" == "start" ]]; then
    as_postgres "$PG_BIN/pg_ctl" -D "$OUTAGE_PGDATA" start -w -l "$OUTAGE_PGDATA/../pg.log" >/dev/null
    exit 0
fi

log() { printf '\n== pg outage: %s\n' "$*"; }
# shellcheck source=scripts/service.sh
source scripts/service.sh

cargo build --quiet --features postgres
BIN="$(realpath "${CARGO_TARGET_DIR:-target}/debug/ecredit")"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/ecredit-pg-outage.XXXXXX")"
chmod 755 "$WORK"
SERVER_PID=""
cleanup() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [[ -f "$WORK/pgdata/postmaster.pid" ]]; then
        as_postgres "$PG_BIN/pg_ctl" -D "$WORK/pgdata" stop -m immediate -w >/dev/null 2>&1 || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PG_PORT="$(free_port)"
mkdir -p "$WORK/pgdata" "$WORK/socket"
chown postgres "$WORK/pgdata" "$WORK/socket"
chown postgres "$WORK"

log "private cluster on 127.0.0.1:$PG_PORT ($WORK/pgdata)"
as_postgres "$PG_BIN/initdb" -D "$WORK/pgdata" -A trust -U postgres >/dev/null
cat >>"$WORK/pgdata/postgresql.conf" <<EOF
port = $PG_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$WORK/socket'
EOF
export OUTAGE_PGDATA="$WORK/pgdata"
"$0" start
as_postgres "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres ecredit

PORT="$(free_port)"
export OUTAGE_BASE_URL="http://127.0.0.1:$PORT"
export ECREDIT_ADMIN_PASSWORD="outage-$(python3 -c 'import secrets; print(secrets.token_urlsafe(18))')"
log "starting ecredit serve on $OUTAGE_BASE_URL"
ECREDIT_LOG_FORMAT=text RUST_LOG="${RUST_LOG:-warn}" \
    "$BIN" --data-dir "$WORK/data" --database-url "postgres://postgres@127.0.0.1:$PG_PORT/ecredit" \
    serve --bind "127.0.0.1:$PORT" --workers 2 --pool-size 8 >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
wait_for_service "$OUTAGE_BASE_URL/ready" "$SERVER_PID" "$WORK/server.log" "pg outage"

export OUTAGE_CONTROL="$(realpath "$0")"
status=0
python3 scripts/pg_outage.py || status=$?
if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "FAIL: the service died during the outage" >&2
    status=1
fi
if [[ $status -ne 0 ]]; then
    tail -n 40 "$WORK/server.log" >&2
fi
exit $status
