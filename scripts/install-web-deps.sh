#!/usr/bin/env bash
# Installs what the web front end needs, idempotently:
#   - Node.js + npm (Debian packages) if `node` is missing,
#   - `npm ci` in web/ (and, with --test, in tests/e2e/) when node_modules is missing or the
#     lockfile changed since the last install,
#   - with --test: Debian's chromium for the browser tests (Playwright cannot download one here)
#     and a CJK font for readable screenshots.
# Usage: scripts/install-web-deps.sh [--test]
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
apt_install() {
  echo "[web-deps] apt-get install $*"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@"
}

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then apt_install nodejs npm; fi
if [[ "${1:-}" == "--test" && ! -x /usr/bin/chromium ]]; then apt_install chromium; fi
# A small CJK font (1.6 MB) so browser-test screenshots render Chinese instead of empty boxes.
if [[ "${1:-}" == "--test" ]] && ! dpkg-query -W -f='${Status}' fonts-wqy-microhei 2>/dev/null | grep -q "install ok installed"; then
  apt_install fonts-wqy-microhei
fi

# npm ci only when needed: the stamp records the lockfile hash of the last install.
npm_ci() {
  local dir=$1 stamp="$1/node_modules/.lingxi-lock-hash" hash
  hash=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$hash" ]]; then
    echo "[web-deps] $dir/node_modules up to date"
    return
  fi
  echo "[web-deps] npm ci in $dir"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$hash" >"$stamp"
}
npm_ci web
if [[ "${1:-}" == "--test" ]]; then npm_ci tests/e2e; fi
