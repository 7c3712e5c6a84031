#!/usr/bin/env bash
# End-to-end tests of Trolley in Debian's Chromium, driven by playwright-core.
#
#   e2e/run.sh PATH_TO_TROLLEY_BINARY
#
# Each test starts its own server (fresh SQLite database, free port on 127.0.0.1) and its
# own headless Chromium. They write nothing into the repository (scripts/screenshots
# refreshes the README's screenshots).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [ $# -ne 1 ]; then
  echo "usage: e2e/run.sh PATH_TO_TROLLEY_BINARY" >&2
  exit 2
fi
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
if [ ! -x "$bin" ]; then
  echo "e2e: no executable trolley binary at $1 (build it with: cargo build)" >&2
  exit 2
fi

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "e2e: FAILED: Chromium is missing at $chromium; install Debian's package: apt-get install -y chromium" >&2
    exit 1
  fi
  echo "e2e: SKIPPED: Chromium is missing at $chromium (apt-get install -y chromium to run the browser tests)"
  exit 0
fi

for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "e2e: FAILED: $tool is not installed (Debian: apt-get install -y nodejs npm)" >&2
    exit 1
  fi
done

cd "$here"
# Installed again whenever package-lock.json is newer than what node_modules holds.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # playwright-core ships no browser and downloads none; it drives the Chromium above.
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
fi

export TROLLEY_BIN="$bin"
export CHROMIUM_PATH="$chromium"
# Hard stop well past the expected ~8 minutes (27 tests on two cores, lightly loaded; 12 with
# the cores busy with other work), so that nothing can hang a CI run. About 9 s of every
# test is its server's start: the debug build draws and encodes the demo catalogue's
# pictures each time.
exec timeout --kill-after=15s 1200s node --test --test-concurrency=1 --test-timeout=180000 tests/
