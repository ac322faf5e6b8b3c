#!/usr/bin/env bash
# Browser tests of the web console: Debian's chromium driven by Playwright (from PyPI, pointed at
# the system browser: no browser is downloaded), axe-core (from npm) on every page, screenshots
# of every page in zh-CN and English.
#
# Installs what is missing: the apt packages chromium and fonts-noto-cjk, a virtual environment
# with the pinned Playwright (BROWSER_VENV, default .ci/.venv-browser), axe-core from
# tests/browser/package-lock.json (npm ci). Then starts `ecredit serve --demo` on a free port with
# a fresh data directory and runs tests/browser/test_console.py against it.
#
# Usage: scripts/browser_test.sh
# Environment: SCREENSHOTS (default target/screenshots), BROWSER_VENV.
set -euo pipefail
cd "$(dirname "$0")/.."

PLAYWRIGHT_VERSION=1.65.3
VENV="$(realpath -m "${BROWSER_VENV:-.ci/.venv-browser}")"
SHOTS="$(realpath -m "${SCREENSHOTS:-target/screenshots}")"

log() { printf '\n== browser tests: %s\n' "$*"; }
# shellcheck source=scripts/service.sh
source scripts/service.sh

missing=()
for pkg in chromium fonts-noto-cjk; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! "$VENV/bin/python" -c "import playwright, importlib.metadata as m; assert m.version('playwright') == '$PLAYWRIGHT_VERSION'" 2>/dev/null; then
    log "installing playwright $PLAYWRIGHT_VERSION into $VENV (the Python package only: it drives /usr/bin/chromium)"
    python3 -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "playwright==$PLAYWRIGHT_VERSION"
fi

if [[ ! -f tests/browser/node_modules/axe-core/axe.min.js ]]; then
    log "installing axe-core (npm ci in tests/browser)"
    (cd tests/browser && npm ci --no-audit --no-fund --silent)
fi

log "building ecredit"
cargo build --quiet --bin ecredit
BIN="$(realpath "${CARGO_TARGET_DIR:-target}/debug/ecredit")"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/ecredit-browser.XXXXXX")"
SERVER_PID=""
cleanup() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT="$(free_port)"
BASE="http://127.0.0.1:$PORT"
ADMIN_PASSWORD="browser-$(python3 -c 'import secrets; print(secrets.token_urlsafe(18))')"
# A models directory of its own: the challengers trained below must not land in models/.
mkdir -p "$WORK/models"
cp models/ACTIVE "models/$(cat models/ACTIVE).json" "$WORK/models/"
log "starting ecredit serve --demo on $BASE"
ECREDIT_ADMIN_PASSWORD="$ADMIN_PASSWORD" RUST_LOG="${RUST_LOG:-warn}" \
    "$BIN" --data-dir "$WORK/data" --models-dir "$WORK/models" serve --demo --bind "127.0.0.1:$PORT" --workers 2 \
    >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
wait_for_service "$BASE/health" "$SERVER_PID" "$WORK/server.log" "browser tests"
# The demo accounts' passwords are printed once, in the table of the start.
DEMO_PASSWORD="$(awk '$1 == "demo-regulator" { print $3 }' "$WORK/server.log")"
ENTERPRISE_PASSWORD="$(awk '$1 == "demo-enterprise-2" { print $3 }' "$WORK/server.log")"
BANK_PASSWORD="$(awk '$1 == "demo-bank" { print $3 }' "$WORK/server.log")"
[[ -n "$DEMO_PASSWORD" && -n "$ENTERPRISE_PASSWORD" && -n "$BANK_PASSWORD" ]] || { cat "$WORK/server.log" >&2; echo "browser tests: no demo accounts" >&2; exit 1; }

# Two challengers trained on the demo registry, registered beside the committed model: the tests
# compare and activate the first from the pages, and photograph the second's comparison.
challengers=()
for seed in 7 8; do
    challengers+=("$("$BIN" --data-dir "$WORK/data" --models-dir "$WORK/models" model train --from-db --seed "$seed" 2>/dev/null \
        | python3 -c 'import json, sys; print(json.load(sys.stdin)["version"])')")
done
"$BIN" --data-dir "$WORK/data" --models-dir "$WORK/models" model list >/dev/null

rm -rf "$SHOTS"
log "running tests/browser/test_console.py (screenshots: $SHOTS)"
ECREDIT_URL="$BASE" ECREDIT_ADMIN_PASSWORD="$ADMIN_PASSWORD" \
    DEMO_USER=demo-regulator DEMO_PASSWORD="$DEMO_PASSWORD" \
    DEMO_ENTERPRISE_USER=demo-enterprise-2 DEMO_ENTERPRISE_PASSWORD="$ENTERPRISE_PASSWORD" \
    DEMO_BANK_USER=demo-bank DEMO_BANK_PASSWORD="$BANK_PASSWORD" \
    AXE_JS="$(realpath tests/browser/node_modules/axe-core/axe.min.js)" SCREENSHOTS="$SHOTS" \
    CHALLENGER="${challengers[0]}" SECOND_CHALLENGER="${challengers[1]}" \
    CHROMIUM=/usr/bin/chromium \
    timeout 300 "$VENV/bin/python" tests/browser/test_console.py
log "screenshots of every page, in zh-CN and en: $SHOTS"
