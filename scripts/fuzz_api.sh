#!/usr/bin/env bash
# Fuzz the live service from its own OpenAPI document with schemathesis.
#
# Starts `ecredit serve --demo` on a free loopback port with a fresh SQLite data dir, signs in as
# every role (admin, regulator, bank, enterprise owner), has the enterprise authorise the bank,
# then runs schemathesis over every operation of /api/v1/openapi.json once anonymously and once
# per role token, with every check schemathesis has (no 5xx, documented status codes, content
# types, headers and bodies, schema-valid requests accepted and invalid ones refused, Allow on
# 405, ...), but for the rules JSON Schema cannot state (scripts/schemathesis.toml). Bounded and reproducible: a fixed number of examples per operation and a
# fixed seed. Exits non-zero on any failure; the server and the data dir go away at the end.
#
# Usage: scripts/fuzz_api.sh [sqlite|postgres]   (from anywhere; builds the debug binary if needed)
# Environment: FUZZ_MAX_EXAMPLES (default 10), FUZZ_SEED (default 20261201),
#              FUZZ_VENV (default .venv-fuzz), FUZZ_REPORT_DIR (keep the NDJSON reports there),
#              FUZZ_PG_URL (postgres://postgres@127.0.0.1:5432; a fresh database is made there
#              and dropped after).
set -euo pipefail
cd "$(dirname "$0")/.."

BACKEND="${1:-sqlite}"
case "$BACKEND" in
sqlite) FEATURES=() ;;
postgres) FEATURES=(--features postgres) ;;
*) echo "fuzz: the backend is sqlite (default) or postgres" >&2; exit 2 ;;
esac
PG_SERVER="${FUZZ_PG_URL:-postgres://postgres@127.0.0.1:5432}"
PG_DB="ecredit_fuzz_$$"

SCHEMATHESIS_VERSION=4.32.5
MAX_EXAMPLES="${FUZZ_MAX_EXAMPLES:-10}"
SEED="${FUZZ_SEED:-20261201}"
VENV="$(realpath -m "${FUZZ_VENV:-.venv-fuzz}")"
# Every check (schemathesis' default); the few rules JSON Schema cannot state turn one check off
# on the operations that have them (scripts/schemathesis.toml, docs/hardening.md). A --checks
# option would override those exclusions, so only FUZZ_CHECKS (for a narrower run) passes one.
CHECK_ARGS=()
[[ -n "${FUZZ_CHECKS:-}" ]] && CHECK_ARGS=(--checks "$FUZZ_CHECKS")
CONFIG="$(realpath scripts/schemathesis.toml)"

log() { printf '\n== fuzz: %s\n' "$*"; }
# shellcheck source=scripts/service.sh
source scripts/service.sh

# --- schemathesis, pinned, in its own virtual environment
if ! "$VENV/bin/schemathesis" --version 2>/dev/null | grep -qF "$SCHEMATHESIS_VERSION"; then
    log "installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        "schemathesis==$SCHEMATHESIS_VERSION"
fi
ST="$VENV/bin/schemathesis"

# --- the service
log "building ecredit"
cargo build --quiet --bin ecredit "${FEATURES[@]}"
BIN="${CARGO_TARGET_DIR:-target}/debug/ecredit"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/ecredit-fuzz.XXXXXX")"
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

PORT="$(free_port)"
BASE="http://127.0.0.1:$PORT"
ADMIN_PASSWORD="fuzz-$(python3 -c 'import secrets; print(secrets.token_urlsafe(18))')"

URL="sqlite://$WORK/data/ecredit.db"
if [[ "$BACKEND" == postgres ]]; then
    psql "$PG_SERVER/postgres" -qc "CREATE DATABASE $PG_DB" >/dev/null
    URL="$PG_SERVER/$PG_DB"
fi

log "starting ecredit serve --demo on $BASE ($URL)"
ECREDIT_ADMIN_PASSWORD="$ADMIN_PASSWORD" ECREDIT_LOG_FORMAT=text RUST_LOG="${RUST_LOG:-warn}" \
    "$BIN" --data-dir "$WORK/data" --database-url "$URL" serve --demo --bind "127.0.0.1:$PORT" --workers 2 \
    >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
wait_for_service "$BASE/health" "$SERVER_PID" "$WORK/server.log" fuzz
curl -sf "$BASE/ready" >/dev/null

# The demo prints each account's password once: "  demo-bank  bank  PASSWORD  Demo Bank".
password_of() {
    awk -v user="$1" '$1 == user { print $3; exit }' "$WORK/server.log"
}
token_of() {
    local body
    body="$(python3 -c 'import json, sys; print(json.dumps({"username": sys.argv[1], "password": sys.argv[2]}))' "$1" "$2")"
    curl -sf -X POST "$BASE/api/v1/auth/token" -H 'Content-Type: application/json' -d "$body" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])'
}

# Tokens first (they last an hour): fuzzing POST /auth/token afterwards may throttle sign-ins.
log "signing in as every role"
declare -A TOKENS
TOKENS[admin]="$(token_of admin "$ADMIN_PASSWORD")"
for user in demo-regulator demo-bank demo-enterprise-1; do
    pw="$(password_of "$user")"
    [[ -n "$pw" ]] || { cat "$WORK/server.log" >&2; echo "fuzz: no password for $user" >&2; exit 1; }
    TOKENS[$user]="$(token_of "$user" "$pw")"
done

# The enterprise authorises the bank, so the bank's run is that of a bank "with authorisation".
CODE="$(curl -sf "$BASE/api/v1/me" -H "Authorization: Bearer ${TOKENS[demo-enterprise-1]}" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["enterprise"])')"
BANK_ID="$(curl -sf "$BASE/api/v1/banks" -H "Authorization: Bearer ${TOKENS[demo-enterprise-1]}" |
    python3 -c 'import json, sys; print(next(b["id"] for b in json.load(sys.stdin) if b["name"] == "Demo Bank"))')"
EXPIRES="$(date -u -d '+180 days' +%F)"
curl -sf -X POST "$BASE/api/v1/enterprises/$CODE/authorizations" \
    -H "Authorization: Bearer ${TOKENS[demo-enterprise-1]}" -H 'Content-Type: application/json' \
    -d "{\"bank_organisation_id\": $BANK_ID, \"purpose\": \"loan_application\", \"expires_on\": \"$EXPIRES\"}" \
    >/dev/null
curl -sf -X POST "$BASE/api/v1/enterprises/$CODE/reports" \
    -H "Authorization: Bearer ${TOKENS[demo-bank]}" >/dev/null

# --- schemathesis, once per caller
FAILED=()
run_as() {
    local who="$1"
    shift
    log "schemathesis as $who (max $MAX_EXAMPLES examples per operation, seed $SEED)"
    local report=()
    if [[ -n "${FUZZ_REPORT_DIR:-}" ]]; then
        mkdir -p "$FUZZ_REPORT_DIR"
        report=(--report ndjson --report-ndjson-path "$(realpath -m "$FUZZ_REPORT_DIR")/$who.ndjson")
    fi
    # From the temporary dir, so schemathesis' and hypothesis' caches go away with it.
    if ! (cd "$WORK" && "$ST" --config-file "$CONFIG" run "$BASE/api/v1/openapi.json" --url "$BASE" \
        "${CHECK_ARGS[@]}" \
        --phases examples,coverage,fuzzing \
        --max-examples "$MAX_EXAMPLES" --seed "$SEED" --workers 2 \
        --request-timeout 30 --no-color --warnings off --generation-database none \
        "${report[@]}" "$@"); then
        FAILED+=("$who")
    fi
}

START=$SECONDS
run_as anonymous
run_as admin -H "Authorization: Bearer ${TOKENS[admin]}"
run_as regulator -H "Authorization: Bearer ${TOKENS[demo-regulator]}"
run_as bank -H "Authorization: Bearer ${TOKENS[demo-bank]}"
run_as enterprise -H "Authorization: Bearer ${TOKENS[demo-enterprise-1]}"

if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    tail -n 50 "$WORK/server.log" >&2
    echo "fuzz: the service died during the run" >&2
    exit 1
fi

log "done in $((SECONDS - START)) s"
if ((${#FAILED[@]})); then
    echo "fuzz: schemathesis found failures as: ${FAILED[*]}" >&2
    exit 1
fi
echo "fuzz: no failures on $BACKEND (anonymous, admin, regulator, bank, enterprise)"
