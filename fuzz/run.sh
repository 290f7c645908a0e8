#!/usr/bin/env bash
# Reruns the fuzzers for a given time each, seeded from the shipped YAML,
# the regression inputs, the hand-made seeds in fuzz/seeds/<target>/ and
# the variants of the shipped YAML in fuzz/variants/<target>/ (both written
# by fuzz/seeds/gen.py; the variants, afresh each run, need python3), and
# guided by fuzz/qbm.dict (the format's keys and words, YAML syntax, the
# embedded policy's ids), then keeps a set cover of the corpus in
# fuzz/kept/<target>/ (not tracked: the corpus stays out of git). About 50
# inputs per target, picked from it by hand, live in
# tests/fixtures/fuzz/<target>/, which `cargo test` replays. An
# input that made a fuzzer fail goes, once fixed, into
# tests/fixtures/fuzz/crashes/<target>/ by hand: `cargo test` replays it
# too, and the merge, which keeps only what the corpus needs for coverage,
# never drops it.
#
#   bash fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Targets run side by side, as many at once as the machine has cores
# (QBM_FUZZ_JOBS=N to choose); each gets SECONDS_PER_TARGET of wall time,
# which includes loading its corpus (a minute or more once it is large).
# QBM_FUZZ_WORKERS=N runs N fuzzer processes per target on one corpus (each
# picks up the others' finds within a second), so that one target can use
# every core: count each worker as a job.
# Logs go to fuzz/logs/<target>.{fuzz,merge}.log, and the workers past the
# first log to fuzz/logs/<target>.fuzz.<N>.log.
#
# Inputs may be as long as the loader takes (`Limits::default()
# .max_input_bytes`, 4 MiB): what is costly is often long. Each input has 10
# seconds and 2 GB of memory: a slower or hungrier one is a finding. The
# seeds of fuzz/shapes.py (written afresh into fuzz/shapes/, not tracked)
# hold the costly shapes at and past the limits.
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
workers="${QBM_FUZZ_WORKERS:-1}"
max_len=$((4 * 1024 * 1024))
[[ "$workers" =~ ^[1-9][0-9]*$ ]] || {
  echo "QBM_FUZZ_WORKERS must be a whole number of at least 1, not \"$workers\"" >&2
  exit 2
}
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
  # Inputs newer than this stamp are this run's (and the seeds'): see `own`.
  touch "fuzz/logs/$t.start"
  # Seeds: the shipped policies and samples, the fixtures, the hand-made
  # seeds, the variants (evaluate takes an assessment, so it gets those of
  # assessment_load), and what was kept.
  local variants="fuzz/variants/$t"
  [ "$t" != evaluate ] || variants=fuzz/variants/assessment_load
  cp standards/*.yaml examples/assessments/*.yaml tests/fixtures/valid/*.yaml "$corpus"/ 2>/dev/null || true
  cp "fuzz/seeds/$t"/*.yaml "$corpus"/ 2>/dev/null || true
  cp "$variants"/*.yaml "$corpus"/ 2>/dev/null || true
  cp "fuzz/shapes/$t"/*.yaml "$corpus"/ 2>/dev/null || true
  cp tests/fixtures/invalid/*.yaml "$corpus"/ 2>/dev/null || true
  cp "$keep"/* "$corpus"/ 2>/dev/null || true
  cp "tests/fixtures/fuzz/crashes/$t"/* "$corpus"/ 2>/dev/null || true
  # Each log line starts with the time it was written (seconds since the
  # epoch), so that the report can say when the last new edge came.
  # `-print_pcs=1` logs each new edge after the corpus is loaded, with the
  # source line it was compiled from, so that the report can say where the
  # late ones are written. Each worker rereads the corpus every second
  # (libFuzzer's `-reload`), so that it takes up the others' finds. Each
  # worker's cargo-fuzz writes its process id to fuzz/logs/<target>.pid.<N>,
  # so that when one worker stops on a failure the others are stopped too,
  # instead of fuzzing on to the end of their time.
  local w failed=0
  rm -f "fuzz/logs/$t".fuzz.*.log "fuzz/logs/$t".pid.*
  for ((w = 1; w <= workers; w++)); do
    (echo "$BASHPID" >"fuzz/logs/$t.pid.$w"
      exec cargo fuzz run "$t" "$corpus" -- -max_total_time="$seconds" -max_len=$max_len -dict=fuzz/qbm.dict \
        -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 -print_pcs=1 -reload=1) 2>&1 |
      while IFS= read -r line; do printf '%(%s)T %s\n' -1 "$line"; done >"$(log "$t" "$w")" &
  done
  for ((w = 1; w <= workers; w++)); do
    wait -n || {
      # The first failure stops the others, if there are any.
      [ "$failed" -eq 1 ] || [ "$workers" -eq 1 ] || stop_workers "$t"
      failed=1
    }
  done
  rm -f "fuzz/logs/$t".pid.*
  [ "$failed" -eq 0 ] || {
    for ((w = 1; w <= workers; w++)); do tail -n 40 "$(log "$t" "$w")"; done
    echo "$t: the fuzzer stopped on a failure; the input is in fuzz/artifacts/$t/" >&2
    return 1
  }
}

# Stops the fuzzers of target $1's workers that still run: each is the child
# of the cargo-fuzz whose id its worker wrote (cargo runs its subcommand in
# its own place), named by its command line (the binary's path ending in
# release/<target>), so that an id that a finished worker left behind, and
# the system gave to another process since, stops nothing. On SIGTERM libFuzzer prints its final stats
# and exits. Without pkill, says so and lets the others run out their time.
stop_workers() {
  local f
  command -v pkill >/dev/null || {
    echo "$1: a worker stopped on a failure; without pkill the others fuzz on to the end of their time" >&2
    return 0
  }
  echo "$1: a worker stopped on a failure; stopping the others" >&2
  for f in "fuzz/logs/$1".pid.*; do
    [ -e "$f" ] && pkill -TERM -P "$(cat "$f")" -f "release/$1( |$)" || true
  done
}

# The fuzzing log of worker $2 of target $1.
log() {
  if [ "$2" -eq 1 ]; then echo "fuzz/logs/$1.fuzz.log"; else echo "fuzz/logs/$1.fuzz.$2.log"; fi
}

# An awk function naming where a source path belongs: "qbm" (src/),
# "harness" (fuzz/), a registry crate by name, "std", or "other".
origin='
  function origin(path, m) {
    if (index(path, src) == 1) return "qbm"
    if (index(path, harness) == 1) return "harness"
    if (match(path, /\/registry\/src\/[^\/]+\/[^\/]+/)) {
      m = substr(path, RSTART, RLENGTH); sub(/.*\//, "", m); sub(/-[0-9]+\.[0-9]+.*$/, "", m)
      return m
    }
    if (path ~ /^\/rustc\/|^\/rust\/deps\//) return "std"
    return "other"
  }'

# How coverage grew, by wall time: a target that still finds edges in the
# last quarter of its run has not reached its plateau. Writes the time three
# quarters in (seconds since the epoch) to fuzz/logs/<target>.quarter. With
# several workers, each worker's log gets its own report: a new edge shows
# in the log of the worker that found it (and again in the others', as they
# take up its input), so the target has reached its plateau only when no
# worker's log has a new edge in the last quarter.
report() {
  local w name
  rm -f "fuzz/logs/$1.quarter"
  for ((w = 1; w <= workers; w++)); do
    name=$1
    [ "$workers" -eq 1 ] || name="$1 (worker $w)"
    report_log "$name" "fuzz/logs/$1.quarter" "$(log "$1" "$w")"
  done
}

# The report for target (or worker) $1 from log $3; writes the time three
# quarters in to $2 unless it is there already.
report_log() {
  [ ! -s "$2" ] || set -- "$1" /dev/null "$3"
  awk -v t="$1" -v qf="$2" -v src="$PWD/src/" -v harness="$PWD/fuzz/" "$origin"'
    # A new edge, from -print_pcs: "TIME NEW_PC: ADDRESS in FUNCTION PATH:LINE:COLUMN".
    $2 == "NEW_PC:" { pcs++; pc_time[pcs] = $1; pc_at[pcs] = $NF; next }
    # The run count opens a status line, after the time; a "#" elsewhere
    # (in the dictionary libFuzzer prints at the end) is not one.
    match($0, /^[0-9]+ #[0-9]+/) { s = substr($0, RSTART, RLENGTH); sub(/^[0-9]+ #/, "", s); run = s + 0 }
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
      printf "%d\n", q > qf
      printf "%s: %d runs in %d s; edges %d at start, %d three quarters in, %d at the end; ", t, run - r0, times[n] - t0, init, at, cov
      if (cov == at) printf "no new edge in the last quarter (last new edge %d s before the end)\n", times[n] - last
      else printf "%d new in the last quarter, the last %d s before the end: still growing\n", cov - at, times[n] - last
      # The last quarter'"'"'s new edges by where their code is written: code
      # inlined from the standard library into this crate'"'"'s functions
      # counts as the standard library'"'"'s, unlike in the split by function.
      late = 0; line = ""; ours = ""
      for (i = 1; i <= pcs; i++) {
        if (pc_time[i] <= q) continue
        path = pc_at[i]; sub(/(:[0-9]+)+$/, "", path); o = origin(path); late++; by[o]++
        if (o == "qbm") {
          # FILE:LINE, the column left out; code the compiler made for no
          # one line has none.
          where = pc_at[i]; if (where ~ /:[0-9]+:[0-9]+$/) sub(/:[0-9]+$/, "", where)
          if (where !~ /:[0-9]+$/) where = where " (no line)"
          if (!(where in lines)) keys[++nkeys] = where
          lines[where]++
        }
      }
      if (pcs == 0) { printf "%s: no new edge was logged with its source line (-print_pcs)\n", t; exit }
      for (;;) {
        best = ""
        for (c in by) if (by[c] > 0 && (best == "" || by[c] > by[best])) best = c
        if (best == "") break
        line = line sprintf(" %s %d", best, by[best]); by[best] = 0
      }
      for (i = 2; i <= nkeys; i++) for (j = i; j > 1 && keys[j - 1] > keys[j]; j--) { k = keys[j]; keys[j] = keys[j - 1]; keys[j - 1] = k }
      for (i = 1; i <= nkeys; i++) ours = ours sprintf("\n  src/%s %d", substr(keys[i], length(src) + 1), lines[keys[i]])
      printf "%s: last-quarter edges by the source written: %s\n", t, late == 0 ? "none" : substr(line, 2)
      if (ours != "") printf "%s: this crate'"'"'s source lines among them:%s\n", t, ours
    }' "$3"
}

# The same split for this crate's own code (src/), leaving out the parsers
# and the standard library: the kept inputs with this run's finds up to
# three quarters in, against all of them. A reduced input replaces its
# larger self under a newer name, so the split can only overstate late
# growth, never hide it. Then where the late edges are, crate by crate,
# with the functions whose coverage varies between two replays of the same
# inputs set apart as noise.
own() {
  local t=$1 corpus="fuzz/corpus/$1" keep="tests/fixtures/fuzz/$1" q a b
  [ -s "fuzz/logs/$t.quarter" ] || {
    echo "$t: no coverage reported, so no split"
    return 0
  }
  q=$(cat "fuzz/logs/$t.quarter")
  a=$(mktemp -d) && b=$(mktemp -d)
  cp "$keep"/* "$a"/ 2>/dev/null || true
  find "$corpus" -type f -newer "fuzz/logs/$t.start" ! -newermt "@$q" -exec cp -t "$a" {} +
  cp -r "$a"/. "$b"/
  find "$corpus" -type f -newermt "@$q" -exec cp -t "$b" {} +
  local cov_a cov_b cov_again
  cov_a=$(coverage "$t" "$a") && cov_b=$(coverage "$t" "$b") && cov_again=$(coverage "$t" "$b") || {
    rm -rf "$a" "$b"
    echo "$t: replaying the inputs failed" >&2
    return 1
  }
  rm -rf "$a" "$b"
  late "$t" <(echo "$cov_a") <(echo "$cov_b") <(echo "$cov_again")
}

# Reads three per-function coverage lists (see `coverage`): three quarters
# in, at the end, and the end replayed again. Prints the own-code verdict,
# then the late edges by origin (this crate, a registry crate, the standard
# library, the fuzz harness) outside the functions that differ between the
# two replays of the end, this crate's functions among them, and the
# functions that differ, as noise.
late() {
  awk -v t="$1" -v src="$PWD/src/" -v harness="$PWD/fuzz/" "$origin"'
    {
      split($2, e, "/"); key = $0; sub(/^[^ ]* [^ ]* /, "", key)
      o[key] = origin($NF); edges[$1, key] = e[1]
    }
    END {
      for (k in o) {
        x = edges[1, k] + 0; y = edges[2, k] + 0; z = edges[3, k] + 0
        name = k; sub(/ [^ ]*$/, "", name)
        if (o[k] == "qbm") { own_at += x; own_end += y }
        if (y != z) { noisy[o[k]] = noisy[o[k]] "\n  " name; continue }
        if (y != x) {
          gain[o[k]] += y - x
          if (o[k] == "qbm") ours = ours sprintf("\n  %s %+d", name, y - x)
        }
      }
      if (own_at == own_end) printf "%s: this crate'"'"'s own code: %d edges, no new edge in the last quarter\n", t, own_end
      else printf "%s: this crate'"'"'s own code: %d edges three quarters in, %d at the end: still growing\n", t, own_at, own_end
      line = ""
      for (;;) {
        best = ""
        for (c in gain) if (gain[c] != 0 && (best == "" || gain[c] > gain[best])) best = c
        if (best == "") break
        line = line sprintf(" %s %+d", best, gain[best]); gain[best] = 0
      }
      printf "%s: last-quarter edges by origin, noise left out:%s\n", t, line == "" ? " none" : line
      if (ours != "") printf "%s: this crate'"'"'s functions among them:%s\n", t, ours
      for (c in noisy) printf "%s: noise (coverage differs between two replays of the same inputs) in %s:%s\n", t, c, noisy[c]
    }' <(sed 's/^/1 /' "$2"; sed 's/^/2 /' "$3"; sed 's/^/3 /' "$4")
}

# libFuzzer's per-function coverage of target $1 over the inputs in $2:
# "COVERED_FUNC: hits: N edges: EDGES/OF NAME PATH:LINE" for a function
# reached, "UNCOVERED_FUNC: ..." for one in the build that is not.
functions() {
  cargo fuzz run "$1" "$2" -- -runs=0 -print_coverage=1 -max_len=$max_len -rss_limit_mb=2048 2>&1 |
    grep -E '^(UN)?COVERED_FUNC: '
}

# Per-function coverage of target $1 over the inputs in $2, a line per
# function reached, sorted: "EDGES/OF NAME PATH:LINE".
coverage() {
  functions "$1" "$2" | sed -n 's/^COVERED_FUNC: hits: [0-9]* edges: //p' | sort
}

# The functions of this crate's own code (src/) in target $1's build that
# its kept inputs never reach: code the fuzzer has not found, or that the
# target cannot call (such as the embedded policy's loading, done before the
# first input, or a Debug impl no check prints). A function inlined into its
# callers shows here too, as its own copy goes unused.
unreached() {
  local t=$1 keep="tests/fixtures/fuzz/$1" list
  list=$(functions "$t" "$keep") || {
    echo "$t: replaying the kept inputs failed" >&2
    return 1
  }
  list=$(echo "$list" | sed -n "s|^UNCOVERED_FUNC: hits: 0 edges: 0/[0-9]* \(.*\) $PWD/src/\(.*\)|  \2 \1|p" | sort)
  # One write, so that targets reporting side by side do not interleave.
  if [ -z "$list" ]; then
    echo "$t: the kept inputs reach every function of this crate's own code in the build"
  else
    printf '%s: %d functions of this crate'"'"'s own code in the build are never reached by the kept inputs:\n%s\n' \
      "$t" "$(echo "$list" | wc -l)" "$list"
  fi
}

# Replays the kept inputs twice and names the functions whose coverage
# differs between the two: coverage that changes from run to run is noise
# the fuzzer takes for new paths, so a target with it cannot settle.
steady() {
  local t=$1 keep="tests/fixtures/fuzz/$1" a b
  [ -n "$(ls -A "$keep" 2>/dev/null)" ] || return 0
  a=$(coverage "$t" "$keep") && b=$(coverage "$t" "$keep") || {
    echo "$t: replaying the kept inputs failed" >&2
    return 1
  }
  if [ "$a" = "$b" ]; then
    echo "$t: the kept inputs cover the same paths on every replay"
  else
    echo "$t: the kept inputs cover different paths from one replay to the next in:"
    { diff <(echo "$a") <(echo "$b") || true; } | sed -n 's/^[<>] [0-9]*\/[0-9]* /  /p' |
      sed 's| /[^ ]*/registry/src/[^/]*/| |' | sort -u
  fi
}

# Keeps a small set of inputs covering every edge the corpus covers
# (set-cover merge over edges alone, hit counts left out), then says how many
# edges the kept set reaches against the whole corpus.
merge() {
  # Into fuzz/kept/ (not tracked): the regression inputs in
  # tests/fixtures/fuzz/ are about 50 per target, picked by hand from it.
  local t=$1 corpus="fuzz/corpus/$1" keep="fuzz/kept/$1"
  mkdir -p fuzz/kept
  rm -rf "$keep.new" && mkdir -p "$keep.new"
  cargo fuzz run "$t" "$keep.new" "$corpus" -- -set_cover_merge=1 -use_counters=0 -max_len=$max_len \
    >"fuzz/logs/$t.merge.log" 2>&1 || {
    tail -n 20 "fuzz/logs/$t.merge.log"
    return 1
  }
  rm -rf "$keep" && mv "$keep.new" "$keep"
  echo "$t: kept $(ls "$keep" | wc -l) inputs in $keep, reaching $(edges "$t" "$keep") edges; the corpus reaches $(edges "$t" "$corpus")"
}

# The edges target $1 reaches over the inputs in directory $2.
edges() {
  cargo fuzz run "$1" "$2" -- -runs=0 -max_len=$max_len 2>&1 |
    sed -n 's/.*INITED cov: \([0-9]*\).*/\1/p' | tail -n 1
}

# The variants of the shipped YAML with each key's value replaced (see
# fuzz/seeds/gen.py): too many files to keep in the repository, so written
# afresh before each round.
if command -v python3 >/dev/null; then
  python3 fuzz/seeds/gen.py --variants fuzz/variants
  python3 fuzz/shapes.py fuzz/shapes
else
  echo "python3 not found: fuzzing without the variants of fuzz/seeds/gen.py and the shapes of fuzz/shapes.py" >&2
fi
# Build first, so that the runs side by side do not wait on each other.
for t in "${targets[@]}"; do cargo fuzz build "$t"; done
each_target steady
each_target fuzz
for t in "${targets[@]}"; do report "$t"; done
each_target own
each_target merge
each_target unreached
