# Sourced by the benchmark scripts: seeds a synthetic registry of N enterprises into a fresh
# SQLite file (or the given PostgreSQL URL, which is EMPTIED), builds the release binary and the
# named example (none when EXAMPLE is empty), and activates the committed model. Sets `url`, `as_of` and `ecredit` (the
# binary with its global options); removes the temporary directory on exit.
#
#   bench_registry N DATABASE_URL EXAMPLE
bench_registry() {
  local n=$1 example=$3
  url=$2
  local features=()
  if [[ $url == postgres* ]]; then
    features=(--features postgres)
    psql "$url" -q -c "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"
  fi
  local targets=(--bin ecredit)
  if [[ -n $example ]]; then targets+=(--example "$example"); fi
  cargo build --release --quiet "${features[@]}" "${targets[@]}"
  work=$(mktemp -d /tmp/ecredit-bench.XXXXXX)
  trap 'rm -rf "$work"' EXIT
  url=${url:-sqlite://$work/ecredit.db}
  ecredit=(target/release/ecredit --data-dir "$work" --models-dir models --database-url "$url")
  as_of=2026-10-31
  echo "== seeding $n enterprises ($url)"
  "${ecredit[@]}" demo seed --enterprises "$n" --seed 1 --as-of "$as_of"
  "${ecredit[@]}" model activate "$(cat models/ACTIVE)" >/dev/null
}
