#!/usr/bin/env bash
# Reruns the fuzzers for a given time each, seeded from the shipped YAML and
# the regression inputs and guided by fuzz/qbm.dict (the format's keys and
# words, YAML syntax, the embedded policy's ids), then copies the inputs that
# found new paths into tests/fixtures/fuzz/<target>/ (minimised), which
# `cargo test` replays.
#
#   bash fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`); libFuzzer needs a nightly
# compiler, which RUSTC_BOOTSTRAP=1 stands in for on the stable toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(policy_load assessment_load evaluate)
export RUSTC_BOOTSTRAP=1
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
for t in "${targets[@]}"; do
  corpus="fuzz/corpus/$t"
  keep="tests/fixtures/fuzz/$t"
  mkdir -p "$corpus" "$keep"
  # Seeds: the shipped policies and samples, the fixtures, and what was kept.
  cp standards/*.yaml examples/assessments/*.yaml tests/fixtures/valid/*.yaml "$corpus"/ 2>/dev/null || true
  cp tests/fixtures/invalid/*.yaml "$corpus"/ 2>/dev/null || true
  cp "$keep"/* "$corpus"/ 2>/dev/null || true
  cargo fuzz run "$t" "$corpus" -- -max_total_time="$seconds" -max_len=65536 -dict=fuzz/qbm.dict -print_final_stats=1 2>&1 | tail -n 25
  # Keep a small set of inputs covering every edge the corpus covers
  # (set-cover merge over edges alone, hit counts left out).
  mkdir -p fuzz/logs
  rm -rf "$keep.new" && mkdir -p "$keep.new"
  cargo fuzz run "$t" "$keep.new" "$corpus" -- -set_cover_merge=1 -use_counters=0 -max_len=65536 \
    >"fuzz/logs/$t.merge.log" 2>&1
  rm -rf "$keep" && mv "$keep.new" "$keep"
  # The kept inputs should reach the edges the whole corpus reaches.
  edges() {
    cargo fuzz run "$t" "$1" -- -runs=0 -max_len=65536 2>&1 |
      sed -n 's/.*INITED cov: \([0-9]*\).*/\1/p' | tail -n 1
  }
  echo "$t: kept $(ls "$keep" | wc -l) inputs in $keep, reaching $(edges "$keep") edges; the corpus reaches $(edges "$corpus")"
done
