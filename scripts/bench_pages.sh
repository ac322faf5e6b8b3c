#!/usr/bin/env bash
# Server time of every console page on a registry of N enterprises (default 100000), SQLite:
# seeds the registry, activates the committed model, grades everyone, gives the enterprise with
# the most credit events an account (the busiest workspace), starts `ecredit serve` (release)
# and runs scripts/bench_pages.py, which reads each page's `Server-Timing` header over 30 calls
# as the public, as that enterprise's user, as a regulator and as a bank it authorised. Fails when a page's 90th percentile is over 50 ms.
#
#   scripts/bench_pages.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/service.sh
source scripts/bench_registry.sh
bench_registry "${1:-100000}" "" ""
echo "== grading"
"${ecredit[@]}" score --all --as-of "$as_of" >/dev/null

sql() {
    python3 -c 'import sqlite3, sys
for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]): print("|".join(map(str, row)))' \
        "${url#sqlite://}" "$1"
}
busiest="$(sql "SELECT e.code, e.name FROM enterprises e JOIN credit_events c ON c.enterprise_code = e.code
                GROUP BY e.code ORDER BY count(*) DESC, e.code LIMIT 1")"
code="${busiest%%|*}"
name="${busiest#*|}"
password="bench-$(python3 -c 'import secrets; print(secrets.token_urlsafe(12))')"
printf '%s\n' "$password" |
    "${ecredit[@]}" user add --username bench-enterprise --role enterprise --enterprise "$code" \
        --password-stdin >/dev/null
# A regulator (the keepers' pages) and a bank (its portfolio and grants) as well.
printf '%s\n' "$password" |
    "${ecredit[@]}" user add --username bench-regulator --role regulator --organisation "Bench Bureau" \
        --password-stdin >/dev/null
printf '%s\n' "$password" |
    "${ecredit[@]}" user add --username bench-bank --role bank --organisation "Bench Bank" \
        --password-stdin >/dev/null
# And an admin (the accounts and key pages).
printf '%s\n' "$password" |
    "${ecredit[@]}" user add --username bench-admin --role admin --password-stdin >/dev/null
echo "== the workspace of $code $name: $(sql "SELECT count(*) FROM credit_events WHERE enterprise_code = '$code'") credit events, $(sql "SELECT count(*) FROM operating_records WHERE enterprise_code = '$code'") operating records"

port="$(free_port)"
RUST_LOG=warn \
    "${ecredit[@]}" serve --bind "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
wait_for_service "http://127.0.0.1:$port/health" "$server" "$work/server.log" bench_pages
python3 scripts/bench_pages.py "http://127.0.0.1:$port" bench-enterprise "$password" "$code" "$name"
