#!/usr/bin/env bash
# Runs the whole test suite against real local servers and prints one summary line:
#   N passed, N failed, N skipped
#
#   scripts/test.sh [extra dotnet test args, e.g. --filter Category=Unit]
#
# 1. installs what is missing (apt: rabbitmq-server, docker-compose, ffmpeg, sox, libsox-fmt-mp3, espeak-ng, chromium;
#    npm: s3rver into .tools/),
# 2. starts RabbitMQ and s3rver on free loopback ports and exports CEKURA_TEST_* for the fixtures.
#    A server that cannot be installed or started fails the run with the reason, before anything is built: its
#    tests would only skip, and a green run would prove nothing about them. CEKURA_TEST_ALLOW_MISSING_SERVERS=1
#    runs anyway (those tests then report skipped, with the reason). The servers that did start are named in
#    CEKURA_TEST_REQUIRE_SERVERS, so a test that still cannot reach one fails instead of skipping.
# 3. builds Cekura.sln once, runs dotnet test with the TRX logger and sums the TRX counters.
# Everything started here is stopped by the EXIT trap. MONGODB_URI is passed through untouched.
# CEKURA_REPO_ROOT overrides the directory holding Cekura.sln (used to try the script elsewhere).
set -euo pipefail

started_at=$(date +%s%N)
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tools_root=$(cd "$script_dir/.." && pwd)          # .tools/ always sits beside scripts/
repo_root=${CEKURA_REPO_ROOT:-$tools_root}
cd "$repo_root"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# No MSBuild worker nodes left behind after the run.
export MSBUILDDISABLENODEREUSE=1

log() { echo "[test.sh] $*"; }

# --- installs -------------------------------------------------------------------------------

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo > /dev/null; then sudo -n "$@"
  else return 1
  fi
}

apt_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

apt_updated=0
apt_install() { # PACKAGE [apt-get flags...]
  local pkg=$1; shift
  apt_installed "$pkg" && return 0
  if [ "$(id -u)" -ne 0 ] && ! command -v sudo > /dev/null; then
    log "cannot install $pkg: not root and no sudo"; return 1
  fi
  if [ "$apt_updated" -eq 0 ]; then
    log "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq > /dev/null || { log "apt-get update failed"; return 1; }
    apt_updated=1
  fi
  log "installing $pkg"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" "$pkg" > /dev/null \
    || { log "apt-get install $pkg failed"; return 1; }
}

s3rver_version=3.7.1
s3rver_installed() {
  grep -q "\"version\": \"$s3rver_version\"" "$tools_root/.tools/node_modules/s3rver/package.json" 2>/dev/null
}

have_rabbitmq=1 have_s3rver=1
missing=()      # why a server the suite needs is not running, one line each
required=()     # the servers that run, for CEKURA_TEST_REQUIRE_SERVERS
# Stops the run when a server is missing, unless the caller allowed it; says why either way.
fail_if_missing() {
  [ "${#missing[@]}" -gt 0 ] || return 0
  for reason in "${missing[@]}"; do log "server missing: $reason"; done
  if [ "${CEKURA_TEST_ALLOW_MISSING_SERVERS:-0}" = 1 ]; then
    log "CEKURA_TEST_ALLOW_MISSING_SERVERS=1: running without them; their tests will be reported skipped"
    missing=()
    return 0
  fi
  log "failing: the tests of a missing server would only skip. Fix the cause above, or set" \
      "CEKURA_TEST_ALLOW_MISSING_SERVERS=1 to run without it."
  exit 1
}
apt_install rabbitmq-server || have_rabbitmq=0
# docker-compose only validates deploy/compose; without recommends it skips docker.io & co.
apt_install docker-compose --no-install-recommends || true
# Ingest decodes every recording with ffmpeg/ffprobe; the tests make their audio with ffmpeg, sox and espeak-ng.
apt_install ffmpeg || log "ffmpeg missing: recording tests will fail"
apt_install sox || true
apt_install libsox-fmt-mp3 || true
apt_install espeak-ng || true
# The web console's browser tests drive Debian's chromium; without it they skip and say so.
apt_install chromium || log "chromium missing: the browser tests will skip"
if ! s3rver_installed; then
  if command -v npm > /dev/null; then
    log "npm install s3rver@$s3rver_version into .tools/"
    npm install --prefix "$tools_root/.tools" --no-audit --no-fund --loglevel=error "s3rver@$s3rver_version" > /dev/null \
      || log "npm install s3rver failed"
  else
    log "cannot install s3rver: npm not found"
  fi
  s3rver_installed || have_s3rver=0
fi
[ "$have_rabbitmq" -eq 1 ] \
  || missing+=("RabbitMQ: Debian's rabbitmq-server could not be installed (see the apt-get message above)")
[ "$have_s3rver" -eq 1 ] \
  || missing+=("S3: s3rver@$s3rver_version could not be installed into .tools/ (npm missing or npm install failed; see above)")
fail_if_missing

# --- servers --------------------------------------------------------------------------------

state=$(mktemp -d "${TMPDIR:-/tmp}/cekura-test.XXXXXX")
# shellcheck disable=SC2317  # invoked by the trap
cleanup() {
  local rc=$?
  "$script_dir/lib/stop-all.sh" "$state" | sed 's/^/[test.sh] /' || true
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Prints N distinct free loopback ports (all bound at once, so they differ).
free_ports() {
  if command -v python3 > /dev/null; then
    python3 - "$1" <<'PY'
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks: s.close()
PY
  else
    local ports=() p
    while [ "${#ports[@]}" -lt "$1" ]; do
      p=$((20000 + RANDOM % 20000))
      [[ " ${ports[*]} " == *" $p "* ]] && continue
      (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || ports+=("$p")
    done
    echo "${ports[*]}"
  fi
}


read -r amqp_port dist_port s3_port < <(free_ports 3)

if [ "$have_rabbitmq" -eq 1 ]; then
  # If no epmd runs yet, our node starts one (it outlives the node); stop-all.sh then stops it.
  (exec 3<>/dev/tcp/127.0.0.1/4369) 2>/dev/null || touch "$state/epmd.ours"
  t0=$SECONDS
  if "$script_dir/lib/start-rabbitmq.sh" "$state/rabbitmq" "$amqp_port" "$dist_port" "cekura-test-$$"; then
    export CEKURA_TEST_RABBITMQ_HOST=127.0.0.1 CEKURA_TEST_RABBITMQ_PORT=$amqp_port
    log "rabbitmq ready on 127.0.0.1:$amqp_port (guest/guest) after $((SECONDS - t0)) s"
    required+=(rabbitmq)
  else
    missing+=("RabbitMQ: the broker did not start on 127.0.0.1:$amqp_port (its log tail is above)")
  fi
fi

if [ "$have_s3rver" -eq 1 ]; then
  if "$script_dir/lib/start-s3rver.sh" "$tools_root/.tools" "$state/s3rver-data" "$s3_port" "$state/s3rver.pid"; then
    export CEKURA_TEST_S3_ENDPOINT=127.0.0.1:$s3_port
    log "s3rver ready on 127.0.0.1:$s3_port (S3RVER/S3RVER)"
    required+=(s3)
  else
    missing+=("S3: s3rver did not start on 127.0.0.1:$s3_port (its output is above)")
  fi
fi
fail_if_missing
CEKURA_TEST_REQUIRE_SERVERS=$(IFS=,; echo "${required[*]}")
export CEKURA_TEST_REQUIRE_SERVERS

# --- build and test -------------------------------------------------------------------------

# `dotnet new sln` on .NET 10 writes Cekura.slnx; accept either.
sln=Cekura.sln
[ -f "$sln" ] || [ ! -f Cekura.slnx ] || sln=Cekura.slnx
results=$repo_root/TestResults
rm -rf "$results"
build_rc=0 test_rc=0
log "dotnet build $sln -c Release"
dotnet build "$sln" -c Release || build_rc=$?
if [ "$build_rc" -eq 0 ]; then
  log "dotnet test"
  # --blame names the test that was running if a test host crashes (an aborted run has no failed test to show).
  dotnet test "$sln" -c Release --no-build --blame --logger trx --results-directory "$results" "$@" || test_rc=$?
else
  log "build failed (exit $build_rc); tests not run"
fi

# Stop the servers now so the summary stays the last line (the trap then finds nothing left).
"$script_dir/lib/stop-all.sh" "$state" | sed 's/^/[test.sh] /' || true

# --- summary --------------------------------------------------------------------------------

passed=0 failed=0 skipped=0 trx_count=0
counter() { local v; v=$(sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<< "$2"); echo "${v:-0}"; }
while IFS= read -r -d '' trx; do
  line=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1 || true)
  [ -n "$line" ] || { log "no <Counters> in $trx"; continue; }
  trx_count=$((trx_count + 1))
  passed=$((passed + $(counter passed "$line")))
  failed=$((failed + $(counter failed "$line")))
  # A skipped xunit test is "NotExecuted" in its result, but the VSTest TRX logger leaves the
  # notExecuted counter at 0 and only lowers executed; total - executed counts it either way.
  skipped=$((skipped + $(counter total "$line") - $(counter executed "$line")))
done < <(find "$results" -name '*.trx' -print0 2>/dev/null)

# Say why tests were skipped (each reason once, with how many tests it skipped), so nobody mistakes a skip for a pass.
if [ "$skipped" -gt 0 ]; then
  find "$results" -name '*.trx' -print0 2>/dev/null | xargs -0 -r python3 -c '
import collections, re, sys
reasons = collections.Counter()
for path in sys.argv[1:]:
    text = open(path, encoding="utf-8").read()
    for block in re.findall(r"outcome=\"NotExecuted\".*?</UnitTestResult>", text, re.S):
        message = re.search(r"<Message>(.*?)</Message>", block, re.S)
        reasons[message.group(1).strip() if message else "(no reason given)"] += 1
for reason, count in reasons.most_common():
    print(f"[test.sh] skipped {count}: {reason}")
' || true
fi

# A crashed test host aborts its assembly without a failed test; never let the summary read as green.
if [ "$test_rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
  log "dotnet test exited $test_rc with no failed test: a test host crashed or a run was aborted (see the blame lines above)"
  failed=1
fi

elapsed_ms=$((($(date +%s%N) - started_at) / 1000000))
log "$trx_count TRX file(s) in $results"
printf 'Total wall time: %d.%01d s\n' $((elapsed_ms / 1000)) $((elapsed_ms % 1000 / 100))
echo "$passed passed, $failed failed, $skipped skipped"

if [ "$build_rc" -ne 0 ]; then exit "$build_rc"; fi
if [ "$test_rc" -ne 0 ]; then exit "$test_rc"; fi
if [ "$failed" -gt 0 ]; then exit 1; fi
exit 0
