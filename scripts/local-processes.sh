#!/usr/bin/env bash
# scripts/local-processes.sh — sourced by scripts/up.sh and scripts/down.sh, not run: reads the
# table of the local bring-up's processes, config/local-processes.conf (its header describes the
# format; `pinlater-ops local status|start|stop|restart` reads the same file and validates it:
# `npx pinlater-ops local status` names the line of a malformed entry).
#
#   source scripts/local-processes.sh
#   mapfile -t PROCESSES < <(local_process_lines processes)   # "name|port|entry|command|hint"
#   mapfile -t METRICS_PORTS < <(local_process_lines metrics) # "name|metrics port"

LOCAL_PROCESSES_FILE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/config/local-processes.conf"

# local_process_lines SECTION — the entries of [SECTION], in file order (comments and blank lines
# left out); exit 1 with a message when the file cannot be read.
local_process_lines() {
  local want="[$1]" section="" line
  if [[ ! -r "${LOCAL_PROCESSES_FILE}" ]]; then
    printf 'cannot read the process table %s\n' "${LOCAL_PROCESSES_FILE}" >&2
    return 1
  fi
  while IFS= read -r line || [[ -n "${line}" ]]; do
    line="${line%$'\r'}"
    [[ "${line}" =~ ^[[:space:]]*(#|$) ]] && continue
    if [[ "${line}" == \[*\] ]]; then
      section="${line}"
    elif [[ "${section}" == "${want}" ]]; then
      printf '%s\n' "${line}"
    fi
  done <"${LOCAL_PROCESSES_FILE}"
}
