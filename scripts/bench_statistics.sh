#!/usr/bin/env bash
# Times the statistics of regulators on a registry of N enterprises (default 100000): seeds a
# synthetic registry into a fresh SQLite file (or the given PostgreSQL URL, which is EMPTIED),
# activates the committed model, grades everyone twice (so grades have a previous run), then
# runs examples/bench_statistics.rs, which computes each statistic as the handlers do.
#
#   scripts/bench_statistics.sh [N] [DATABASE_URL]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench_registry.sh
bench_registry "${1:-100000}" "${2:-}" bench_statistics
echo "== grading twice"
"${ecredit[@]}" score --all --as-of 2026-09-30 >/dev/null
"${ecredit[@]}" score --all --as-of "$as_of" >/dev/null
target/release/examples/bench_statistics --database-url "$url" --as-of "$as_of" --runs 50
