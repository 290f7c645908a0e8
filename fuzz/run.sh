#!/usr/bin/env bash
# Runs one fuzz target for a given time, guided by the dictionary, seeded
# from the shipped YAML and the regression inputs; the corpus stays in
# fuzz/corpus/<target>/, out of git. How long to run is decided per change.
#
#   bash fuzz/run.sh TARGET SECONDS    # policy_load, assessment_load, evaluate
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`); RUSTC_BOOTSTRAP=1 stands in
# for the nightly compiler libFuzzer needs.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 2 ] || { echo "usage: bash fuzz/run.sh TARGET SECONDS" >&2; exit 2; }
target=$1 seconds=$2
export RUSTC_BOOTSTRAP=1
corpus=fuzz/corpus/$target
mkdir -p "$corpus"
cp standards/*.yaml examples/assessments/*.yaml tests/fixtures/valid/*.yaml \
  tests/fixtures/fuzz/"$target"/* "$corpus"/ 2>/dev/null || true
# Inputs up to the loader's 4 MiB limit; each gets 10 s and 2 GB.
if cargo fuzz run "$target" "$corpus" -- -max_total_time="$seconds" \
  -dict=fuzz/qbm.dict -max_len=4194304 -rss_limit_mb=2048 -timeout=10; then
  echo "$target: no failure in $seconds s"
else
  cat >&2 <<MSG
$target failed; the input is in fuzz/artifacts/$target/. To keep it, once fixed:
  cargo fuzz tmin $target fuzz/artifacts/$target/INPUT
  cp fuzz/artifacts/$target/minimized-from-* tests/fixtures/fuzz/crashes/$target/NAME
(cargo test replays tests/fixtures/fuzz/crashes/<target>/ with the same checks)
MSG
  exit 1
fi
