#!/usr/bin/env bash
# Crash safety: kills the server with SIGKILL at random moments of bulk imports and of rescoring
# runs, restarts it and checks what was kept (scripts/crash_test.py says what is checked).
#
# Usage: scripts/crash_test.sh            SQLite (a fresh data dir)
#        scripts/crash_test.sh postgres   PostgreSQL: a fresh database on CRASH_PG_URL's server
# Environment: CRASH_ROUNDS (default 10), CRASH_ENTERPRISES (seeded before the first round,
#              default 4500: two full chunks of a run and a part), CRASH_SEED,
#              CRASH_PG_URL (default postgres://postgres@127.0.0.1:5432, trust auth).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/service.sh

BACKEND="${1:-sqlite}"
log() { printf '\n== crash test (%s): %s\n' "$BACKEND" "$*"; }

FEATURES=()
[[ "$BACKEND" == postgres ]] && FEATURES=(--features postgres)
cargo build --quiet "${FEATURES[@]}"
BIN="$(realpath "${CARGO_TARGET_DIR:-target}/debug/ecredit")"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/ecredit-crash.XXXXXX")"
PG_DB="ecredit_crash_$$"
PG_SERVER="${CRASH_PG_URL:-postgres://postgres@127.0.0.1:5432}"
cleanup() {
    pkill -KILL -f -- "--data-dir $WORK/data" 2>/dev/null || true
    if [[ "$BACKEND" == postgres ]]; then
        psql "$PG_SERVER/postgres" -qc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export CRASH_BIN="$BIN" CRASH_DATA_DIR="$WORK/data" CRASH_DATABASE_URL=""
if [[ "$BACKEND" == postgres ]]; then
    psql "$PG_SERVER/postgres" -qc "CREATE DATABASE $PG_DB" >/dev/null
    CRASH_DATABASE_URL="$PG_SERVER/$PG_DB"
fi
DB_ARGS=(--data-dir "$WORK/data")
[[ -n "$CRASH_DATABASE_URL" ]] && DB_ARGS+=(--database-url "$CRASH_DATABASE_URL")

log "seeding ${CRASH_ENTERPRISES:-4500} enterprises"
"$BIN" "${DB_ARGS[@]}" demo seed --enterprises "${CRASH_ENTERPRISES:-4500}" --seed 7 >/dev/null 2>&1
CRASH_ADMIN_PASSWORD="crash-$(python3 -c 'import secrets; print(secrets.token_urlsafe(18))')"
CRASH_PORT="$(free_port)"
export CRASH_ADMIN_PASSWORD CRASH_PORT

log "${CRASH_ROUNDS:-10} rounds on 127.0.0.1:$CRASH_PORT"
status=0
python3 scripts/crash_test.py || status=$?
if [[ $status -ne 0 ]]; then
    tail -n 30 "$WORK/server.log" >&2 || true
    echo "crash test ($BACKEND): 0 passed, 1 failed"
else
    echo "crash test ($BACKEND): 1 passed, 0 failed"
fi
exit $status
