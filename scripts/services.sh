#!/usr/bin/env bash
# scripts/services.sh start|stop|status|wait
#
# Idempotent management of the three services every test and the local system need, all on
# 127.0.0.1:
#   redis      :6379  Redis 7
#   mariadb    :3306  MariaDB 10.11, user root with an empty password over TCP
#   zookeeper  :2181  ZooKeeper 3.8 standalone
#
#   start   For each service: if it already answers, leave it alone (never a second copy).
#           Otherwise install its Debian package when missing and start it with its state under
#           .run/<service>/. Also makes sure thrift-compiler, python3-thrift, netcat-openbsd
#           and chromium are installed (the test suite and the docs use them), and prometheus (/usr/bin/prometheus:
#           scripts/up.sh and test/support/scratch-prometheus.ts run their own; installed without its
#           Recommends, prometheus-node-exporter, and Debian's own prometheus service is disabled).
#   wait    Block until all three are healthy (bounded by SERVICES_WAIT_TIMEOUT, default 60 s);
#           exit 1 with the name of each unhealthy service otherwise.
#   status  One line per service; exit 1 if any is unhealthy.
#   stop    Stop only what this script started (pid files under .run/); leave the rest alone.
#
# Works as root on a fresh Debian 12 machine and on machines where some services already run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The overrides exist only to exercise this script itself beside the real services.
RUN_DIR="${SERVICES_RUN_DIR:-${ROOT}/.run}"
HOST=127.0.0.1
REDIS_PORT="${SERVICES_REDIS_PORT:-6379}"
MARIADB_PORT="${SERVICES_MARIADB_PORT:-3306}"
ZK_PORT="${SERVICES_ZK_PORT:-2181}"
WAIT_TIMEOUT="${SERVICES_WAIT_TIMEOUT:-60}"
SERVICES=(redis mariadb zookeeper)
# chromium (/usr/bin/chromium): the built-in dashboard's browser test drives it headless with
# playwright-core (test/integration/dashboard-browser.test.ts); `npx playwright install` cannot
# download browsers here.
TOOL_PACKAGES=(thrift-compiler python3-thrift netcat-openbsd chromium)

log() { printf '[services] %s\n' "$*"; }
warn() { printf '[services] WARNING: %s\n' "$*" >&2; }
die() { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------
# Debian packages
# ---------------------------------------------------------------------------------------------
APT_UPDATED=0

as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    die "need root (or sudo) to run: $*"
  fi
}

package_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# ensure_packages [--no-install-recommends] PKG... — installs the missing ones; runs `apt-get update`
# once per invocation.
ensure_packages() {
  local apt_options=() missing=() pkg
  if [[ "${1:-}" == --no-install-recommends ]]; then apt_options+=("$1"); shift; fi
  for pkg in "$@"; do package_installed "${pkg}" || missing+=("${pkg}"); done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  command -v apt-get >/dev/null || die "missing packages ${missing[*]} and no apt-get to install them"
  if [[ ${APT_UPDATED} -eq 0 ]]; then
    log "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    APT_UPDATED=1
  fi
  log "installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_options[@]}" \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}" >/dev/null
}

# Prometheus is a tool here, not a service: up.sh runs its own (.run/prometheus/, :9090) and tests
# run scratch ones. Where an init system runs, the package's postinst starts Debian's service
# (/etc/prometheus/prometheus.yml on :9090), which would take up.sh's port: when this run installed
# the package, that service is stopped and disabled. An existing installation is left as it is.
ensure_prometheus() {
  package_installed prometheus && return 0
  ensure_packages --no-install-recommends prometheus
  log "prometheus: installed /usr/bin/prometheus; disabling Debian's prometheus service (up.sh runs its own)"
  if [[ -d /run/systemd/system ]]; then
    as_root systemctl disable --now prometheus.service >/dev/null 2>&1 ||
      warn "prometheus: could not disable prometheus.service (systemctl disable --now prometheus)"
  elif [[ -x /etc/init.d/prometheus ]]; then
    as_root /etc/init.d/prometheus stop >/dev/null 2>&1 || true
    as_root update-rc.d prometheus disable >/dev/null 2>&1 ||
      warn "prometheus: could not disable /etc/init.d/prometheus (update-rc.d prometheus disable)"
  fi
}

# ---------------------------------------------------------------------------------------------
# Health probes (no client tools needed for redis and zookeeper: bash /dev/tcp)
# ---------------------------------------------------------------------------------------------

# tcp_exchange PORT PAYLOAD — sends PAYLOAD, prints the first line of the answer (bounded 3 s).
# shellcheck disable=SC2016 # the inner script expands its own arguments
tcp_exchange() {
  timeout 3 bash -c '
    exec 3<>"/dev/tcp/$0/$1" || exit 1
    printf "%b" "$2" >&3
    IFS= read -r -t 2 line <&3
    printf "%s" "${line:-}"
  ' "${HOST}" "$1" "$2" 2>/dev/null | tr -d '\r\n'
}

# shellcheck disable=SC2016
port_open() { timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "${HOST}" "$1" 2>/dev/null; }

redis_answers() { [[ "$(tcp_exchange "${REDIS_PORT}" 'PING\r\n' || true)" == "+PONG" ]]; }
redis_healthy() { redis_answers; }

zookeeper_answers() { [[ "$(tcp_exchange "${ZK_PORT}" 'ruok' || true)" == "imok" ]]; }
zookeeper_healthy() { zookeeper_answers; }

mariadb_admin() { command -v mariadb-admin >/dev/null && mariadb-admin "$@"; }
# answers = a server is up on the port (even if root cannot log in).
mariadb_answers() {
  mariadb_admin --no-defaults -h "${HOST}" -P "${MARIADB_PORT}" -uroot --connect-timeout=2 ping \
    >/dev/null 2>&1
}
# healthy = root with an empty password can run a query over TCP (what the tests need).
mariadb_healthy() {
  command -v mariadb >/dev/null &&
    mariadb --no-defaults -h "${HOST}" -P "${MARIADB_PORT}" -uroot --connect-timeout=2 \
      -N -e 'SELECT 1' >/dev/null 2>&1
}

# ---------------------------------------------------------------------------------------------
# Pid files: only processes recorded here were started by this script.
# ---------------------------------------------------------------------------------------------

pid_file() { printf '%s/%s/%s.pid' "${RUN_DIR}" "$1" "$1"; }

# owned_pid SERVICE PATTERN — prints the recorded pid if that process is alive and its command
# line matches PATTERN (guards against pid reuse).
owned_pid() {
  local file pid
  file="$(pid_file "$1")"
  [[ -s "${file}" ]] || return 1
  pid="$(tr -dc '0-9' <"${file}")"
  [[ -n "${pid}" && -r "/proc/${pid}/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/${pid}/cmdline" | grep -q -- "$2" || return 1
  printf '%s' "${pid}"
}

pattern_of() {
  case "$1" in
    redis) echo 'redis-server' ;;
    mariadb) echo 'mariadbd' ;;
    zookeeper) echo 'QuorumPeerMain' ;;
  esac
}

# ---------------------------------------------------------------------------------------------
# Starting
# ---------------------------------------------------------------------------------------------

start_redis() {
  local dir="${RUN_DIR}/redis"
  ensure_packages redis-server
  mkdir -p "${dir}"
  redis-server --daemonize yes --bind "${HOST}" --port "${REDIS_PORT}" --dir "${dir}" \
    --save '' --appendonly no --pidfile "$(pid_file redis)" --logfile "${dir}/redis.log"
}

mariadbd_bin() { command -v mariadbd || echo /usr/sbin/mariadbd; }

start_mariadb() {
  local dir="${RUN_DIR}/mariadb"
  ensure_packages mariadb-server
  # On a machine with systemd the package may have started its own server just now.
  if mariadb_answers; then
    log "mariadb: the package started a server on :${MARIADB_PORT}; using it"
    mariadb_healthy || allow_root_over_tcp
    return 0
  fi
  mkdir -p "${dir}"
  if [[ ! -d "${dir}/data/mysql" ]]; then
    log "mariadb: initialising ${dir}/data"
    mariadb-install-db --no-defaults --datadir="${dir}/data" --user=root \
      --auth-root-authentication-method=normal --skip-test-db >"${dir}/install.log" 2>&1 ||
      { tail -n 20 "${dir}/install.log" >&2; die "mariadb-install-db failed"; }
  fi
  nohup "$(mariadbd_bin)" --no-defaults --datadir="${dir}/data" --user=root \
    --bind-address="${HOST}" --port="${MARIADB_PORT}" --socket="${dir}/mysqld.sock" \
    --pid-file="$(pid_file mariadb)" --log-error="${dir}/error.log" \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
    >/dev/null 2>&1 </dev/null &
}

# A server started by Debian's package only lets root in through the unix socket; the tests need
# root with an empty password over TCP. Only used for a server that this run just installed.
allow_root_over_tcp() {
  log "mariadb: allowing root with an empty password over TCP (fresh package install)"
  as_root mariadb -uroot -e \
    "ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('');" ||
    warn "could not change root's authentication; fix it by hand (see docs in this script)"
}

zookeeper_classpath() {
  printf '%s' "/etc/zookeeper/conf:/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-log4j12.jar:/usr/share/java/log4j-1.2.jar"
}

start_zookeeper() {
  local dir="${RUN_DIR}/zookeeper"
  ensure_packages zookeeper
  command -v java >/dev/null || die "zookeeper: java not found (install default-jre-headless)"
  mkdir -p "${dir}/data" "${dir}/log"
  # tickTime 1 s: ZooKeeper expires sessions on tick boundaries, so a dead broker is noticed within
  # its session timeout + 1 s (the Pacer failover budget is session timeout + 2 s). Min session 2 s.
  printf '%s\n' tickTime=1000 "dataDir=${dir}/data" "clientPort=${ZK_PORT}" \
    "clientPortAddress=${HOST}" maxClientCnxns=0 admin.enableServer=false \
    4lw.commands.whitelist=ruok,srvr,stat,mntr,conf >"${dir}/zoo.cfg"
  nohup java -Xmx256m -cp "$(zookeeper_classpath)" \
    -Dzookeeper.log.dir="${dir}/log" -Dzookeeper.root.logger=INFO,CONSOLE \
    org.apache.zookeeper.server.quorum.QuorumPeerMain "${dir}/zoo.cfg" \
    >"${dir}/log/zookeeper.out" 2>&1 </dev/null &
  echo $! >"$(pid_file zookeeper)"
}

port_of() {
  case "$1" in
    redis) echo "${REDIS_PORT}" ;;
    mariadb) echo "${MARIADB_PORT}" ;;
    zookeeper) echo "${ZK_PORT}" ;;
  esac
}

start_one() {
  local svc="$1" pid
  if "${svc}_answers"; then
    log "${svc}: already running on ${HOST}:$(port_of "${svc}") — leaving it alone"
    return 0
  fi
  if pid="$(owned_pid "${svc}" "$(pattern_of "${svc}")")"; then
    log "${svc}: started earlier by this script (pid ${pid}), not answering yet — not starting another"
    return 0
  fi
  if port_open "$(port_of "${svc}")"; then
    warn "${svc}: port $(port_of "${svc}") is taken by something that does not answer like ${svc}"
    return 0
  fi
  log "${svc}: starting (state in ${RUN_DIR#"${ROOT}"/}/${svc}/)"
  "start_${svc}"
}

cmd_start() {
  mkdir -p "${RUN_DIR}"
  local svc
  for svc in "${SERVICES[@]}"; do start_one "${svc}"; done
  ensure_packages "${TOOL_PACKAGES[@]}"
  ensure_prometheus
  if mariadb_answers && ! mariadb_healthy; then
    warn "mariadb answers on :${MARIADB_PORT} but root cannot log in over TCP with an empty password"
  fi
}

# ---------------------------------------------------------------------------------------------
# Status, wait, stop
# ---------------------------------------------------------------------------------------------

describe() {
  local svc="$1" owner="external" pid
  if pid="$(owned_pid "${svc}" "$(pattern_of "${svc}")")"; then owner="started by services.sh, pid ${pid}"; fi
  if "${svc}_healthy"; then
    printf '%-10s ok      %s:%s (%s)\n' "${svc}" "${HOST}" "$(port_of "${svc}")" "${owner}"
    return 0
  fi
  if [[ "${svc}" == mariadb ]] && mariadb_answers; then
    printf '%-10s BROKEN  %s:%s answers, but root cannot log in over TCP with an empty password\n' \
      "${svc}" "${HOST}" "$(port_of "${svc}")"
  else
    printf '%-10s DOWN    %s:%s (%s)\n' "${svc}" "${HOST}" "$(port_of "${svc}")" "${owner/external/not running}"
  fi
  return 1
}

cmd_status() {
  local svc rc=0
  for svc in "${SERVICES[@]}"; do describe "${svc}" || rc=1; done
  return "${rc}"
}

cmd_wait() {
  local deadline=$((SECONDS + WAIT_TIMEOUT)) svc pending
  while :; do
    pending=()
    for svc in "${SERVICES[@]}"; do "${svc}_healthy" || pending+=("${svc}"); done
    if [[ ${#pending[@]} -eq 0 ]]; then
      log "all healthy: redis :${REDIS_PORT}, mariadb :${MARIADB_PORT}, zookeeper :${ZK_PORT}"
      return 0
    fi
    if ((SECONDS >= deadline)); then
      cmd_status >&2 || true
      hint_logs "${pending[@]}"
      die "not healthy after ${WAIT_TIMEOUT}s: ${pending[*]} (run: bash scripts/services.sh start)"
    fi
    sleep 0.5
  done
}

# Prints the end of the log of each service that this script started (pid file present).
hint_logs() {
  local svc file
  for svc in "$@"; do
    [[ -f "$(pid_file "${svc}")" ]] || continue
    case "${svc}" in
      redis) file="${RUN_DIR}/redis/redis.log" ;;
      mariadb) file="${RUN_DIR}/mariadb/error.log" ;;
      zookeeper) file="${RUN_DIR}/zookeeper/log/zookeeper.out" ;;
    esac
    [[ -f "${file}" ]] || continue
    printf -- '--- last lines of %s ---\n' "${file}" >&2
    tail -n 15 "${file}" >&2
  done
  return 0
}

stop_one() {
  local svc="$1" pid i
  if ! pid="$(owned_pid "${svc}" "$(pattern_of "${svc}")")"; then
    log "${svc}: not started by this script — leaving it alone"
    return 0
  fi
  log "${svc}: stopping pid ${pid}"
  kill -TERM "${pid}" 2>/dev/null || true
  for ((i = 0; i < 60; i++)); do
    kill -0 "${pid}" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "${pid}" 2>/dev/null; then
    warn "${svc}: still alive after 30 s, sending SIGKILL"
    kill -KILL "${pid}" 2>/dev/null || true
  fi
  rm -f "$(pid_file "${svc}")"
}

cmd_stop() {
  local svc
  for svc in "${SERVICES[@]}"; do stop_one "${svc}"; done
}

main() {
  case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    wait) cmd_wait ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "usage: $0 start|stop|status|wait|--help" >&2; exit 2 ;;
  esac
}

main "$@"
