#!/usr/bin/env bash
# Builds the libFuzzer targets in fuzz/ (clang-14, ASan + UBSan, in build/fuzz) and runs each one
# for a while on a copy of its seed corpus (fuzz/corpus/<target>/, never written to). Prints one
# line per target and a summary; exits non-zero if any target crashed, hung or broke an
# invariant, and prints where the input that did it was saved.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
  cat <<'EOF'
Usage: scripts/fuzz.sh [--seconds N] [--seed N] [--jobs N] [--no-build] [TARGET...]

Builds fuzz/*_fuzzer.cc with clang-14 (-DLINGXI_FUZZ=ON, build dir build/fuzz) and runs every
target (or the TARGETs named, e.g. pii sse_parser) for N seconds each.

  --seconds N   time per target (default 20)
  --seed N      libFuzzer's random seed (default 0: a new one each run). test.sh passes a fixed
                seed to make CI runs vary less; they still differ (time limit, corpus order, two
                targets at a time). A failure is replayed from its saved input, not from the seed.
  --jobs N      targets run at the same time (default: 2, or 1 on a single core)
  --no-build    run what build/fuzz already holds
  -h, --help    this text

Crashing inputs are kept in build/fuzz/crashes/; replay one with
  build/fuzz/fuzz/<target>_fuzzer build/fuzz/crashes/<file>
EOF
}

seconds=20
seed=0
jobs=$(( $(nproc) > 1 ? 2 : 1 ))
build=1
targets=()
while (($#)); do
  case "$1" in
    --seconds) seconds="${2:?--seconds needs a number}"; shift 2 ;;
    --seed) seed="${2:?--seed needs a number}"; shift 2 ;;
    --jobs) jobs="${2:?--jobs needs a number}"; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[[ "$seconds" =~ ^[0-9]+$ && "$seed" =~ ^[0-9]+$ && "$jobs" =~ ^[1-9][0-9]*$ ]] || { echo "fuzz.sh: --seconds, --seed and --jobs take numbers" >&2; exit 2; }

# Longest input per target: long enough for what the parser meets, short enough to stay fast.
max_len_for() {
  case "$1" in
    playbook) echo 16384 ;;
    kb_markdown|tool) echo 8192 ;;
    pii|text_pipeline|intent_classifier|widget_token) echo 512 ;;
    host_allowlist) echo 256 ;;
    *) echo 4096 ;;
  esac
}

out=build/fuzz
if ((build)); then
  if ! command -v clang++-14 >/dev/null || ! ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
    scripts/install-deps.sh --test
  fi
  echo "[fuzz] build ($out, clang-14, ASan + UBSan)"
  start=$(date +%s)
  CC=clang-14 CXX=clang++-14 cmake -S . -B "$out" -G Ninja -DLINGXI_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g" >/dev/null
  ninja -C "$out" -j "$(nproc)" >"$out/build.log" 2>&1 || { tail -40 "$out/build.log"; echo "[fuzz] build failed" >&2; exit 1; }
  echo "[fuzz] built in $(( $(date +%s) - start )) s"
fi

if ((${#targets[@]} == 0)); then
  for src in fuzz/*_fuzzer.cc; do
    name=$(basename "$src" _fuzzer.cc)
    targets+=("$name")
  done
fi
for t in "${targets[@]}"; do
  [[ -x "$out/fuzz/${t}_fuzzer" ]] || { echo "fuzz.sh: no such target: $t ($out/fuzz/${t}_fuzzer)" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/lingxi-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$out/crashes"
if command -v llvm-symbolizer-14 >/dev/null; then export ASAN_SYMBOLIZER_PATH; ASAN_SYMBOLIZER_PATH=$(command -v llvm-symbolizer-14); fi
export UBSAN_OPTIONS=print_stacktrace=1

# Runs one target in $work/<target>; its exit status is the fuzzer's.
run_one() {
  local t=$1 dir="$work/$1"
  mkdir -p "$dir/corpus"
  if [[ -d fuzz/corpus/$t ]]; then cp fuzz/corpus/"$t"/* "$dir/corpus/" 2>/dev/null || true; fi
  local dict=()
  if [[ -f fuzz/dicts/$t.dict ]]; then dict=("-dict=fuzz/dicts/$t.dict"); fi
  case "$t" in tool|playbook|chat_wire) dict=("-dict=fuzz/dicts/json.dict") ;; esac
  "$out/fuzz/${t}_fuzzer" -max_total_time="$seconds" -max_len="$(max_len_for "$t")" -timeout=10 -seed="$seed" \
    -print_final_stats=1 -artifact_prefix="$dir/" "${dict[@]}" "$dir/corpus" >"$dir/log" 2>&1
}

# Prints the target's line (and, after a failure, the report and where the input went).
report() {
  local t=$1 rc=$2 dir="$work/$1"
  local runs rate seeds corpus
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/log" | tail -1)
  seeds=$(find "fuzz/corpus/$t" -type f 2>/dev/null | wc -l)
  corpus=$(find "$dir/corpus" -type f | wc -l)
  if ((rc == 0)); then
    printf '[fuzz] %-18s ok      %9s runs %7s/s  corpus %3d -> %d\n' "$t" "${runs:-?}" "${rate:-?}" "$seeds" "$corpus"
    return 0
  fi
  printf '[fuzz] %-18s FAILED  (exit %d) after %s runs\n' "$t" "$rc" "${runs:-?}"
  grep -E '==== invariant broken|ERROR: (AddressSanitizer|libFuzzer|LeakSanitizer)|runtime error|SUMMARY' "$dir/log" | head -8 | sed 's/^/    /'
  grep -A3 '==== invariant broken' "$dir/log" | tail -n +2 | head -3 | sed 's/^/    /' || true
  local f
  for f in "$dir"/crash-* "$dir"/leak-* "$dir"/timeout-* "$dir"/oom-*; do
    [[ -e "$f" ]] || continue
    cp "$f" "$out/crashes/$t-$(basename "$f")"
    echo "    input saved: $out/crashes/$t-$(basename "$f")"
    echo "    replay: $out/fuzz/${t}_fuzzer $out/crashes/$t-$(basename "$f")"
  done
  cp "$dir/log" "$out/crashes/$t.log"
  echo "    full log: $out/crashes/$t.log"
  return 1
}

echo "[fuzz] ${#targets[@]} targets, ${seconds} s each, ${jobs} at a time"
start=$(date +%s)
failed=()
running=()  # targets in flight; each writes $work/<target>.rc when it ends
next=0
while ((next < ${#targets[@]} || ${#running[@]} > 0)); do
  while ((next < ${#targets[@]} && ${#running[@]} < jobs)); do
    t=${targets[next]}
    next=$((next + 1))
    (rc=0; run_one "$t" || rc=$?; echo "$rc" >"$work/$t.rc") &
    running+=("$t")
  done
  wait -n 2>/dev/null || true
  still=()
  for t in "${running[@]}"; do
    if [[ -f "$work/$t.rc" ]]; then
      report "$t" "$(cat "$work/$t.rc")" || failed+=("$t")
    else
      still+=("$t")
    fi
  done
  running=("${still[@]}")
done

elapsed=$(( $(date +%s) - start ))
if ((${#failed[@]})); then
  echo "[fuzz] FAILED: ${failed[*]} (${#failed[@]} of ${#targets[@]} targets, ${elapsed} s); inputs in $out/crashes/"
  exit 1
fi
echo "[fuzz] all ${#targets[@]} targets ok in ${elapsed} s"
