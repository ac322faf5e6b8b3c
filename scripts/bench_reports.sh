#!/usr/bin/env bash
# Times creating credit reports on a registry of N enterprises (default 100000): seeds a
# synthetic registry into a fresh SQLite file (or the given PostgreSQL URL, which is EMPTIED),
# activates the committed model, grades everyone, then runs examples/bench_reports.rs, which
# creates reports exactly as `POST /api/v1/enterprises/{code}/reports` does and prints the
# latency percentiles of that server-side work.
#
#   scripts/bench_reports.sh [N] [DATABASE_URL]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench_registry.sh
bench_registry "${1:-100000}" "${2:-}" bench_reports
echo "== grading"
"${ecredit[@]}" score --all --as-of "$as_of" >/dev/null
for kind in full public; do
  echo "== $kind reports"
  target/release/examples/bench_reports --database-url "$url" --reports 5000 --kind "$kind"
done
