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
#   5. every process of the PROCESSES table below (gateways, Pacer broker and controller, the
#      migration copier, Prometheus), each with its log and pid file in .run/procs/,
#      checked to be listening on its port. Stop them with `bash scripts/down.sh`.
#   6. last, the demo workload (scripts/demo/, table DEMO_PROCESSES): its queues (DEMO_QUEUES) are
#      created through the routing gateway and routed with `pinlater-ops` (one on each system, one
#      in shadow mode), then a producer and a worker keep jobs flowing through :9010, so the
#      gateway's dashboard and Prometheus show moving charts. UP_DEMO=0 skips it.
# The address every PinLater client uses is the routing gateway, 127.0.0.1:9010 (admin :9999): each
# queue goes to the local Redis cluster, the local MySQL cluster or Pacer as its routing record
# says (`npx pinlater-ops status`); the single-system gateways (9013, 9011, 9012) stay for debugging.
# Prometheus is the one process that is not ours: Debian's /usr/bin/prometheus (installed by
# services.sh) on 127.0.0.1:9090, data in .run/prometheus/data (2 days kept). Before the processes
# start, up.sh writes its config, .run/prometheus/prometheus.yml, from the METRICS_PORTS table below:
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

# ------------------------------------------------------------------------------------------------
# The system's processes: "name|port|entry file (must exist)|command|how to talk to it".
# Add a line per process; the entry file lets the table list parts that are not written yet.
# ------------------------------------------------------------------------------------------------
PROCESSES=(
  "gateway-redis|9013|gateway/src/main.ts|npx tsx gateway/src/main.ts --properties config/redis.local.properties --backend-config config/redis.local.json|PinLater Thrift (framed binary) over the legacy Redis layout only, shards 1-3 on :6379 (admin :9996)"
  "gateway-mysql|9011|gateway/src/main.ts|npx tsx gateway/src/main.ts --properties config/mysql.local.properties --backend-config config/mysql.local.json|PinLater Thrift (framed binary) over the legacy MySQL layout, instance pinlaterlocaldb001 on :3306 (4 logical shards) as account pinlater_gateway"
  # Pacer, ONE topology: gateway-pacer routes by the ZooKeeper external view of cluster "pacer"
  # (/pacer on :2181); the controller assigns queue partitions to the ZK-mode broker(s).
  # Status: npx tsx pacer/src/cli/status.ts --zk 127.0.0.1:2181 --cluster pacer
  "pacer-controller|9030|pacer/src/controller/main.ts|npx tsx pacer/src/controller/main.ts --zk 127.0.0.1:2181 --cluster pacer --name controller-local-1 --status-port 9030|Pacer cluster controller (leader-elected; status JSON on http://127.0.0.1:9030/)"
  "gateway-pacer|9012|gateway/src/main.ts|npx tsx gateway/src/main.ts --backend pacer --properties config/pacer.local.properties --backend-config config/pacer-cluster.local.json|PinLater Thrift (framed binary) over Pacer (database pacer_local as account pacer_gateway; dequeues routed by the ZooKeeper external view)"
  "pacer-broker|9020|pacer/src/broker/main.ts|npx tsx pacer/src/broker/main.ts --database pacer_local --mysql-user pacer_broker --mysql-password pacer-broker-local --port 9020 --admin-port 9021 --broker-id local-1 --zk 127.0.0.1:2181 --cluster pacer|Pacer dequeue broker (internal Thrift), cluster mode: owns the partitions the controller assigns (admin :9021)"
  # THE gateway clients use: PinLater's usual port, every system behind it, routed per queue by
  # the routing table in ZooKeeper (config/routing.local.json; new queues go to Pacer).
  "gateway|9010|gateway/src/main.ts|npx tsx gateway/src/main.ts --properties config/gateway.local.properties --routing-config config/routing.local.json|PinLater Thrift (framed binary): the ROUTING gateway in front of local-redis, local-mysql and Pacer (admin :9999; routing: npx pinlater-ops status)"
  # The migration copier (docs/migration.md): moves the jobs of queues an operator migrates
  # (`pinlater-ops migrate start <queue>`, `pinlater-ops rollback <queue>`) exactly once, and flips
  # each queue when drained; it holds the local operator credential for those flips.
  "copier|9050|migration/src/copier/main.ts|env PINLATER_ROUTING_CREDENTIAL_FILE=config/routing-operator.local.credential node_modules/.bin/tsx migration/src/copier/main.ts --config config/routing.local.json --id copier-local-1 --status-port 9050|migration copier (moves migrating queues' jobs; status JSON on http://127.0.0.1:9050/health; npx pinlater-ops migrate status)"
  # Metrics: Debian's Prometheus (installed by services.sh), last so that every target above is up
  # when it first scrapes; its config is written by prepare_prometheus from METRICS_PORTS below.
  "prometheus|9090|/usr/bin/prometheus|/usr/bin/prometheus --config.file=.run/prometheus/prometheus.yml --storage.tsdb.path=.run/prometheus/data --storage.tsdb.retention.time=2d --web.listen-address=127.0.0.1:9090|Prometheus: http://127.0.0.1:9090/ (try: curl -s 'http://127.0.0.1:9090/api/v1/query?query=up')"
  # Next, when their parts exist (uncomment and adjust):
  # "dashboard|9040|dashboards/src/main.ts|npx tsx dashboards/src/main.ts|dashboard: http://127.0.0.1:9040/"
)

# ------------------------------------------------------------------------------------------------
# What Prometheus scrapes: "process name|port serving its /metrics" (the admin or status port, not
# the Thrift one). One scrape job per line, named like the process (the `job` label). Add a line
# with each new process of PROCESSES.
# ------------------------------------------------------------------------------------------------
METRICS_PORTS=(
  "gateway-redis|9996"
  "gateway-mysql|9998"
  "pacer-controller|9030"
  "gateway-pacer|9997"
  "pacer-broker|9021"
  "gateway|9999"
  "copier|9050"
  "prometheus|9090"
)

# ------------------------------------------------------------------------------------------------
# The demo workload (scripts/demo/main.ts --help): "queue|system it is routed to|shadow" (shadow:
# then put in shadow mode, `pinlater-ops shadow start`), and its two processes, started last
# (after the queues are routed), like the processes above (pid file, log, port = its /health).
# ------------------------------------------------------------------------------------------------
DEMO_QUEUES=(
  "demo_redis|local-redis|"
  "demo_mysql|local-mysql|"
  "demo_pacer|pacer|"
  "demo_shadow|local-redis|shadow"
)
DEMO_QUEUE_LIST="demo_redis,demo_mysql,demo_pacer,demo_shadow"
DEMO_PROCESSES=(
  "demo-producer|9061|scripts/demo/main.ts|npx tsx scripts/demo/main.ts --role producer --port 9010 --queues ${DEMO_QUEUE_LIST} --rate 3 --status-port 9061|demo producer: ~3 jobs/s per demo queue through :9010 (counters: curl -s http://127.0.0.1:9061/health)"
  "demo-worker|9062|scripts/demo/main.ts|npx tsx scripts/demo/main.ts --role worker --port 9010 --queues ${DEMO_QUEUE_LIST} --failure-ratio 0.1 --status-port 9062|demo worker: dequeues and acks the demo queues, 10 % acked failed (counters: curl -s http://127.0.0.1:9062/health)"
)
DEMO_ENABLED="${UP_DEMO:-1}"
SCRAPE_INTERVAL=5s
READY_TIMEOUT="${UP_READY_TIMEOUT:-60}" # seconds for each process to listen on its port

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${ROOT}"
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
[up] Routing (which system serves each queue; writes use the local operator credential):
[up]   npx pinlater-ops status
[up]   PINLATER_ROUTING_CREDENTIAL_FILE=config/routing-operator.local.credential npx pinlater-ops route my_queue --to local-redis
[up] Migrating a queue with its jobs (the copier moves them; README.md "Migrating a queue"):
[up]   PINLATER_ROUTING_CREDENTIAL_FILE=config/routing-operator.local.credential npx pinlater-ops migrate start my_queue --wait
[up]   (any PinLater client works unchanged; see README.md "Talking to the gateway")
[up] Shadow traffic before a flip (legacy answers, Pacer is compared; runbooks/shadow-comparison.md):
[up]   PINLATER_ROUTING_CREDENTIAL_FILE=config/routing-operator.local.credential npx pinlater-ops shadow start my_queue
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
# shadow-mode rules dashboards/alerts/shadow.yml), then one scrape job per line of METRICS_PORTS.
prometheus_config() {
  local line name port
  printf '%s\n' '# Written by scripts/up.sh on every run: edit METRICS_PORTS there, not this file.' \
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
prepare_demo_queues() {
  local line queue system shadow modes mode
  log "demo: queues ${DEMO_QUEUE_LIST} (created through :9010, routed with pinlater-ops)"
  node_modules/.bin/tsx scripts/demo/create-queues.ts --port 9010 --queues "${DEMO_QUEUE_LIST}" >/dev/null || { warn "demo: could not create the demo queues"; return 0; }
  modes="$(demo_modes)"
  for line in "${DEMO_QUEUES[@]}"; do
    IFS='|' read -r queue system shadow <<<"${line}"
    mode="$(awk -v q="${queue}" '$1 == q { print $2 }' <<<"${modes}")"
    if [[ -z "${mode}" || "${mode}" == "legacy" || "${mode}" == "pacer" ]]; then
      ops route "${queue}" --to "${system}" --yes --by up.sh --reason "demo queue" >/dev/null || warn "demo: could not route ${queue} to ${system}"
    fi
    [[ "${shadow}" == "shadow" && "${mode}" != "shadow" ]] || continue
    # The shadow runtime's command (issue 13); until it exists the queue simply stays on ${system}.
    if ops shadow --help >/dev/null 2>&1; then
      ops shadow start "${queue}" --yes --by up.sh --reason "demo queue" >/dev/null || warn "demo: could not put ${queue} in shadow mode"
    else
      warn "demo: this pinlater-ops has no 'shadow' command yet: ${queue} stays in legacy mode on ${system}"
    fi
  done
}

# The demo queues, then the demo's producer and worker (each like a process of PROCESSES).
start_demo() {
  local line name port entry command failed=0
  if [[ "${DEMO_ENABLED}" == "0" ]]; then log "demo: skipped (UP_DEMO=0)"; return 0; fi
  if running_pid demo-producer >/dev/null && running_pid demo-worker >/dev/null; then
    log "demo: producer and worker already running"
    return 0
  fi
  prepare_demo_queues
  for line in "${DEMO_PROCESSES[@]}"; do
    IFS='|' read -r name port entry command _ <<<"${line}"
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
