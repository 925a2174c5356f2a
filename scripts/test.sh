#!/usr/bin/env bash
# scripts/test.sh — THE test command, locally and in CI (.ci/run calls it).
#
#   bash scripts/test.sh                         # everything
#   bash scripts/test.sh --selectProjects unit   # extra arguments go to jest
#
# Stages, failing fast with the stage's name:
#   1 deps      npm ci (skipped locally when node_modules matches the lockfile; always under CI=true)
#   2 checks    tsc, scripts/check-imports.ts, the lint gate (npx eslint ., rules and reasons in
#               eslint.config.mjs): none needs a service, so what they catch fails in seconds
#   3 services  scripts/services.sh start + wait (Redis, MariaDB, ZooKeeper on 127.0.0.1; it also
#               installs the thrift compiler), then codegen drift (scripts/codegen.sh --check,
#               pacer/scripts/codegen.sh --check) and the Pacer schema snapshot
#               (pacer/src/schema-snapshot.ts --check)
#   4 jest      npx jest --ci --selectProjects unit integration conformance security, bounded in time
#   5 runbooks  every `bash runnable` block of runbooks/ against the local bring-up (jest project
#               runbooks, test/runbooks/runbooks.test.ts): starts it with scripts/up.sh when nothing
#               runs, and stops it again (down.sh) only then; bounded in time
#
# With extra arguments (a partial run), stage 4 runs jest with them (and all four projects unless
# they say --selectProjects) and stage 5 is skipped: `--selectProjects runbooks` runs it in stage 4.
#
#   bash scripts/test.sh --help                  # this text (jest's own options: npx jest --help)
set -euo pipefail

case "${1:-}" in
  -h|--help) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
esac

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${ROOT}"

# seconds; a hang guard (a jest kept alive by an open handle must not hang CI), not the suite budget:
# jest took ~20 min here unloaded (one worker on 2 cores) on 2026-12-03, and more on a busy machine;
# with the runbooks stage's guard below this stays inside CI's 90 minutes.
JEST_TIME_LIMIT="${JEST_TIME_LIMIT:-3000}"
# seconds; a hang guard for the runbooks stage (each block and scenario is bounded on its own).
RUNBOOKS_TIME_LIMIT="${RUNBOOKS_TIME_LIMIT:-900}"
CURRENT_STAGE="setup"
STAGE_STARTED=${SECONDS}
RUN_STARTED=${SECONDS}

stage() {
  CURRENT_STAGE="$1"
  STAGE_STARTED=${SECONDS}
  printf '\n==================== [test] %s ====================\n' "$1"
}

stage_done() { printf '[test] %s ok (%ss)\n' "${CURRENT_STAGE}" "$((SECONDS - STAGE_STARTED))"; }

on_exit() {
  local rc=$?
  if [[ ${rc} -ne 0 ]]; then
    printf '\n[test] FAILED in stage "%s" (exit %s) after %ss\n' "${CURRENT_STAGE}" "${rc}" "$((SECONDS - RUN_STARTED))" >&2
  else
    printf '\n[test] ALL STAGES PASSED in %ss\n' "$((SECONDS - RUN_STARTED))"
  fi
}
trap on_exit EXIT

install_deps() {
  stage "deps: npm ci"
  bash scripts/ensure-deps.sh
  stage_done
}

start_services() {
  stage "services: redis, mariadb, zookeeper"
  bash scripts/services.sh start
  bash scripts/services.sh wait
  stage_done
}

run_checks() {
  stage "checks: typecheck (tsc -p tsconfig.json)"
  npx tsc -p tsconfig.json
  stage_done

  stage "checks: imports (cycles, export *, gateway boundary)"
  npx tsx scripts/check-imports.ts
  stage_done

  stage "checks: lint (eslint ., type-aware; eslint.config.mjs)"
  npx eslint --max-warnings 0 .
  stage_done
}

# After services.sh: it installs the thrift compiler the drift checks run, and starts MariaDB.
check_generated() {
  stage "checks: codegen drift"
  bash scripts/codegen.sh --check
  bash pacer/scripts/codegen.sh --check
  stage_done

  stage "checks: pacer schema snapshot"
  npx tsx pacer/src/schema-snapshot.ts --check
  stage_done
}

run_jest() {
  stage "jest: unit + integration + conformance + security"
  mkdir -p .run
  rm -f .run/jest-results.json
  local rc=0 projects=(--selectProjects unit integration conformance security)
  if [[ " $* " == *" --selectProjects "* ]]; then projects=(); fi
  timeout --kill-after=30 "${JEST_TIME_LIMIT}" \
    npx jest --ci --json --outputFile=.run/jest-results.json "${projects[@]}" "$@" || rc=$?
  if [[ ${rc} -eq 124 || ${rc} -eq 137 ]]; then
    echo "[test] jest did not finish within ${JEST_TIME_LIMIT}s (an open handle keeps it alive? try --detectOpenHandles)" >&2
  fi
  summarize_jest .run/jest-results.json
  return "${rc}"
}

# The runbooks against the local bring-up (runbooks/README.md, "Runnable blocks").
run_runbooks() {
  stage "runbooks: every runnable block against the local bring-up"
  rm -f .run/runbooks-results.json
  local rc=0
  timeout --kill-after=30 "${RUNBOOKS_TIME_LIMIT}" \
    npx jest --ci --selectProjects runbooks --json --outputFile=.run/runbooks-results.json || rc=$?
  if [[ ${rc} -eq 124 || ${rc} -eq 137 ]]; then
    echo "[test] the runbooks did not finish within ${RUNBOOKS_TIME_LIMIT}s; a bring-up the stage started may still run: bash scripts/down.sh" >&2
  fi
  summarize_jest .run/runbooks-results.json
  return "${rc}"
}

# summarize_jest RESULTS_FILE — prints jest's counts as one plain line: "jest: N passed, N failed, N skipped".
# shellcheck disable=SC2016 # JavaScript template literals, not shell expansions
summarize_jest() {
  [[ -f "$1" ]] || return 0
  node -e '
    const r = require(process.argv[1]);
    const failed = r.numFailedTests + r.numRuntimeErrorTestSuites; // suites that could not run count too
    const skipped = r.numPendingTests + r.numTodoTests;
    console.log(`jest: ${r.numPassedTests} passed, ${failed} failed, ${skipped} skipped`);
  ' "${ROOT}/$1" || true
}

install_deps
run_checks
start_services
check_generated
run_jest "$@"
stage_done
if [[ $# -eq 0 ]]; then
  run_runbooks
  stage_done
else
  printf '\n[test] runbooks: skipped (extra jest arguments given; alone: npx jest --ci --selectProjects runbooks)\n'
fi
