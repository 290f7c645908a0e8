#!/usr/bin/env bash
# Reruns the fuzzers for a given time each, seeded from the shipped YAML and
# the regression inputs and guided by fuzz/qbm.dict (the format's keys and
# words, YAML syntax, the embedded policy's ids), then copies the inputs that
# found new paths into tests/fixtures/fuzz/<target>/ (minimised), which
# `cargo test` replays.
#
#   bash fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Targets run side by side, as many at once as the machine has cores
# (QBM_FUZZ_JOBS=N to choose); each gets SECONDS_PER_TARGET of wall time,
# which includes loading its corpus (a minute or more once it is large).
# Logs go to fuzz/logs/<target>.{fuzz,merge}.log.
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`); libFuzzer needs a nightly
# compiler, which RUSTC_BOOTSTRAP=1 stands in for on the stable toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(policy_load assessment_load evaluate)
jobs="${QBM_FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}"
export RUSTC_BOOTSTRAP=1
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
mkdir -p fuzz/logs

# Runs `$1 TARGET` for every target, `$jobs` at a time, and fails naming the
# targets whose step failed.
each_target() {
  local step=$1 t failed=()
  for t in "${targets[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
    (if "$step" "$t"; then status=ok; else status=failed; fi
      echo "$status" >"fuzz/logs/$t.$step.status") &
  done
  wait
  for t in "${targets[@]}"; do
    [ "$(cat "fuzz/logs/$t.$step.status")" = ok ] || failed+=("$t")
  done
  [ "${#failed[@]}" -eq 0 ] || {
    echo "$step failed for: ${failed[*]}" >&2
    return 1
  }
}

fuzz() {
  local t=$1 corpus="fuzz/corpus/$1" keep="tests/fixtures/fuzz/$1"
  mkdir -p "$corpus" "$keep"
  # Seeds: the shipped policies and samples, the fixtures, and what was kept.
  cp standards/*.yaml examples/assessments/*.yaml tests/fixtures/valid/*.yaml "$corpus"/ 2>/dev/null || true
  cp tests/fixtures/invalid/*.yaml "$corpus"/ 2>/dev/null || true
  cp "$keep"/* "$corpus"/ 2>/dev/null || true
  # Each log line starts with the time it was written (seconds since the
  # epoch), so that the report can say when the last new edge came.
  cargo fuzz run "$t" "$corpus" -- -max_total_time="$seconds" -max_len=65536 -dict=fuzz/qbm.dict \
    -rss_limit_mb=4096 -print_final_stats=1 2>&1 |
    while IFS= read -r line; do printf '%(%s)T %s\n' -1 "$line"; done >"fuzz/logs/$t.fuzz.log" || {
    tail -n 40 "fuzz/logs/$t.fuzz.log"
    echo "$t: the fuzzer stopped on a failure; the input is in fuzz/artifacts/$t/" >&2
    return 1
  }
}

# How coverage grew, by wall time: a target that still finds edges in the
# last quarter of its run has not reached its plateau.
report() {
  awk -v t="$1" '
    match($0, /#[0-9]+/) { run = substr($0, RSTART + 1, RLENGTH - 1) + 0 }
    match($0, /cov: [0-9]+/) {
      c = substr($0, RSTART + 5, RLENGTH - 5) + 0
      if (/INITED/) { init = c; t0 = $1; r0 = run }
      if (c > cov) { cov = c; last = $1 }
      n++; times[n] = $1; covs[n] = c
    }
    END {
      if (n == 0) { printf "%s: no coverage reported\n", t; exit }
      q = t0 + (times[n] - t0) * 3 / 4; at = init
      for (i = 1; i <= n; i++) if (times[i] >= t0 && times[i] <= q) at = covs[i]
      printf "%s: %d runs in %d s; edges %d at start, %d three quarters in, %d at the end; ", t, run - r0, times[n] - t0, init, at, cov
      if (cov == at) printf "no new edge in the last quarter (last new edge %d s before the end)\n", times[n] - last
      else printf "%d new in the last quarter, the last %d s before the end: still growing\n", cov - at, times[n] - last
    }' "fuzz/logs/$1.fuzz.log"
}

# Keeps a small set of inputs covering every edge the corpus covers
# (set-cover merge over edges alone, hit counts left out), then says how many
# edges the kept set reaches against the whole corpus.
merge() {
  local t=$1 corpus="fuzz/corpus/$1" keep="tests/fixtures/fuzz/$1"
  rm -rf "$keep.new" && mkdir -p "$keep.new"
  cargo fuzz run "$t" "$keep.new" "$corpus" -- -set_cover_merge=1 -use_counters=0 -max_len=65536 \
    >"fuzz/logs/$t.merge.log" 2>&1 || {
    tail -n 20 "fuzz/logs/$t.merge.log"
    return 1
  }
  rm -rf "$keep" && mv "$keep.new" "$keep"
  echo "$t: kept $(ls "$keep" | wc -l) inputs in $keep, reaching $(edges "$t" "$keep") edges; the corpus reaches $(edges "$t" "$corpus")"
}

# The edges target $1 reaches over the inputs in directory $2.
edges() {
  cargo fuzz run "$1" "$2" -- -runs=0 -max_len=65536 2>&1 |
    sed -n 's/.*INITED cov: \([0-9]*\).*/\1/p' | tail -n 1
}

# Build first, so that the runs side by side do not wait on each other.
for t in "${targets[@]}"; do cargo fuzz build "$t"; done
each_target fuzz
for t in "${targets[@]}"; do report "$t"; done
each_target merge
