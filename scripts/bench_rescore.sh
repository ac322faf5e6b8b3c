#!/usr/bin/env bash
# Times rescoring the whole registry (features, both models, grades, stored): seeds N synthetic
# enterprises (36 months of records each) into a fresh database, activates the committed model
# and runs `ecredit score --all` twice: the first run grades a registry with no scores, the
# second one with a score history (and the upgrade rule to apply).
#
#   scripts/bench_rescore.sh [N] [DATABASE_URL]
#
# N defaults to 1000000. Without DATABASE_URL the registry is a SQLite file in a temporary
# directory; with a postgres:// URL that database is EMPTIED first (every table of the public
# schema is dropped), so give it a scratch database.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
url=${2:-}
features=()
if [[ $url == postgres* ]]; then
  features=(--features postgres)
  psql "$url" -q -c "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"
fi
cargo build --release --quiet "${features[@]}"
work=$(mktemp -d /tmp/ecredit-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
ecredit=(target/release/ecredit --data-dir "$work" --models-dir models)
if [[ -n $url ]]; then ecredit+=(--database-url "$url"); fi

as_of=2026-10-31
echo "== seeding $n enterprises (${url:-sqlite})"
"${ecredit[@]}" demo seed --enterprises "$n" --seed 1 --as-of "$as_of"
"${ecredit[@]}" model activate "$(cat models/ACTIVE)" >/dev/null
for run in first second; do
  echo "== $run rescoring"
  /usr/bin/time -f "wall %e s, user %U s, system %S s, max RSS %M KiB" \
    "${ecredit[@]}" --log-format json score --all --as-of "$as_of" 2>&1 >/dev/null |
    grep -E '^wall|"rescored|scored [0-9]+ enterprises' |
    sed -E 's/.*"reading_s":([0-9.]+).*"scoring_s":([0-9.]+).*"storing_s":([0-9.]+).*/stage busy time (summed over threads): reading \1 s, scoring \2 s, storing \3 s/'
done
if [[ -z $url ]]; then
  du -h "$work"/ecredit.db | sed 's/^/database size: /'
fi
