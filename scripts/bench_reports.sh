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
n=${1:-100000}
url=${2:-}
features=()
if [[ $url == postgres* ]]; then
  features=(--features postgres)
  psql "$url" -q -c "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"
fi
cargo build --release --quiet "${features[@]}" --bin ecredit --example bench_reports
work=$(mktemp -d /tmp/ecredit-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
url=${url:-sqlite://$work/ecredit.db}
ecredit=(target/release/ecredit --data-dir "$work" --models-dir models --database-url "$url")
as_of=2026-10-31
echo "== seeding $n enterprises ($url)"
"${ecredit[@]}" demo seed --enterprises "$n" --seed 1 --as-of "$as_of"
"${ecredit[@]}" model activate "$(cat models/ACTIVE)" >/dev/null
echo "== grading"
"${ecredit[@]}" score --all --as-of "$as_of" >/dev/null
for kind in full public; do
  echo "== $kind reports"
  target/release/examples/bench_reports --database-url "$url" --reports 5000 --kind "$kind"
done
