#!/usr/bin/env bash
# scripts/ensure-deps.sh — installs the npm dependencies exactly as locked (npm ci).
# Skipped when node_modules was installed from the same package.json + package-lock.json
# (a stamp in node_modules/); under CI=true it always reinstalls. Used by test.sh and up.sh.
set -euo pipefail

case "${1:-}" in
  -h|--help) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
  "") ;;
  *) printf 'usage: scripts/ensure-deps.sh [--help] (unknown argument: %s)\n' "$1" >&2; exit 2 ;;
esac

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${ROOT}"
STAMP="node_modules/.deps-stamp"

fingerprint() { cat package.json package-lock.json | sha256sum | cut -d' ' -f1; }

command -v npm >/dev/null || { echo "[deps] npm not found: install Node.js 20" >&2; exit 1; }
if [[ "${CI:-}" != "true" && -f "${STAMP}" && "$(cat "${STAMP}")" == "$(fingerprint)" ]]; then
  echo "[deps] node_modules matches package-lock.json — skipping npm ci"
  exit 0
fi
echo "[deps] npm ci"
npm ci --no-audit --no-fund
fingerprint >"${STAMP}"
