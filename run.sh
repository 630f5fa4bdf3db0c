#!/usr/bin/env bash
# README command 1: install what is missing, build, and run the demo server.
#   ./run.sh                    # http://127.0.0.1:8080, data in ./var
#   LINGXI_PORT=9000 ./run.sh   # any LINGXI_* variable or lingxi flag works
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
scripts/install-web-deps.sh
echo "[build] web front end"
(cd web && npm run build --silent)
BUILD=build/release
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLINGXI_BUILD_TESTS=OFF -DLINGXI_BUILD_BENCH=OFF >/dev/null
echo "[build] compiling (first build takes a few minutes on 2 cores)..."
ninja -C "$BUILD" lingxi
# Lets the admin try the console's Automation page (intents, tools, secrets); the demo workspace keeps
# serving data/demo's automation until its first change there.
export LINGXI_AUTOMATION_DIR="${LINGXI_AUTOMATION_DIR:-$PWD/var/automation}"
exec "$BUILD/src/app/lingxi" serve --demo "$@"
