#!/usr/bin/env bash
# scripts/test.sh — THE test command, locally and in CI (.ci/run calls it).
#
#   bash scripts/test.sh                         # everything
#   bash scripts/test.sh --selectProjects unit   # extra arguments go to jest
#
# Stages, failing fast with the stage's name:
#   1 deps      npm ci (skipped locally when node_modules matches the lockfile; always under CI=true)
#   2 checks    tsc, scripts/check-imports.ts, the lint gate (npx eslint ., rules and reasons in
#               eslint.config.mjs), side by side: none needs a service, so what they catch fails
#               in seconds; the stage names each check that failed
#   3 services  scripts/services.sh start + wait (Redis, MariaDB, ZooKeeper on 127.0.0.1; it also
#               installs the thrift compiler), then codegen drift (scripts/codegen.sh --check,
#               pacer/scripts/codegen.sh --check) and the Pacer schema snapshot
#               (pacer/src/schema-snapshot.ts --check)
#   4 jest      npx jest --ci --maxWorkers=2 --selectProjects unit integration conformance security
#               (2 test files at a time), then npx jest --ci --runInBand --selectProjects serial: the
#               few suites that cannot share the machine with another file, alone (jest.config.js
#               SERIAL says which and why); one summary line for both, the stage fails if either
#               does; bounded in time together (JEST_TIME_LIMIT)
#   5 runbooks  every `bash runnable` block of runbooks/ against the local bring-up (jest project
#               runbooks, test/runbooks/runbooks.test.ts): starts it with scripts/up.sh when nothing
#               runs, and stops it again (down.sh) only then; bounded in time
#
# With extra arguments (a partial run), stage 4 runs jest with them and stage 5 is skipped: both
# runs of stage 4 with the arguments when they do not say --selectProjects (e.g. a test path, -t);
# otherwise one run of what they select, on 2 workers (add -i for one file at a time, as the
# serial project needs). `--selectProjects runbooks` runs the runbooks in stage 4.
#
#   bash scripts/test.sh --help                  # this text (jest's own options: npx jest --help)
set -euo pipefail

case "${1:-}" in
  -h|--help) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
esac

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${ROOT}"

# seconds, for stage 4's two jest runs together; a hang guard (a jest kept alive by an open handle
# must not hang CI), not the suite budget: jest took ~17.5 min here unloaded in band (one worker,
# jest's default on 2 cores) on 2026-12-03; on 2 workers plus the serial run it took 994 s on 2026-12-04
# (fresh clone, CI=true, other tests running beside it);
# more on a busy machine. With the runbooks stage's guard below this stays inside CI's 90 minutes.
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

# The three checks run side by side (each is one process, mostly on one core; tsc and the
# type-aware lint take ~12 s and ~20 s here, ~33 s one after another), each into its own log,
# printed whole afterwards in this order; the stage names the checks that failed.
run_checks() {
  stage "checks: typecheck (tsc -p tsconfig.json), imports (cycles, export *, gateway boundary), lint (eslint ., type-aware; eslint.config.mjs)"
  local logs failed=() name
  logs="$(mktemp -d)"
  local -A pids=()
  npx tsc -p tsconfig.json >"${logs}/typecheck" 2>&1 & pids[typecheck]=$!
  npx tsx scripts/check-imports.ts >"${logs}/imports" 2>&1 & pids[imports]=$!
  npx eslint --max-warnings 0 . >"${logs}/lint" 2>&1 & pids[lint]=$!
  for name in typecheck imports lint; do
    if ! wait "${pids[${name}]}"; then failed+=("${name}"); fi
    printf -- '--- %s ---\n' "${name}"
    cat "${logs}/${name}"
  done
  rm -rf "${logs}"
  if [[ ${#failed[@]} -gt 0 ]]; then
    CURRENT_STAGE="checks: ${failed[*]}"
    return 1
  fi
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

# Stage 4, in two jest runs that share JEST_TIME_LIMIT and one summary line, and fail the stage if
# either fails: the four projects on 2 workers (jest's default on 2 CPUs would be 1, in band), then
# the `serial` project in band (jest.config.js SERIAL: the few suites that cannot share the
# machine with another test file, each with its reason). With arguments that say --selectProjects,
# one run of exactly what they select (on 2 workers; add -i to run in band).
run_jest() {
  stage "jest: unit + integration + conformance + security, then serial"
  mkdir -p .run
  rm -f .run/jest-results.json .run/jest-serial-results.json
  local rc=0 serial_rc=0 deadline=$((SECONDS + JEST_TIME_LIMIT))
  if [[ " $* " == *" --selectProjects "* ]]; then
    jest_bounded "${deadline}" --maxWorkers=2 --json --outputFile=.run/jest-results.json "$@" || rc=$?
    summarize_jest .run/jest-results.json
    return "${rc}"
  fi
  # Partial runs (a path, -t ...) may match files of one group only: neither run may fail for
  # finding none, but together they must find some.
  local none=()
  if [[ $# -gt 0 ]]; then none=(--passWithNoTests); fi
  jest_bounded "${deadline}" --maxWorkers=2 --json --outputFile=.run/jest-results.json "${none[@]}" "$@" \
    --selectProjects unit integration conformance security || rc=$?
  if [[ ${rc} -ne 124 && ${rc} -ne 137 ]]; then
    jest_bounded "${deadline}" --runInBand --json --outputFile=.run/jest-serial-results.json "${none[@]}" "$@" \
      --selectProjects serial || serial_rc=$?
  fi
  summarize_jest .run/jest-results.json .run/jest-serial-results.json
  if [[ ${rc} -eq 0 ]]; then rc=${serial_rc}; fi
  if [[ ${rc} -eq 0 && ${#none[@]} -gt 0 ]] && ! found_tests .run/jest-results.json .run/jest-serial-results.json; then
    echo "[test] no test file matches the arguments: $*" >&2
    rc=1
  fi
  return "${rc}"
}

# jest_bounded DEADLINE ARGS... — npx jest --ci ARGS, killed at DEADLINE (in $SECONDS) if still running.
jest_bounded() {
  local left=$(($1 - SECONDS)) rc=0
  shift
  if [[ ${left} -lt 1 ]]; then left=1; fi
  timeout --kill-after=30 "${left}" npx jest --ci "$@" || rc=$?
  if [[ ${rc} -eq 124 || ${rc} -eq 137 ]]; then
    echo "[test] jest did not finish within JEST_TIME_LIMIT=${JEST_TIME_LIMIT}s (an open handle keeps it alive? try --detectOpenHandles)" >&2
  fi
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

# summarize_jest RESULTS_FILE... — prints the counts of jest's result files (those that exist) as one
# plain line: "jest: N passed, N failed, N skipped".
# shellcheck disable=SC2016 # JavaScript template literals, not shell expansions
summarize_jest() {
  node -e '
    const fs = require("node:fs");
    const runs = process.argv.slice(1).filter((file) => fs.existsSync(file)).map((file) => require(file));
    if (runs.length === 0) process.exit(0);
    const sum = (count) => runs.reduce((n, r) => n + count(r), 0);
    const failed = sum((r) => r.numFailedTests + r.numRuntimeErrorTestSuites); // suites that could not run count too
    const skipped = sum((r) => r.numPendingTests + r.numTodoTests);
    console.log(`jest: ${sum((r) => r.numPassedTests)} passed, ${failed} failed, ${skipped} skipped`);
  ' "${@/#/${ROOT}/}" || true
}

# found_tests RESULTS_FILE... — whether the result files (those that exist) ran any test file.
found_tests() {
  node -e '
    const fs = require("node:fs");
    const files = process.argv.slice(1).filter((file) => fs.existsSync(file));
    process.exit(files.some((file) => require(file).numTotalTestSuites > 0) ? 0 : 1);
  ' "${@/#/${ROOT}/}"
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
