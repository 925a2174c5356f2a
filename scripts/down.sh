#!/usr/bin/env bash
# scripts/down.sh [--services] — stops the processes scripts/up.sh started (pid files in
# .run/procs/): SIGTERM to each process (graceful shutdown), wait, SIGTERM to the rest of its
# process group (npx/tsx/node), then SIGKILL. Order: the reverse of up.sh's, from the table
# config/local-processes.conf ([demo] then [processes], each last to first), then any other pid
# file. One process only: `npx pinlater-ops local stop <name>`. With --services, also stops the
# services that scripts/services.sh started (never ones that were already running).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${ROOT}"
PROC_DIR="${ROOT}/.run/procs"
# shellcheck source=scripts/local-processes.sh
source "${ROOT}/scripts/local-processes.sh"
GRACE_SECONDS="${DOWN_GRACE_SECONDS:-30}"

log() { printf '[down] %s\n' "$*"; }

group_alive() { kill -0 -- "-$1" 2>/dev/null; }

# wait_gone PGID SECONDS — 0 once no process of the group is left.
wait_gone() {
  local pgid="$1" deadline=$((SECONDS + $2))
  while group_alive "${pgid}"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

stop_process() {
  local file="$1" name pid
  name="$(basename "${file}" .pid)"
  pid="$(tr -dc '0-9' <"${file}")"
  if [[ -z "${pid}" ]] || ! group_alive "${pid}"; then
    log "${name}: not running"
    rm -f "${file}"
    return 0
  fi
  # up.sh starts each process with setsid, so its pid is also its process group id.
  log "${name}: SIGTERM pid ${pid}"
  kill -TERM "${pid}" 2>/dev/null || true
  if ! wait_gone "${pid}" "${GRACE_SECONDS}"; then
    log "${name}: still running after ${GRACE_SECONDS}s — SIGTERM to its process group"
    kill -TERM -- "-${pid}" 2>/dev/null || true
    if ! wait_gone "${pid}" 5; then
      log "${name}: SIGKILL to its process group"
      kill -KILL -- "-${pid}" 2>/dev/null || true
      wait_gone "${pid}" 5 || log "${name}: could not be stopped (process group ${pid})"
    fi
  fi
  rm -f "${file}"
  log "${name}: stopped"
}

# The pid files to stop, in order: the table's processes last started first, then any other one.
pid_files_in_stop_order() {
  local -a lines names=()
  local i name file
  mapfile -t lines < <(local_process_lines processes; local_process_lines demo)
  for ((i = ${#lines[@]} - 1; i >= 0; i--)); do
    IFS='|' read -r name _ <<<"${lines[i]}"
    names+=("${name}")
    file="${PROC_DIR}/${name}.pid"
    if [[ -f "${file}" ]]; then printf '%s\n' "${file}"; fi
  done
  for file in "${PROC_DIR}"/*.pid; do
    name="$(basename "${file}" .pid)"
    [[ " ${names[*]} " == *" ${name} "* ]] || printf '%s\n' "${file}"
  done
}

main() {
  local stop_services=0 file found=0
  case "${1:-}" in
    --services) stop_services=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
    "") ;;
    *) echo "usage: $0 [--services] [--help]" >&2; exit 2 ;;
  esac
  shopt -s nullglob
  # The reverse of up.sh's order: the demo's clients leave before the gateway, the broker before the controller.
  while IFS= read -r file; do
    [[ -f "${file}" ]] || continue
    found=1
    stop_process "${file}"
  done < <(pid_files_in_stop_order)
  [[ ${found} -eq 1 ]] || log "no processes started by up.sh are recorded"
  if [[ ${stop_services} -eq 1 ]]; then bash scripts/services.sh stop; fi
}

main "$@"
