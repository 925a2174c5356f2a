#!/usr/bin/env bash
# scripts/up.sh — brings the whole system up locally, in the background:
#   1. npm dependencies (scripts/ensure-deps.sh)
#   2. Redis, MariaDB, ZooKeeper (scripts/services.sh start + wait; it also installs Prometheus)
#   3. MySQL: one least-privilege account per role (scripts/mysql-accounts.ts, as root), then the
#      Pacer schema of database pacer_local, applied as the migrator account (the only one allowed
#      to change it); the processes below connect with their own accounts, never root
#   4. the routing table in ZooKeeper (/pinlater-routing on :2181): its tree and ACLs, set up with
#      the local operator credential (config/routing-operator.local.credential) by
#      `pinlater-ops setup`; idempotent
#   5. every process of [processes] in config/local-processes.conf (gateways, Pacer broker and
#      controller, the migration copier, Prometheus), each with its log and pid file in
#      .run/procs/, checked to be listening on its port. Stop them with `bash scripts/down.sh`;
#      one of them (whatever the services' state): `npx pinlater-ops local restart <name>`.
#   6. last, the demo workload (scripts/demo/, [demo] of the same table): its queues (DEMO_QUEUES) are
#      created through the routing gateway and routed with `pinlater-ops` (one on each system, one
#      in shadow mode), then a producer and a worker pool per demo queue (the local worker-pool
#      runtime running worker SDK processes, config/pools.local) keep jobs flowing through :9010, so
#      the gateway's dashboard and Prometheus show moving charts. UP_DEMO=0 skips it.
# The address every PinLater client uses is the routing gateway, 127.0.0.1:9010 (admin :9999): each
# queue goes to the local Redis cluster, the local MySQL cluster or Pacer as its routing record
# says (`npx pinlater-ops status`); the single-system gateways (9013, 9011, 9012) stay for debugging.
# Prometheus is the one process that is not ours: Debian's /usr/bin/prometheus (installed by
# services.sh) on 127.0.0.1:9090, data in .run/prometheus/data (2 days kept). Before the processes
# start, up.sh writes its config, .run/prometheus/prometheus.yml, from [metrics] of the table:
# every 5 s it scrapes /metrics of each process (one job per process, job="<process name>") and of
# itself. A running Prometheus whose config changed is reloaded (SIGHUP).
# Idempotent: a process that is already running (pid file) is left alone.
#
#   bash scripts/up.sh          # bring everything up
#   bash scripts/up.sh --help   # this text
set -euo pipefail

case "${1:-}" in
  -h|--help) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
  "") ;;
  *) printf 'usage: scripts/up.sh [--help]  (unknown argument: %s)\n' "$1" >&2; exit 2 ;;
esac

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${ROOT}"

# ------------------------------------------------------------------------------------------------
# The system's processes, the demo's two processes and what Prometheus scrapes live in ONE table,
# config/local-processes.conf (sections [processes], [demo], [metrics]; its header describes the
# format), which `pinlater-ops local status|start|stop|restart` reads too. Add a process there.
#   PROCESSES, DEMO_PROCESSES: "name|port|entry file (must exist)|command|how to talk to it"
#   METRICS_PORTS: "process name|port serving its /metrics" (one scrape job per line)
# ------------------------------------------------------------------------------------------------
# shellcheck source=scripts/local-processes.sh
source "${ROOT}/scripts/local-processes.sh"
mapfile -t PROCESSES < <(local_process_lines processes)
mapfile -t DEMO_PROCESSES < <(local_process_lines demo)
mapfile -t METRICS_PORTS < <(local_process_lines metrics)
if ((${#PROCESSES[@]} == 0)); then
  printf '[up] no [processes] entries in %s\n' "${LOCAL_PROCESSES_FILE}" >&2
  exit 1
fi

# ------------------------------------------------------------------------------------------------
# The demo workload (scripts/demo/main.ts --help): "queue|system it is routed to|shadow" (shadow:
# then put in shadow mode, `pinlater-ops shadow start`). Its two processes ([demo] of the table:
# the producer, whose `--queues` must equal DEMO_QUEUE_LIST, and the local worker-pool runtime,
# whose specs in config/pools.local name the same queues) start last (after the queues are routed), like
# the processes above (pid file, log, port = its /health).
# ------------------------------------------------------------------------------------------------
DEMO_QUEUES=(
  "demo_redis|local-redis|"
  "demo_mysql|local-mysql|"
  "demo_pacer|pacer|"
  "demo_shadow|local-redis|shadow"
)
DEMO_QUEUE_LIST="demo_redis,demo_mysql,demo_pacer,demo_shadow"
DEMO_ENABLED="${UP_DEMO:-1}"
SCRAPE_INTERVAL=5s
READY_TIMEOUT="${UP_READY_TIMEOUT:-60}" # seconds for each process to listen on its port

PROC_DIR="${ROOT}/.run/procs"
PROMETHEUS_DIR="${ROOT}/.run/prometheus"

log() { printf '[up] %s\n' "$*"; }
warn() { printf '[up] WARNING: %s\n' "$*" >&2; }

# shellcheck disable=SC2016 # the inner script expands its own argument
listening() { timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0"' "$1" 2>/dev/null; }

running_pid() {
  local file="${PROC_DIR}/$1.pid" pid
  [[ -s "${file}" ]] || return 1
  pid="$(tr -dc '0-9' <"${file}")"
  [[ -n "${pid}" ]] && kill -0 "${pid}" 2>/dev/null || return 1
  printf '%s' "${pid}"
}

show_log_tail() {
  printf -- '--- last 30 lines of %s ---\n' "$1" >&2
  tail -n 30 "$1" >&2 || true
  printf -- '---\n' >&2
}

# wait_listening NAME PID PORT LOG — 0 once PORT accepts connections; 1 if PID dies or on timeout.
wait_listening() {
  local name="$1" pid="$2" port="$3" logfile="$4" deadline=$((SECONDS + READY_TIMEOUT))
  until listening "${port}"; do
    if ! kill -0 "${pid}" 2>/dev/null; then
      warn "${name} exited before listening on :${port}"
      show_log_tail "${logfile}"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      warn "${name} (pid ${pid}) is not listening on :${port} after ${READY_TIMEOUT}s"
      show_log_tail "${logfile}"
      return 1
    fi
    sleep 0.5
  done
}

# start_process NAME PORT ENTRY COMMAND — prints a status line; returns 1 if it failed to come up.
start_process() {
  local name="$1" port="$2" entry="$3" command="$4" pid logfile="${PROC_DIR}/$1.log"
  if pid="$(running_pid "${name}")"; then
    log "${name}: already running (pid ${pid}) on :${port}"
    return 0
  fi
  if [[ ! -f "${entry}" ]]; then
    warn "${name}: ${entry} does not exist yet — skipped"
    return 0
  fi
  if listening "${port}"; then
    warn "${name}: port ${port} is already in use by another process — skipped"
    return 1
  fi
  log "${name}: starting: ${command}"
  # `npx tsx` runs as node_modules/.bin/tsx: npm exec does not pass SIGTERM on, tsx does.
  if [[ "${command}" == npx\ * && -x "node_modules/.bin/$(cut -d' ' -f2 <<<"${command}")" ]]; then
    command="node_modules/.bin/${command#npx }"
  fi
  # setsid: own process group, so down.sh can stop the process and its children together.
  # shellcheck disable=SC2086 # the table's command is a plain word list
  setsid ${command} >>"${logfile}" 2>&1 </dev/null &
  pid=$!
  echo "${pid}" >"${PROC_DIR}/${name}.pid"
  wait_listening "${name}" "${pid}" "${port}" "${logfile}" || return 1
  log "${name}: listening on 127.0.0.1:${port} (pid ${pid}, log .run/procs/${name}.log)"
}

start_processes() {
  local line name port entry command failed=0
  mkdir -p "${PROC_DIR}"
  for line in "${PROCESSES[@]}"; do
    IFS='|' read -r name port entry command _ <<<"${line}"
    start_process "${name}" "${port}" "${entry}" "${command}" || failed=1
  done
  return "${failed}"
}

print_summary() {
  local line name port entry command hint pid
  printf '\n[up] The system is up. Services: Redis 127.0.0.1:6379, MariaDB 127.0.0.1:3306 (admin: root, no password; processes: their own accounts), ZooKeeper 127.0.0.1:2181\n'
  for line in "${PROCESSES[@]}" "${DEMO_PROCESSES[@]}"; do
    IFS='|' read -r name port entry command hint <<<"${line}"
    if pid="$(running_pid "${name}")"; then
      printf '[up]   %-18s 127.0.0.1:%-5s pid %-7s %s\n' "${name}" "${port}" "${pid}" "${hint}"
    fi
  done
  cat <<'EOF'
[up] Talk to the gateway (PinLater Thrift, framed binary; :9010 routes every queue to its system):
[up]   python3 scripts/pinlater-client.py --port 9010 --queue my_queue   # create, enqueue, dequeue, ack, count
[up] Routing (which system serves each queue; pinlater-ops reads the gateways' routing config, writes use the local operator credential):
[up]   export PINLATER_ROUTING_CONFIG=config/routing.local.json PINLATER_ROUTING_CREDENTIAL_FILE=config/routing-operator.local.credential
[up]   npx pinlater-ops status
[up]   npx pinlater-ops route my_queue --to local-redis
[up] Migrating a queue with its jobs (the copier moves them; README.md "Migrating a queue"):
[up]   npx pinlater-ops migrate start my_queue --wait
[up]   (any PinLater client works unchanged; see README.md "Talking to the gateway")
[up] Shadow traffic before a flip (legacy answers, Pacer is compared; runbooks/shadow-comparison.md):
[up]   npx pinlater-ops shadow start my_queue
[up] Dashboard (every queue, shadow comparison, migration progress): http://127.0.0.1:9999/dashboard
[up]   Grafana dashboards to import: dashboards/grafana/*.json (provisioning in dashboards/provisioning/)
[up] Logs: tail -f .run/procs/*.log    Stop: bash scripts/down.sh (add --services to stop the services it started)
EOF
}

# The accounts of config/mysql-accounts.local.json (local passwords; see docs/security-mysql-accounts.md
# for production), then the Pacer schema as the migrator. Both idempotent.
prepare_mysql() {
  log "mysql: least-privilege accounts (scripts/mysql-accounts.ts)"
  node_modules/.bin/tsx scripts/mysql-accounts.ts --config config/mysql-accounts.local.json
  log "mysql: Pacer schema of pacer_local, as pacer_migrator"
  node_modules/.bin/tsx pacer/src/migrate.ts --database pacer_local --user pacer_migrator --password pacer-migrator-local
}

# Prometheus's config: global settings, the alerting rules (config/prometheus/alerts.yml and the
# shadow-mode rules dashboards/alerts/shadow.yml), then one scrape job per line of [metrics].
prometheus_config() {
  local line name port
  printf '%s\n' '# Written by scripts/up.sh on every run: edit [metrics] of config/local-processes.conf, not this file.' \
    'global:' "  scrape_interval: ${SCRAPE_INTERVAL}" "  scrape_timeout: ${SCRAPE_INTERVAL}" \
    "  evaluation_interval: ${SCRAPE_INTERVAL}" 'rule_files:' "  - ${ROOT}/config/prometheus/alerts.yml" \
    "  - ${ROOT}/dashboards/alerts/shadow.yml" 'scrape_configs:'
  for line in "${METRICS_PORTS[@]}"; do
    IFS='|' read -r name port <<<"${line}"
    printf '  - job_name: %s\n    metrics_path: /metrics\n    static_configs:\n      - targets: ["127.0.0.1:%s"]\n' \
      "${name}" "${port}"
  done
}

# Writes .run/prometheus/prometheus.yml when it differs; a running Prometheus reloads it (SIGHUP).
prepare_prometheus() {
  local file="${PROMETHEUS_DIR}/prometheus.yml" pid
  mkdir -p "${PROMETHEUS_DIR}/data"
  if [[ -f "${file}" ]] && cmp -s "${file}" <(prometheus_config); then return 0; fi
  prometheus_config >"${file}"
  log "prometheus: scrape config written to .run/prometheus/prometheus.yml (${#METRICS_PORTS[@]} jobs)"
  if pid="$(running_pid prometheus)"; then
    kill -HUP "${pid}"
    log "prometheus: running (pid ${pid}), reloading its config (SIGHUP)"
  fi
}

# The routing table's tree and ACLs, as the local operator (idempotent). Gateways only read it.
prepare_routing() {
  log "zookeeper: routing table /pinlater-routing (pinlater-ops setup, local operator credential)"
  PINLATER_ROUTING_CREDENTIAL_FILE=config/routing-operator.local.credential \
    node bin/pinlater-ops.cjs --config config/routing.local.json setup --yes
}

# ops ARGS… — pinlater-ops on the local routing config, as the local operator.
ops() {
  PINLATER_ROUTING_CREDENTIAL_FILE=config/routing-operator.local.credential \
    node bin/pinlater-ops.cjs --config config/routing.local.json "$@"
}

# "queue mode" of every routing record (pinlater-ops status --json).
demo_modes() {
  ops status --json 2>/dev/null | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      try { for (const r of JSON.parse(s).records ?? []) console.log(`${r.queue} ${r.mode}`); } catch { /* no table yet */ }
    });' || true
}

# The demo queues: created through the routing gateway (new ones land on Pacer), routed to their
# system while still empty, and the shadow one put in shadow mode. Idempotent: a queue already
# where it belongs is left alone. A step that fails warns; the demo still starts.
# ZooKeeper can come back empty while Redis and MariaDB kept the demo's data (a fresh checkout's
# .run/zookeeper, a wiped data directory): each demo queue is then on its system AND on Pacer (the
# empty twin its creation left) without a record, which gateways refuse as ambiguous. So a demo
# queue without a record is routed to its system first (its Pacer twin is empty; a queue on no
# system yet is refused here and created next), and a shadow queue left over from an earlier
# shadow mode is removed before shadowing starts again (its stale copies would skew the comparison).
prepare_demo_queues() {
  local line queue system shadow modes mode
  log "demo: queues ${DEMO_QUEUE_LIST} (created through :9010, routed with pinlater-ops)"
  modes="$(demo_modes)"
  for line in "${DEMO_QUEUES[@]}"; do
    IFS='|' read -r queue system shadow <<<"${line}"
    [[ -z "$(awk -v q="${queue}" '$1 == q { print $2 }' <<<"${modes}")" ]] || continue
    ops route "${queue}" --to "${system}" --yes --by up.sh --reason "demo queue (no record)" >/dev/null 2>&1 || true
  done
  node_modules/.bin/tsx scripts/demo/create-queues.ts --port 9010 --queues "${DEMO_QUEUE_LIST}" >/dev/null || { warn "demo: could not create the demo queues"; return 0; }
  modes="$(demo_modes)"
  for line in "${DEMO_QUEUES[@]}"; do
    IFS='|' read -r queue system shadow <<<"${line}"
    mode="$(awk -v q="${queue}" '$1 == q { print $2 }' <<<"${modes}")"
    if [[ -z "${mode}" || "${mode}" == "legacy" || "${mode}" == "pacer" ]]; then
      ops route "${queue}" --to "${system}" --yes --by up.sh --reason "demo queue" >/dev/null || warn "demo: could not route ${queue} to ${system}"
    fi
    [[ "${shadow}" == "shadow" && "${mode}" != "shadow" ]] || continue
    ops shadow stop "${queue}" --yes --by up.sh --reason "demo queue: left-over shadow queue" >/dev/null || warn "demo: could not remove the left-over shadow queue of ${queue}"
    ops shadow start "${queue}" --yes --by up.sh --reason "demo queue" >/dev/null || warn "demo: could not put ${queue} in shadow mode"
  done
}

# The demo queues, then the demo's producer and worker (each like a process of PROCESSES).
start_demo() {
  local line name port entry command failed=0
  if [[ "${DEMO_ENABLED}" == "0" ]]; then log "demo: skipped (UP_DEMO=0)"; return 0; fi
  if running_pid demo-producer >/dev/null && running_pid worker-pools >/dev/null; then
    log "demo: producer and worker pools already running"
    return 0
  fi
  prepare_demo_queues
  for line in "${DEMO_PROCESSES[@]}"; do
    IFS='|' read -r name port entry command _ <<<"${line}"
    if [[ " ${command} " == *" --queues "* ]]; then
      [[ " ${command} " == *" --queues ${DEMO_QUEUE_LIST} "* ]] || warn "demo: ${name}'s --queues in config/local-processes.conf is not DEMO_QUEUE_LIST (${DEMO_QUEUE_LIST})"
    fi
    start_process "${name}" "${port}" "${entry}" "${command}" || failed=1
  done
  return "${failed}"
}

main() {
  log "installing dependencies"
  bash scripts/ensure-deps.sh
  log "starting services"
  bash scripts/services.sh start
  bash scripts/services.sh wait
  prepare_mysql
  prepare_routing
  prepare_prometheus
  log "starting processes"
  if ! start_processes; then
    warn "some processes did not come up (see above); the others keep running — bash scripts/down.sh stops them"
    exit 1
  fi
  start_demo || warn "the demo workload did not come up (see above); the system itself is up"
  print_summary
}

main "$@"
