#!/usr/bin/env bash
# README command 2: install what is missing, build everything, run every test with CTest.
# Also builds with AddressSanitizer + UndefinedBehaviorSanitizer and runs the suite again,
# unless LINGXI_SKIP_SANITIZE=1, then runs every libFuzzer target for a short while
# (scripts/fuzz.sh, clang-14), unless LINGXI_SKIP_FUZZ=1.
set -euo pipefail
cd "$(dirname "$0")"
start=$(date +%s)
scripts/install-deps.sh --test
scripts/install-web-deps.sh --test
echo "[test] build web front end"
(cd web && npm run build --silent)

jobs=$(nproc)
echo "[test] build (RelWithDebInfo)"
cmake -S . -B build/test -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C build/test -j "$jobs"
echo "[test] ctest"
(cd build/test && ctest --output-on-failure --timeout 600 -j 2)

if [[ "${LINGXI_SKIP_SANITIZE:-0}" != "1" ]]; then
  echo "[test] build (ASan + UBSan)"
  cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DLINGXI_SANITIZE=ON -DLINGXI_BUILD_BENCH=OFF >/dev/null
  ninja -C build/asan -j "$jobs"
  echo "[test] ctest under sanitizers"
  (cd build/asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    ctest --output-on-failure --timeout 900 -j 2 -E '^e2e$')
fi
if [[ "${LINGXI_SKIP_FUZZ:-0}" != "1" ]]; then
  echo "[test] fuzz (libFuzzer, ASan + UBSan)"
  scripts/fuzz.sh --seconds "${LINGXI_FUZZ_SECONDS:-20}" --seed "${LINGXI_FUZZ_SEED:-1}"
fi
echo "[test] all green in $(( $(date +%s) - start )) s"
