#!/usr/bin/env bash
# Load benchmark of the widget API. Each scenario starts a fresh `lingxi serve --demo` on a new temporary
# data directory, runs bench/loadgen against it and prints the results. See docs/performance.md.
#
#   bench/run_load.sh [all|idle-rss|turns|idle]...        (default: all)
#
# Environment: BUILD (build-rel)  RATES ("1000 2000 5000 8000")  CUSTOMERS (1000)  DURATION (20)  WARMUP (3)
#              CONNECTIONS (19000)  HOLD (20)  SOURCES ("127.0.0.1 127.0.0.2 127.0.0.3")  KEEP=1 keeps data dirs
# Build first: cmake -S . -B build-rel -G Ninja -DCMAKE_BUILD_TYPE=Release -DLINGXI_BUILD_TESTS=OFF &&
#              ninja -C build-rel lingxi lingxi_loadgen
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build-rel}
LINGXI=$BUILD/src/app/lingxi
LOADGEN=$BUILD/bench/loadgen/lingxi_loadgen
RATES=${RATES:-"1000 2000 5000 8000"}
CUSTOMERS=${CUSTOMERS:-1000}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-3}
CONNECTIONS=${CONNECTIONS:-19000}
HOLD=${HOLD:-20}
SOURCES=${SOURCES:-"127.0.0.1 127.0.0.2 127.0.0.3"}
for f in "$LINGXI" "$LOADGEN"; do
  [[ -x $f ]] || { echo "missing $f (build it first, see the header of $0)" >&2; exit 1; }
done

SERVER_PID="" PORT="" DATA=""
cleanup() { stop_server; }
trap cleanup EXIT

# start_server [fd limit]: starts the server on a fresh data dir; sets SERVER_PID, PORT, DATA.
start_server() {
  DATA=$(mktemp -d /tmp/lingxi-load.XXXXXX)
  ( ulimit -n "${1:-4096}"; cd "$ROOT"; exec "$LINGXI" serve --demo --port 0 --data "$DATA" ) >"$DATA/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 300); do  # up to 60 s
    PORT=$(sed -n 's#^LISTENING http://127.0.0.1:\([0-9]*\).*#\1#p' "$DATA/server.log" | head -1)
    [[ -n $PORT ]] && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.2
  done
  echo "server did not start; log:" >&2; tail -20 "$DATA/server.log" >&2; exit 1
}

stop_server() {
  [[ -n $SERVER_PID ]] || return 0
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID"
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$SERVER_PID" 2>/dev/null && { echo "server did not stop; killing" >&2; kill -KILL "$SERVER_PID"; }
  else
    echo "!! server exited on its own (pid $SERVER_PID); last log lines:" >&2; tail -20 "$DATA/server.log" >&2
  fi
  wait "$SERVER_PID" 2>/dev/null || true
  local warn; warn=$(grep -ciE '\b(warn|error|critical)\b' "$DATA/server.log" || true)
  if [[ $warn -gt 0 ]]; then
    echo "server log: $warn warning/error lines, first ones:"; grep -iE '\b(warn|error|critical)\b' "$DATA/server.log" | head -5
  fi
  if [[ ${KEEP:-0} == 1 ]]; then echo "data dir kept: $DATA"; else rm -rf "$DATA"; fi
  SERVER_PID=""
}

# Busy and total jiffies of the whole machine (all CPUs), from /proc/stat.
cpu_jiffies() { awk '/^cpu / {print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }

# The cores are shared: wait (up to QUIET_WAIT s) until the machine is nearly idle before a measurement.
wait_quiet() {
  local i a b busy=100
  for i in $(seq 1 "${QUIET_WAIT:-180}"); do
    a=$(cpu_jiffies); sleep 1; b=$(cpu_jiffies)
    busy=$(awk -v a="$a" -v b="$b" 'BEGIN {split(a, x, " "); split(b, y, " "); printf "%d", 100 * (y[1]-x[1]) / (y[2]-x[2] + 1)}')
    (( busy < 15 )) && break
  done
  echo "machine busy before the run: ${busy}% of all cores"
}

# machine_cpu START: percent of one core used machine-wide since START (output of cpu_jiffies), for comparison.
machine_cpu() {
  awk -v a="$1" -v b="$(cpu_jiffies)" -v n="$(nproc)" 'BEGIN {split(a, x, " "); split(b, y, " ");
    printf "%.0f", 100 * n * (y[1]-x[1]) / (y[2]-x[2] + 1)}'
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo -1; }
server_cpu() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }  # utime + stime, clock ticks

machine() {
  echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
    "$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM, kernel $(uname -r)"
  echo "== build: $BUILD ($(grep -m1 CMAKE_BUILD_TYPE: "$BUILD/CMakeCache.txt" | cut -d= -f2)), commit" \
    "$(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- src || echo ' + uncommitted src changes')"
  echo "== date: $(date -u +%Y-%m-%dT%H:%MZ)"
}

scenario_idle_rss() {
  echo; echo "== idle server RSS (fresh 'serve --demo', no clients)"
  wait_quiet
  start_server
  sleep 3
  echo "idle server: VmRSS $(rss_kb "$SERVER_PID") kB, $(grep -E '^(VmHWM|Threads)' "/proc/$SERVER_PID/status" | xargs)"
  stop_server
}

scenario_turns() {
  local rate
  for rate in $RATES; do
    echo; echo "== turns: $CUSTOMERS customers, open loop $rate turns/s, ${DURATION}s (+${WARMUP}s warm-up)"
    wait_quiet
    start_server
    local cpu0 t0 m0; cpu0=$(server_cpu "$SERVER_PID"); t0=$(date +%s.%N); m0=$(cpu_jiffies)
    ( ulimit -n 8192; "$LOADGEN" turns --port "$PORT" --customers "$CUSTOMERS" --rate "$rate" \
        --duration "$DURATION" --warmup "$WARMUP" --server-pid "$SERVER_PID" --label "turns-$rate" ) || echo "loadgen exit $?"
    local srv all
    srv=$(awk -v a="$cpu0" -v b="$(server_cpu "$SERVER_PID")" -v t0="$t0" -v t1="$(date +%s.%N)" \
      -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.0f", 100*(b-a)/hz/(t1-t0)}')
    all=$(machine_cpu "$m0")
    echo "CPU during setup+run (% of one core, machine has $(( $(nproc) * 100 ))%): server ${srv}%, whole machine ${all}%," \
      "i.e. loadgen + other processes $(( all - srv ))% (a loadgen alone uses ~20%; more means others were busy)"
    stop_server
  done
}

scenario_idle() {
  local n; n=$(wc -w <<<"$SOURCES")
  local per=$(( (CONNECTIONS + n - 1) / n ))
  echo; echo "== idle: $CONNECTIONS WebSockets from $n loadgen processes ($SOURCES), hold ${HOLD}s"
  wait_quiet
  start_server 20000
  local base; base=$(rss_kb "$SERVER_PID")
  local pids=() i=0 src left=$CONNECTIONS
  for src in $SOURCES; do
    local c=$(( left < per ? left : per )); left=$(( left - c ))
    ( ulimit -n 10000; exec "$LOADGEN" idle --port "$PORT" --connections "$c" --source-ip "$src" \
        --hold "$HOLD" --server-pid "$SERVER_PID" --label "idle-$src" ) >"$DATA/loadgen-$i.log" 2>&1 &
    pids+=($!); i=$((i + 1))
  done
  # Sample the server while the generators run: established sockets on the server port, and VmRSS.
  local max_est=0 rss_at_max=0 max_rss=0 s est rss
  for s in $(seq 1 $(( (HOLD + 90) * 2 ))); do
    local alive=0 p; for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [[ $alive == 1 ]] || break
    est=$(ss -Htn state established "( sport = :$PORT )" | wc -l)
    rss=$(rss_kb "$SERVER_PID")
    (( rss > max_rss )) && max_rss=$rss
    (( est >= max_est )) && { max_est=$est; rss_at_max=$rss; }
    sleep 0.5
  done
  for p in "${pids[@]}"; do wait "$p" || echo "loadgen $p exit $?"; done
  for ((j = 0; j < i; j++)); do cat "$DATA/loadgen-$j.log"; done
  echo "server: VmRSS before $base kB; max established server-side sockets $max_est (VmRSS then $rss_at_max kB);" \
    "max VmRSS $max_rss kB; $(grep VmHWM "/proc/$SERVER_PID/status" | xargs)"
  echo "RESULT {\"scenario\":\"idle-total\",\"connections\":$CONNECTIONS,\"max_established\":$max_est,\"server_rss_kb_at_max\":$rss_at_max,\"server_rss_max_kb\":$max_rss,\"server_rss_before_kb\":$base}"
  stop_server
}

machine
[[ $# -gt 0 ]] || set -- all
for s in "$@"; do
  case $s in
    all) scenario_idle_rss; scenario_turns; scenario_idle ;;
    idle-rss) scenario_idle_rss ;;
    turns) scenario_turns ;;
    idle) scenario_idle ;;
    *) echo "unknown scenario $s (all|idle-rss|turns|idle)" >&2; exit 2 ;;
  esac
done
