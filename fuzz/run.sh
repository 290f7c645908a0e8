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
  mkdir -p fuzz/logs
  cargo fuzz run "$t" "$corpus" -- -max_total_time="$seconds" -max_len=65536 -dict=fuzz/qbm.dict \
    -rss_limit_mb=4096 -print_final_stats=1 >"fuzz/logs/$t.fuzz.log" 2>&1 || {
    tail -n 40 "fuzz/logs/$t.fuzz.log"
    echo "$t: the fuzzer stopped on a failure; the input is in fuzz/artifacts/$t/" >&2
    exit 1
  }
  # How coverage grew: a target that still finds edges late in the run has
  # not reached its plateau.
  awk -v t="$t" '
    match($0, /^#[0-9]+/) { run = substr($0, 2, RLENGTH - 1) + 0 }
    match($0, /cov: [0-9]+/) {
      c = substr($0, RSTART + 5, RLENGTH - 5) + 0
      if (/INITED/) { init = c; start = run }
      if (c > cov) { cov = c; last = run }
      n++; runs[n] = run; covs[n] = c
    }
    END {
      q = start + (run - start) * 3 / 4; at = init
      for (i = 1; i <= n; i++) if (runs[i] <= q) at = covs[i]
      printf "%s: %d runs; edges %d at start, %d three quarters in, %d at the end; last new edge at run %d\n", t, run - start, init, at, cov, last
    }' "fuzz/logs/$t.fuzz.log"
  # Keep a small set of inputs covering every edge the corpus covers
  # (set-cover merge over edges alone, hit counts left out).
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
