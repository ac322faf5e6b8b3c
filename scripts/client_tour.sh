#!/usr/bin/env bash
# The README tour through a typed client generated from the committed OpenAPI document.
#
# Generates a Python client from openapi/openapi.json with openapi-python-client (pinned, in its
# own virtual environment), refusing any generator warning, then starts `ecredit serve` on a
# fresh database and runs scripts/client_tour.py against it: sign in, register, record, correct
# with a reason, score, report, verify the report as the client writes it back.
#
# Usage: scripts/client_tour.sh [sqlite|postgres]
# Environment: CLIENT_VENV (default .venv-client), TOUR_PG_URL (postgres://postgres@127.0.0.1:5432;
#              a fresh database is made there and dropped after).
set -euo pipefail
cd "$(dirname "$0")/.."

GENERATOR_VERSION=0.29.1
BACKEND="${1:-sqlite}"
case "$BACKEND" in
sqlite) FEATURES=() ;;
postgres) FEATURES=(--features postgres) ;;
*) echo "client tour: the backend is sqlite (default) or postgres" >&2; exit 2 ;;
esac
VENV="$(realpath -m "${CLIENT_VENV:-.venv-client}")"
PG_SERVER="${TOUR_PG_URL:-postgres://postgres@127.0.0.1:5432}"
PG_DB="ecredit_tour_$$"

log() { printf '\n== client tour: %s\n' "$*"; }
# shellcheck source=scripts/service.sh
source scripts/service.sh

if ! "$VENV/bin/openapi-python-client" --version 2>/dev/null | grep -qF "$GENERATOR_VERSION"; then
    log "installing openapi-python-client $GENERATOR_VERSION into $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        "openapi-python-client==$GENERATOR_VERSION"
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/ecredit-tour.XXXXXX")"
SERVER_PID=""
cleanup() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
    if [[ "$BACKEND" == postgres ]]; then
        psql "$PG_SERVER/postgres" -qc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "generating the client from openapi/openapi.json"
# No post hooks: they would run formatters the machine may not have (and warn about it).
printf 'post_hooks: []\n' >"$WORK/generator.yml"
(cd "$WORK" && "$VENV/bin/openapi-python-client" generate --path "$OLDPWD/openapi/openapi.json" \
    --meta none --output-path ecredit_client --config generator.yml) >"$WORK/generate.log" 2>&1 ||
    { cat "$WORK/generate.log" >&2; echo "client tour: the generator failed" >&2; exit 1; }
if grep -qi "warning" "$WORK/generate.log"; then
    cat "$WORK/generate.log" >&2
    echo "client tour: the generator warned about the document" >&2
    exit 1
fi
# The generated client needs httpx and attrs, which the generator's environment has.

log "building ecredit ($BACKEND)"
cargo build --quiet --bin ecredit "${FEATURES[@]}"
BIN="$(realpath "${CARGO_TARGET_DIR:-target}/debug/ecredit")"
URL="sqlite://$WORK/data/ecredit.db"
if [[ "$BACKEND" == postgres ]]; then
    psql "$PG_SERVER/postgres" -qc "CREATE DATABASE $PG_DB" >/dev/null
    URL="$PG_SERVER/$PG_DB"
fi

PORT="$(free_port)"
BASE="http://127.0.0.1:$PORT"
ADMIN_PASSWORD="tour-$(python3 -c 'import secrets; print(secrets.token_urlsafe(18))')"
log "starting ecredit serve on $BASE ($URL)"
ECREDIT_ADMIN_PASSWORD="$ADMIN_PASSWORD" RUST_LOG="${RUST_LOG:-warn}" \
    "$BIN" --data-dir "$WORK/data" --database-url "$URL" serve --bind "127.0.0.1:$PORT" --workers 2 \
    >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
wait_for_service "$BASE/health" "$SERVER_PID" "$WORK/server.log" "client tour"

PYTHONPATH="$WORK" "$VENV/bin/python" scripts/client_tour.py "$BASE" "$ADMIN_PASSWORD"
log "done on $BACKEND"
