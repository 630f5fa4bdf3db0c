#!/usr/bin/env bash
# Installs the Debian 12 packages Lingxi needs to build, run and test. Idempotent: only
# missing packages are installed. Usage: scripts/install-deps.sh [--test]
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git curl
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev libsodium-dev libicu-dev libopencc-dev opencc
  libtomlplusplus-dev libcli11-dev libspdlog-dev libfmt-dev
  libcurl4-openssl-dev libssl-dev libjemalloc-dev
)
# clang-14 + its runtime (libFuzzer, sanitizers) and llvm-14 (llvm-symbolizer) for scripts/fuzz.sh.
TEST_PACKAGES=(libgtest-dev libgmock-dev googletest libbenchmark-dev clang-14 libclang-rt-14-dev llvm-14)

want=("${PACKAGES[@]}")
if [[ "${1:-}" == "--test" ]]; then want+=("${TEST_PACKAGES[@]}"); fi

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "[deps] all ${#want[@]} packages present"
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
echo "[deps] installing: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "[deps] done"
