#!/usr/bin/env bash
# Times the statistics of regulators on a registry of N enterprises (default 100000): seeds a
# synthetic registry into a fresh SQLite file (or the given PostgreSQL URL, which is EMPTIED),
# activates the committed model, grades everyone twice (so grades have a previous run), then
# runs examples/bench_statistics.rs, which computes each statistic as the handlers do.
#
#   scripts/bench_statistics.sh [N] [DATABASE_URL]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
url=${2:-}
features=()
if [[ $url == postgres* ]]; then
  features=(--features postgres)
  psql "$url" -q -c "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"
fi
cargo build --release --quiet "${features[@]}" --bin ecredit --example bench_statistics
work=$(mktemp -d /tmp/ecredit-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
url=${url:-sqlite://$work/ecredit.db}
ecredit=(target/release/ecredit --data-dir "$work" --models-dir models --database-url "$url")
as_of=2026-10-31
echo "== seeding $n enterprises ($url)"
"${ecredit[@]}" demo seed --enterprises "$n" --seed 1 --as-of "$as_of"
"${ecredit[@]}" model activate "$(cat models/ACTIVE)" >/dev/null
echo "== grading twice"
"${ecredit[@]}" score --all --as-of 2026-09-30 >/dev/null
"${ecredit[@]}" score --all --as-of "$as_of" >/dev/null
target/release/examples/bench_statistics --database-url "$url" --as-of "$as_of" --runs 5
