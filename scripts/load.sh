#!/usr/bin/env bash
# Measures a fresh deployment with the load generator (tools/Cekura.LoadGenerator) and prints its markdown report.
#
#   scripts/load.sh [embedded]     [generator args...]  the all-in-one host (scripts/run.sh's deployment) on a fresh data dir
#   scripts/load.sh distributed    [generator args...]  gateway, ingest and each worker as its own process (the one
#                                                       executable with Cekura__Targets per process), RabbitMQ,
#                                                       one shared SQLite file, recordings in s3rver (as scripts/test.sh)
#   scripts/load.sh soak           [generator args...]  a fixed rate for $CEKURA_LOAD_SOAK_SECONDS (default 600) against
#                                                       the embedded host ($CEKURA_LOAD_SOAK_DEPLOYMENT=distributed: one
#                                                       process per module), sampling every process's resident memory
#                                                       every 5 s, and a table of how it moved
#   scripts/load.sh scaling        [generator args...]  the distributed deployment twice, with 1 then 2 workers of
#                                                       $CEKURA_LOAD_STAGE, and a table of that stage's throughput
#   scripts/load.sh cpu            [generator args...]  the embedded host's CPU time per call in steady state: an
#                                                       unreported run at $CEKURA_LOAD_CPU_RATE (default 60/s) for
#                                                       $CEKURA_LOAD_CPU_WARMUP s (default 40: the JIT's tiering is
#                                                       over), then one of 30 s at that rate, drained; the process's
#                                                       user+system CPU over the measured run divided by its calls
#
# Generator defaults per mode (any of them can be overridden by the extra args; `--help` lists them all):
#   embedded/distributed: --plan full: the no-op ceiling and ingest at --concurrency 32 for 20 s each, then ingest at
#                         half the accepted rate for 120 s (the backlog of transcript-only calls is read over it).
#   scaling:              --plan rate --rate $CEKURA_LOAD_SCALING_RATE (default 1) --duration 40 --recordings 1 --noop false
#                         --warmup 0 (warm-up calls would queue ahead of the measured ones at the stage under test):
#                         every call has a recording; the rate must be above one worker's capacity (so the stage's
#                         completions/s is its capacity) and below what ingest accepts (compare accepted/s).
#
#   CEKURA_LOAD_SOAK_RATE          soak: calls per second (default 20); the generator's other defaults apply (10 % of
#                                  the calls carry a recording; --recordings 0 for transcript-only)
#   CEKURA_LOAD_STAGE              scaling: transcription (default), redaction or evaluation
#   CEKURA_LOAD_STAGE_CONCURRENCY  scaling: messages one worker of that stage handles at once (default 1), so that one
#                                  process cannot fill the machine and a second one has room to add throughput
#   CEKURA_LOAD_SCALING_RATE       scaling: calls per second offered (default 1)
#   CEKURA_LOAD_WORKERS            distributed: workers of $CEKURA_LOAD_STAGE (default 1)
#   CEKURA_LOAD_JUDGE_MS           distributed/scaling: every call is also judged by an LLM metric (enabled on the demo
#                                  agent) answered by a local chat-completions server after this many ms
#                                  (scripts/lib/judge-server.py), as a hosted model would: a stage bound by a remote
#                                  service's latency rather than by this machine's cores
#   CEKURA_LOAD_NO_BUILD=1         use the existing Release build
#   CEKURA_LOAD_KEEP=1             keep the state directory (logs, data) for inspection; its path is printed
# Needs the .NET 10 SDK and ffmpeg; distributed/scaling also Debian's rabbitmq-server and node (s3rver is installed into
# .tools/ with npm when missing, as scripts/test.sh does). Everything started here is stopped on exit.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1

mode=embedded
case "${1:-}" in
  embedded|distributed|scaling|soak|cpu) mode=$1; shift ;;
esac
stage=${CEKURA_LOAD_STAGE:-transcription}
case "$stage" in transcription|redaction|evaluation) ;; *) echo "load.sh: CEKURA_LOAD_STAGE must be transcription, redaction or evaluation" >&2; exit 2 ;; esac

log() { echo "[load.sh] $*" >&2; }
key=ck_live_loadGeneratorKey000000000000000001
secret=load-internal-$RANDOM$RANDOM$RANDOM
bin=bin/Release/net10.0
state=$(mktemp -d "${TMPDIR:-/tmp}/cekura-load.XXXXXX")
pids=()

# shellcheck disable=SC2317  # invoked by the trap
stop_services() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  pids=()
}
# shellcheck disable=SC2317
cleanup() {
  local rc=$?
  stop_services
  if [ -n "${judge_pid:-}" ]; then kill "$judge_pid" 2>/dev/null || true; fi
  "$repo/scripts/lib/stop-all.sh" "$state/servers" >&2 || true
  if [ "${CEKURA_LOAD_KEEP:-0}" = 1 ]; then log "kept $state"; else rm -rf "$state"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_ports() {
  python3 - "$1" <<'PY'
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks: s.close()
PY
}

wait_healthy() { # NAME PORT PID
  local deadline=$((SECONDS + 120))
  until curl -sf -o /dev/null "http://127.0.0.1:$2/health"; do
    if ! kill -0 "$3" 2>/dev/null; then log "$1 exited during start:"; tail -n 30 "$state/$1.log" >&2; exit 1; fi
    if [ "$SECONDS" -ge "$deadline" ]; then log "$1 not healthy after 120 s:"; tail -n 30 "$state/$1.log" >&2; exit 1; fi
    sleep 0.3
  done
}

# start NAME DLL_DIR DLL PORT [VAR=VALUE...]: one service process, logging to $state/NAME.log
start() {
  local name=$1 dir=$2 dll=$3 port=$4; shift 4
  (cd "$dir" && exec env -u CEKURA_PORT -u CEKURA_DATA_DIR -u CEKURA_API_KEY ASPNETCORE_URLS="http://127.0.0.1:$port" \
      Logging__LogLevel__Default=Warning "$@" dotnet "$dll" > "$state/$name.log" 2>&1) &
  pids+=($!)
  echo "$!" > "$state/$name.pid"
}

if [ "${CEKURA_LOAD_NO_BUILD:-0}" != 1 ]; then
  log "building (Release)"
  projects=(tools/Cekura.LoadGenerator/Cekura.LoadGenerator.csproj)
  projects+=(services/all-in-one/Cekura.AllInOne.csproj)
  for p in "${projects[@]}"; do dotnet build "$p" -c Release -nologo -v quiet -clp:ErrorsOnly >&2; done
fi
generator=(dotnet "tools/Cekura.LoadGenerator/$bin/Cekura.LoadGenerator.dll")

# Settings every deployment gets here: the known key, the no-op ceiling, and a per-key limit that does not throttle
# the measurement (the default 1,200/min would cap one key at 20 calls/s).
common=(Gateway__NoOpEndpoint=true Gateway__RateLimit__PerMinute=100000000 Gateway__RateLimit__Burst=1000000)

start_embedded() {
  local port; port=$(free_ports 1)
  mkdir -p "$state/data"
  start all-in-one "services/all-in-one/$bin" Cekura.AllInOne.dll "$port" \
    CEKURA_API_KEY=$key Storage__DataDirectory="$state/data" "${common[@]}"
  wait_healthy all-in-one "$port" "${pids[-1]}"
  url=http://127.0.0.1:$port
}

start_servers() {
  mkdir -p "$state/servers"
  local amqp dist s3
  read -r amqp dist s3 < <(free_ports 3)
  (exec 3<>/dev/tcp/127.0.0.1/4369) 2>/dev/null || touch "$state/servers/epmd.ours"
  "$repo/scripts/lib/start-rabbitmq.sh" "$state/servers/rabbitmq" "$amqp" "$dist" "cekura-load-$$" >&2
  if [ ! -f "$repo/.tools/node_modules/s3rver/bin/s3rver.js" ]; then
    log "npm install s3rver@3.7.1 into .tools/"
    npm install --prefix "$repo/.tools" --no-audit --no-fund --loglevel=error s3rver@3.7.1 > /dev/null
  fi
  "$repo/scripts/lib/start-s3rver.sh" "$repo/.tools" "$state/servers/s3rver-data" "$s3" "$state/servers/s3rver.pid" >&2
  rabbit_port=$amqp s3_port=$s3
  judge=()
  if [ -n "${CEKURA_LOAD_JUDGE_MS:-}" ]; then
    local judge_port; judge_port=$(free_ports 1)
    python3 "$repo/scripts/lib/judge-server.py" "$judge_port" "$CEKURA_LOAD_JUDGE_MS" 2> "$state/judge.log" &
    judge_pid=$!  # not in pids: it outlives the deployments a scaling run starts and stops
    judge=(Llm__BaseUrl="http://127.0.0.1:$judge_port/v1" Llm__Model=load-judge Llm__ApiKey=load)
    log "judge server on $judge_port answering after $CEKURA_LOAD_JUDGE_MS ms"
  fi
}

# A binary LLM judge enabled on the demo agent (id 1), so that evaluation asks the judge server once per call.
create_judge_metric() {
  [ -n "${CEKURA_LOAD_JUDGE_MS:-}" ] || return 0
  curl -sf -o /dev/null -X POST "$url/test_framework/v1/metrics/" -H "X-CEKURA-API-KEY: $key" -H 'Content-Type: application/json' \
    -d '{"name": "Helpful", "type": "llm_judge", "eval_type": "binary", "prompt": "Was the agent helpful? {{transcript}}", "agents": [1]}' \
    || { log "could not create the judge metric"; exit 1; }
}

# start_distributed WORKERS_OF_STAGE: one process per module, $1 processes of $stage
start_distributed() {
  local workers=$1 data=$state/data-$RANDOM
  mkdir -p "$data"
  local shared=(Bus__Transport=RabbitMq Bus__RabbitMq__Host=127.0.0.1 Bus__RabbitMq__Port="$rabbit_port"
    Storage__DataDirectory="$data" Storage__CallStore=Sqlite Storage__Blobs=S3 Storage__S3__Endpoint="127.0.0.1:$s3_port"
    Storage__S3__AccessKey=S3RVER Storage__S3__SecretKey=S3RVER Storage__S3__Bucket="cekura-load-$RANDOM"
    Gateway__InternalSecret="$secret")
  local ports names=(ingest) service
  for service in transcription redaction evaluation; do
    if [ "$service" = "$stage" ]; then
      for ((i = 1; i <= workers; i++)); do names+=("$service-$i"); done
    else
      names+=("$service")
    fi
  done
  names+=(gateway)
  read -r -a ports < <(free_ports "${#names[@]}")
  local i=0 name module extra
  for name in "${names[@]}"; do
    module=${name%-*}
    extra=()
    if [ "$module" = "$stage" ] && [ "$mode" = scaling ]; then
      extra=(Bus__ConcurrentMessageLimit="${CEKURA_LOAD_STAGE_CONCURRENCY:-1}" Bus__PrefetchCount="${CEKURA_LOAD_STAGE_CONCURRENCY:-1}")
    fi
    if [ "$module" = evaluation ]; then extra+=("${judge[@]}"); fi
    if [ "$module" = gateway ]; then
      extra=(Gateway__IngestUrl="http://127.0.0.1:${ports[0]}" CEKURA_API_KEY=$key "${common[@]}")
    fi
    # The one executable, running this process's module.
    start "$name" "services/all-in-one/$bin" Cekura.AllInOne.dll "${ports[$i]}" Cekura__Targets="$module" "${shared[@]}" "${extra[@]}"
    i=$((i + 1))
  done
  i=0
  for name in "${names[@]}"; do wait_healthy "$name" "${ports[$i]}" "$(cat "$state/$name.pid")"; i=$((i + 1)); done
  url=http://127.0.0.1:${ports[-1]}
  log "distributed: ${names[*]} up; gateway $url"
  create_judge_metric
}

# sample_memory FILE: every 5 s, "seconds,name,rss_kib" of each process started here, until killed.
sample_memory() {
  local start=$SECONDS pidfile name rss
  while true; do
    for pidfile in "$state"/*.pid; do
      name=$(basename "$pidfile" .pid)
      rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$(cat "$pidfile")/status" 2>/dev/null || true)
      [ -n "$rss" ] && echo "$((SECONDS - start)),$name,$rss" >> "$1"
    done
    sleep 5
  done
}

case "$mode" in
  soak)
    if [ "${CEKURA_LOAD_SOAK_DEPLOYMENT:-embedded}" = distributed ]; then start_servers; start_distributed 1; else start_embedded; fi
    seconds=${CEKURA_LOAD_SOAK_SECONDS:-600}
    sample_memory "$state/memory.csv" &
    sampler=$!
    "${generator[@]}" --url "$url" --key "$key" --plan rate --rate "${CEKURA_LOAD_SOAK_RATE:-20}" --duration "$seconds" \
      --noop false --report "$state/soak.md" "$@"
    kill "$sampler" 2>/dev/null || true
    # Resident memory per process: at the first minute's end, at the middle, at the end, the peak, and the slope of a
    # least-squares line over the second half (after warm-up and the heap's growth to its working size).
    python3 - "$state/memory.csv" "$seconds" <<'PY'
import csv, sys
from collections import defaultdict
rows, total = defaultdict(list), float(sys.argv[2])
for t, name, kib in csv.reader(open(sys.argv[1])):
    rows[name].append((float(t), int(kib) / 1024))
def at(series, t):
    return min(series, key=lambda p: abs(p[0] - t))[1]
print(f"\nResident memory over the {total:.0f} s soak (MiB; samples every 5 s)\n")
print("| process | at 60 s | at half | at end | peak | slope over the second half |")
print("| --- | ---: | ---: | ---: | ---: | ---: |")
for name, series in sorted(rows.items()):
    half = [p for p in series if total / 2 <= p[0] <= total]
    n = len(half)
    mt, mr = sum(t for t, _ in half) / n, sum(r for _, r in half) / n
    slope = sum((t - mt) * (r - mr) for t, r in half) / max(sum((t - mt) ** 2 for t, _ in half), 1e-9) * 60
    print(f"| {name} | {at(series, 60):.0f} | {at(series, total / 2):.0f} | {at(series, total):.0f} | "
          f"{max(r for _, r in series):.0f} | {slope:+.2f} MiB/min |")
PY
    ;;
  cpu)
    start_embedded
    rate=${CEKURA_LOAD_CPU_RATE:-60}
    pid=$(cat "$state/all-in-one.pid")
    log "warming up: $rate calls/s for ${CEKURA_LOAD_CPU_WARMUP:-40} s (not reported)"
    "${generator[@]}" --url "$url" --key "$key" --plan rate --rate "$rate" --duration "${CEKURA_LOAD_CPU_WARMUP:-40}" --noop false \
      --warmup 0 --run-id "warm-$RANDOM" "$@" > /dev/null
    # utime + stime (fields 14 and 15 of /proc/PID/stat, in clock ticks) around a run that ends when every call is
    # evaluated, and cutime + cstime (16 and 17): the ffprobe/ffmpeg children the host started and reaped meanwhile.
    ticks() { awk '{print $14 + $15, $16 + $17}' "/proc/$pid/stat"; }
    read -r own_before children_before < <(ticks)
    "${generator[@]}" --url "$url" --key "$key" --plan rate --rate "$rate" --duration 30 --noop false --warmup 0 \
      --report "$state/cpu.md" "$@"
    read -r own_after children_after < <(ticks)
    accepted=$(grep '^| ingest |' "$state/cpu.md" | sed -n 1p | cut -d'|' -f6 | xargs)
    python3 -c 'import sys; own, kids, n, hz = (float(a) for a in sys.argv[1:]); t = own + kids; print(f"\nServer CPU over the measured run: {t / hz:.1f} s for {n:.0f} calls = **{1000 * t / hz / n:.2f} ms of CPU per call** (ingest and the whole chain, plus the completion polls), of which {1000 * kids / hz / n:.2f} ms in child processes (ffprobe, ffmpeg)")' \
      "$((own_after - own_before))" "$((children_after - children_before))" "$accepted" "$(getconf CLK_TCK)"
    ;;
  embedded)
    start_embedded
    log "embedded host on $url (data in $state/data)"
    "${generator[@]}" --url "$url" --key "$key" "$@"
    ;;
  distributed)
    start_servers
    start_distributed "${CEKURA_LOAD_WORKERS:-1}"
    "${generator[@]}" --url "$url" --key "$key" "$@"
    ;;
  scaling)
    start_servers
    summary=()
    for workers in 1 2; do
      start_distributed "$workers"
      log "scaling: $workers $stage worker(s), each handling ${CEKURA_LOAD_STAGE_CONCURRENCY:-1} message(s) at once"
      "${generator[@]}" --url "$url" --key "$key" --plan rate --rate "${CEKURA_LOAD_SCALING_RATE:-1}" --duration 40 --recordings 1 --noop false --warmup 0 \
        --run-id "scale$workers-$RANDOM" --report "$state/scaling-$workers.md" "$@"
      # The end-to-end table's row: | phase | accepted | evaluated | not evaluated | p50 | p90 | p99 | max | p50 rec | transcribed/s | evaluated/s |
      # The phase table's row (accepted/s is field 7) and the end-to-end table's row (accepted 3, evaluated 4,
      # p50 6, transcribed/s 11, evaluated/s 12).
      sent=$(grep '^| ingest |' "$state/scaling-$workers.md" | sed -n 1p)
      row=$(grep '^| ingest |' "$state/scaling-$workers.md" | sed -n 2p)
      f() { cut -d'|' -f"$1" <<< "$2" | xargs; }
      summary+=("| $workers | $(f 3 "$row") | $(f 7 "$sent") | $(f 4 "$row") | $(f 11 "$row") | $(f 12 "$row") | $(f 6 "$row") |")
      stop_services
    done
    echo
    echo "Scaling: $stage workers on one queue, each handling ${CEKURA_LOAD_STAGE_CONCURRENCY:-1} message(s) at once"
    echo
    echo "| $stage workers | accepted | accepted/s | evaluated | transcribed/s | evaluated/s | completion p50 s |"
    echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    printf '%s\n' "${summary[@]}"
    ;;
esac
