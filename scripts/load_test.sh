#!/usr/bin/env bash
# Load test (docs/hardening.md, "Load"): the service on a registry of N enterprises under the
# mix of anonymous grade lookups, regulator queries and report creation, with wrk.
#
# Seeds N synthetic enterprises into a fresh SQLite data dir, grades them with the committed
# model, adds a regulator, starts `ecredit serve` on a free loopback port, signs in once, then:
#   1. peak of the trivial endpoint (GET /health, the ceiling) and of the anonymous grade lookup
#      (GET /api/v1/enterprises/{code}/score, random codes), each for LOAD_PEAK_SECONDS;
#   2. peak of the mix (scripts/load_mix.lua: 90 % lookups, 9 % regulator queries, 1 % reports);
#   3. the mix paced to LOAD_RATE_PERCENT (80) % of that peak for LOAD_SECONDS, sampling the
#      server's RSS from /proc every LOAD_RSS_INTERVAL seconds.
# Fails (exit 1) on any non-2xx answer or socket error in any phase, when the paced run holds
# less than 90 % of its target rate, or when memory grows: the largest RssAnon (the process's own
# memory, without the memory-mapped database file, whose resident pages come and go with the
# kernel's page cache) of the last third of the paced run above the largest of its first third
# by more than LOAD_RSS_TOLERANCE (10) %. VmRSS and RssFile are reported beside it.
#
# Usage: scripts/load_test.sh                     (full size: 100k enterprises, 10 minutes)
#        scripts/load_test.sh postgres            (the same on a fresh database on LOAD_PG_URL's server)
#        LOAD_ENTERPRISES=2000 LOAD_PEAK_SECONDS=5 LOAD_SECONDS=20 LOAD_PROFILE=debug scripts/load_test.sh
# Environment: LOAD_ENTERPRISES (100000), LOAD_SECONDS (600), LOAD_PEAK_SECONDS (30),
#   LOAD_RATE_PERCENT (80), LOAD_MIX ("90,9,1": lookup,query,report weights),
#   LOAD_PEAK_THREADS (2) and LOAD_PEAK_CONNECTIONS (64) for the two single-endpoint peaks,
#   LOAD_MIX_CONNECTIONS (32, one wrk thread each) for the mix, LOAD_WORKERS (server workers,
#   default one per core), LOAD_PROFILE (release | debug: debug is for CI, its speed means
#   nothing), LOAD_RSS_INTERVAL (5), LOAD_RSS_TOLERANCE (10), LOAD_OUT (keep results there),
#   LOAD_PG_URL (postgres://postgres@127.0.0.1:5432, trust auth; the database is dropped after).
set -euo pipefail
cd "$(dirname "$0")/.."

BACKEND="${1:-sqlite}"
case "$BACKEND" in
sqlite) FEATURES=() ;;
postgres) FEATURES=(--features postgres) ;;
*) echo "load: the backend is sqlite (default) or postgres" >&2; exit 2 ;;
esac
PG_SERVER="${LOAD_PG_URL:-postgres://postgres@127.0.0.1:5432}"
PG_DB="ecredit_load_$$"

ENTERPRISES="${LOAD_ENTERPRISES:-100000}"
SECONDS_MIX="${LOAD_SECONDS:-600}"
PEAK_SECONDS="${LOAD_PEAK_SECONDS:-30}"
RATE_PERCENT="${LOAD_RATE_PERCENT:-80}"
MIX="${LOAD_MIX:-90,9,1}"
PEAK_THREADS="${LOAD_PEAK_THREADS:-2}"
PEAK_CONNECTIONS="${LOAD_PEAK_CONNECTIONS:-64}"
MIX_CONNECTIONS="${LOAD_MIX_CONNECTIONS:-32}"
PROFILE="${LOAD_PROFILE:-release}"
RSS_INTERVAL="${LOAD_RSS_INTERVAL:-5}"
RSS_TOLERANCE="${LOAD_RSS_TOLERANCE:-10}"
AS_OF=2026-10-31

log() { printf '\n== load: %s\n' "$*"; }
# shellcheck source=scripts/service.sh
source scripts/service.sh

# --- wrk, from Debian
if ! command -v wrk >/dev/null 2>&1; then
    log "installing wrk"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk
fi

# --- the binary
case "$PROFILE" in
release)
    log "building ecredit (release)"
    cargo build --release --quiet --bin ecredit "${FEATURES[@]}"
    ;;
debug)
    log "building ecredit (debug: figures are for the checks, not for speed)"
    cargo build --quiet --bin ecredit "${FEATURES[@]}"
    ;;
*) echo "load: LOAD_PROFILE must be release or debug" >&2; exit 2 ;;
esac
BIN="$(realpath "${CARGO_TARGET_DIR:-target}/$PROFILE/ecredit")"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/ecredit-load.XXXXXX")"
SERVER_PID=""
SAMPLER_PID=""
cleanup() {
    if [[ -n "$SAMPLER_PID" ]]; then kill "$SAMPLER_PID" 2>/dev/null || true; fi
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [[ -n "${LOAD_OUT:-}" ]]; then
        mkdir -p "$LOAD_OUT"
        cp "$WORK"/*.json "$WORK"/*.log "$WORK"/rss.tsv "$LOAD_OUT"/ 2>/dev/null || true
    fi
    rm -rf "$WORK"
    if [[ "$BACKEND" == postgres ]]; then
        psql "$PG_SERVER/postgres" -qc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

URL="sqlite://$WORK/data/ecredit.db"
if [[ "$BACKEND" == postgres ]]; then
    psql "$PG_SERVER/postgres" -qc "CREATE DATABASE $PG_DB" >/dev/null
    URL="$PG_SERVER/$PG_DB"
fi
# sql QUERY: one query's rows on the backend under test, a line each (psql or Python's sqlite3).
sql() {
    if [[ "$BACKEND" == postgres ]]; then
        psql "$URL" -Atqc "$1"
    else
        python3 -c 'import sqlite3, sys
for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]): print("|".join(map(str, row)))' \
            "$WORK/data/ecredit.db" "$1"
    fi
}
ecredit=("$BIN" --data-dir "$WORK/data" --models-dir models --database-url "$URL")

# --- the registry
log "seeding $ENTERPRISES enterprises ($PROFILE build, $URL)"
start=$SECONDS
"${ecredit[@]}" demo seed --enterprises "$ENTERPRISES" --seed 1 --as-of "$AS_OF" >"$WORK/seed.log"
"${ecredit[@]}" model activate "$(cat models/ACTIVE)" >/dev/null
log "grading them ($((SECONDS - start)) s so far)"
"${ecredit[@]}" score --all --as-of "$AS_OF" >"$WORK/score.log"
SETUP_SECONDS=$((SECONDS - start))

REGULATOR_PASSWORD="load-$(python3 -c 'import secrets; print(secrets.token_urlsafe(18))')"
printf '%s\n' "$REGULATOR_PASSWORD" |
    "${ecredit[@]}" user add --username load-regulator --role regulator \
        --organisation "Load Test Regulator" --password-stdin >/dev/null

# Codes to look up, and the cities that have enterprises (for the regulators' list filters).
sql "SELECT code FROM enterprises ORDER BY code" >"$WORK/codes.txt"
sql "SELECT DISTINCT substr(region_code, 1, 4) || '00' FROM enterprises ORDER BY 1" >"$WORK/regions.txt"
echo "$(wc -l <"$WORK/codes.txt") codes, $(wc -l <"$WORK/regions.txt") cities"

# --- the service
PORT="$(free_port)"
BASE="http://127.0.0.1:$PORT"
workers=()
if [[ -n "${LOAD_WORKERS:-}" ]]; then workers=(--workers "$LOAD_WORKERS"); fi
log "starting ecredit serve on $BASE"
ECREDIT_ADMIN_PASSWORD="admin-$REGULATOR_PASSWORD" RUST_LOG="${RUST_LOG:-warn}" \
    "${ecredit[@]}" serve --bind "127.0.0.1:$PORT" "${workers[@]}" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
wait_for_service "$BASE/health" "$SERVER_PID" "$WORK/server.log" load
curl -sf "$BASE/ready" >/dev/null

TOKEN="$(python3 -c 'import json, sys; print(json.dumps({"username": "load-regulator", "password": sys.argv[1]}))' "$REGULATOR_PASSWORD" |
    curl -sf -X POST "$BASE/api/v1/auth/token" -H 'Content-Type: application/json' -d @- |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')"
code="$(head -n1 "$WORK/codes.txt")"
curl -sf "$BASE/api/v1/enterprises/$code/score" >/dev/null || {
    echo "load: the grade lookup of $code failed" >&2
    exit 1
}

export LOAD_CODES="$WORK/codes.txt" LOAD_REGIONS="$WORK/regions.txt" LOAD_TOKEN="$TOKEN"

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER_PID/status"; }
# VmRSS, RssAnon (the process's own memory) and RssFile (mapped files: the SQLite database is
# memory-mapped, so this follows the pages of the file that were touched), KiB, tab-separated.
rss_breakdown() {
    awk '/^(VmRSS|RssAnon|RssFile):/ { v[$1] = $2 } END { printf "%s\t%s\t%s", v["VmRSS:"], v["RssAnon:"], v["RssFile:"] }' \
        "/proc/$SERVER_PID/status"
}

# run_wrk NAME THREADS CONNECTIONS SECONDS PATH [VAR=VALUE...]: one wrk run with load_mix.lua;
# its JSON summary goes to $WORK/NAME.json.
run_wrk() {
    local name="$1" threads="$2" connections="$3" seconds="$4" path="$5"
    shift 5
    env LOAD_THREADS="$threads" LOAD_RESULT="$WORK/$name.json" "$@" \
        wrk -t "$threads" -c "$connections" -d "${seconds}s" --timeout 10s \
        -s scripts/load_mix.lua "$BASE$path" >"$WORK/$name.log" 2>&1 || {
        cat "$WORK/$name.log" >&2
        echo "load: wrk failed in $name" >&2
        exit 1
    }
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        tail -n 50 "$WORK/server.log" >&2
        echo "load: the service died during $name" >&2
        exit 1
    fi
    python3 - "$WORK/$name.json" "$name" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
lat = r["latency_ms"]
print(f"{sys.argv[2]}: {r['rps']:.0f} requests/s, p50 {lat['p50']:.2f} ms, p99 {lat['p99']:.2f} ms, errors {r['errors']}")
EOF
}

RSS_START=$(rss_kib)
log "peak of GET /health (${PEAK_SECONDS} s, $PEAK_THREADS threads, $PEAK_CONNECTIONS connections)"
run_wrk health "$PEAK_THREADS" "$PEAK_CONNECTIONS" "$PEAK_SECONDS" /health LOAD_STATIC=1
log "peak of the anonymous grade lookup (${PEAK_SECONDS} s, $PEAK_THREADS threads, $PEAK_CONNECTIONS connections)"
run_wrk lookup "$PEAK_THREADS" "$PEAK_CONNECTIONS" "$PEAK_SECONDS" / LOAD_MIX=100,0,0
log "peak of the mix $MIX (${PEAK_SECONDS} s, $MIX_CONNECTIONS connections)"
run_wrk mix_peak "$MIX_CONNECTIONS" "$MIX_CONNECTIONS" "$PEAK_SECONDS" / LOAD_MIX="$MIX" LOAD_TRACK=1

RATE="$(python3 -c 'import json, sys; print(round(json.load(open(sys.argv[1]))["rps"] * int(sys.argv[2]) / 100))' \
    "$WORK/mix_peak.json" "$RATE_PERCENT")"
if ((RATE < 1)); then RATE=1; fi

log "the mix at $RATE requests/s ($RATE_PERCENT % of its peak) for $SECONDS_MIX s, RSS every $RSS_INTERVAL s"
(
    t=0
    while kill -0 "$SERVER_PID" 2>/dev/null; do
        printf '%s\t%s\n' "$t" "$(rss_breakdown)"
        sleep "$RSS_INTERVAL"
        t=$((t + RSS_INTERVAL))
    done
) >"$WORK/rss.tsv" 2>/dev/null &
SAMPLER_PID=$!
run_wrk mix "$MIX_CONNECTIONS" "$MIX_CONNECTIONS" "$SECONDS_MIX" / \
    LOAD_MIX="$MIX" LOAD_TRACK=1 LOAD_RATE="$RATE"
kill "$SAMPLER_PID" 2>/dev/null || true
wait "$SAMPLER_PID" 2>/dev/null || true
SAMPLER_PID=""
RSS_END=$(rss_kib)

AUDIT_ROWS="$(sql "SELECT COUNT(*) FROM audit_log" 2>/dev/null || echo "?")"

# --- checks and the summary
python3 - "$WORK" "$RATE" "$RSS_TOLERANCE" "$RSS_START" "$RSS_END" <<EOF
import json, sys
work, rate, tolerance, rss_start, rss_end = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
r = {name: json.load(open(f"{work}/{name}.json")) for name in ("health", "lookup", "mix_peak", "mix")}
rows = [[int(x) for x in line.split()] for line in open(f"{work}/rss.tsv") if len(line.split()) == 4]
samples = [r[2] for r in rows]  # RssAnon: what the process itself holds (the check)
vm = [r[1] for r in rows]
mapped = [r[3] for r in rows]
failures = []
for name, res in r.items():
    errors = sum(res["errors"].values())
    non_2xx = sum(k["non_2xx"] for k in res.get("kinds", {}).values())
    if errors or non_2xx:
        failures.append(f"{name}: socket/status errors {res['errors']}, non-2xx {non_2xx} {res.get('bad_statuses', {})}")
mix = r["mix"]
if mix["rps"] < 0.9 * rate:
    failures.append(f"mix: held {mix['rps']:.0f} requests/s, under 90 % of the target {rate}")
mib = lambda kib: kib / 1024
if len(samples) >= 3:
    third = max(1, len(samples) // 3)
    first_max, last_max = max(samples[:third]), max(samples[-third:])
    grew = last_max > first_max * (1 + tolerance / 100)
    if grew:
        failures.append(f"memory grew: largest RssAnon of the last third {mib(last_max):.1f} MiB > "
                        f"largest of the first third {mib(first_max):.1f} MiB + {tolerance:g} %")
    rss_line = (f"RssAnon {mib(samples[0]):.1f} first / {mib(max(samples)):.1f} max / {mib(samples[-1]):.1f} last MiB "
                f"({len(samples)} samples; first-third max {mib(first_max):.1f}, last-third max {mib(last_max):.1f})\n"
                f"                   VmRSS {mib(vm[0]):.1f} / {mib(max(vm)):.1f} / {mib(vm[-1]):.1f}, of it RssFile (the mmap of "
                f"the database) {mib(mapped[0]):.1f} / {mib(max(mapped)):.1f} / {mib(mapped[-1]):.1f} MiB")
else:
    failures.append(f"too few RSS samples ({len(samples)}): run longer")
    rss_line = "n/a"
ms = lambda res: f"p50 {res['latency_ms']['p50']:.2f} ms, p99 {res['latency_ms']['p99']:.2f} ms, max {res['latency_ms']['max']:.1f} ms"
print()
print("== load: summary")
print(f"registry           $ENTERPRISES enterprises, $BACKEND, $PROFILE build; seeding + grading ${SETUP_SECONDS} s")
print(f"peak /health       {r['health']['rps']:9.0f} requests/s  ({ms(r['health'])})")
print(f"peak grade lookup  {r['lookup']['rps']:9.0f} requests/s  ({ms(r['lookup'])})  = {100 * r['lookup']['rps'] / r['health']['rps']:.0f} % of /health")
print(f"peak of the mix    {r['mix_peak']['rps']:9.0f} requests/s  ({ms(r['mix_peak'])})  mix $MIX")
for kind, k in r["mix_peak"]["kinds"].items():
    print(f"   {kind:8} {k['rps']:9.1f} requests/s  p50 {k['p50_ms']:.2f} ms, p99 {k['p99_ms']:.2f} ms")
print(f"paced mix          target {rate} requests/s ($RATE_PERCENT %), held {mix['rps']:.1f} for {mix['seconds']:.0f} s, {mix['requests']} requests")
print(f"   all      {ms(mix)}")
for kind, k in mix["kinds"].items():
    print(f"   {kind:8} {k['requests']:9d} requests, {k['non_2xx']} non-2xx, p50 {k['p50_ms']:.2f} ms, p99 {k['p99_ms']:.2f} ms")
errors = {name: sum(res["errors"].values()) + sum(k["non_2xx"] for k in res.get("kinds", {}).values()) for name, res in r.items()}
print(f"errors             {errors}")
print(f"server RSS (mix)   {rss_line}")
print(f"server RSS         {mib(rss_start):.1f} MiB before the peaks, {mib(rss_end):.1f} MiB at the end")
print(f"audit entries      $AUDIT_ROWS (every signed-in request and every write, group-committed)")
if failures:
    print()
    for f in failures:
        print(f"FAIL: {f}", file=sys.stderr)
    sys.exit(1)
print("load: all checks passed (zero errors, rate held, memory flat)")
EOF
