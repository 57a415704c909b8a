#!/usr/bin/env bash
# Starts a throw-away RabbitMQ node (Debian's 3.10 package) without root paths.
#
#   start-rabbitmq.sh BASE_DIR AMQP_PORT DIST_PORT [NODE_NAME]
#
# Everything lives under BASE_DIR (created if missing): config, mnesia, logs, the Erlang cookie
# (HOME) and BASE_DIR/rabbitmq.env, which stop-all.sh sources to reach the same node.
# Returns 0 once the AMQP port accepts TCP (timeout RABBITMQ_START_TIMEOUT, default 60 s).
#
# We call /usr/lib/rabbitmq/bin/* directly: the /usr/sbin wrappers su to user "rabbitmq" and use
# /var/lib/rabbitmq. `rabbitmq-diagnostics ping` succeeds before AMQP listens, and every CLI call
# boots an Erlang VM (~1.5 s), so readiness is a plain TCP probe.
set -euo pipefail

if [ $# -lt 3 ]; then
  echo "usage: $0 BASE_DIR AMQP_PORT DIST_PORT [NODE_NAME]" >&2
  exit 2
fi
base=$1 port=$2 dist=$3
name=${4:-cekura-test-$$-$RANDOM}
timeout_s=${RABBITMQ_START_TIMEOUT:-60}
bin=/usr/lib/rabbitmq/bin

if [ ! -x "$bin/rabbitmq-server" ]; then
  echo "rabbitmq: $bin/rabbitmq-server not found (package rabbitmq-server not installed)" >&2
  exit 1
fi

mkdir -p "$base"/{mnesia,log,home}
base=$(cd "$base" && pwd)
printf '%s\n' "listeners.tcp.default = 127.0.0.1:$port" "loopback_users = none" > "$base/rabbitmq.conf"
echo '[].' > "$base/enabled_plugins"

# The same variables must be set for rabbitmqctl, so they go to a file both sides source.
{
  printf 'export HOME=%q\n' "$base/home"                # the Erlang cookie lives here
  printf 'export RABBITMQ_NODENAME=%q\n' "$name@localhost"
  printf 'export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1\n'
  printf 'export RABBITMQ_NODE_PORT=%q\n' "$port"
  printf 'export RABBITMQ_DIST_PORT=%q\n' "$dist"       # default PORT+20000 overflows for high ports
  printf 'export RABBITMQ_MNESIA_BASE=%q\n' "$base/mnesia"
  printf 'export RABBITMQ_LOG_BASE=%q\n' "$base/log"
  printf 'export RABBITMQ_CONFIG_FILE=%q\n' "$base/rabbitmq.conf"
  printf 'export RABBITMQ_ENABLED_PLUGINS_FILE=%q\n' "$base/enabled_plugins"
  printf 'export RABBITMQ_PID_FILE=%q\n' "$base/rabbit.pid"
  # Keep Erlang distribution and epmd (if this node starts it) on loopback.
  printf 'export ERL_EPMD_ADDRESS=127.0.0.1\n'
  printf 'export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=%q\n' "-kernel inet_dist_use_interface {127,0,0,1}"
} > "$base/rabbitmq.env"
# shellcheck disable=SC1091
. "$base/rabbitmq.env"

"$bin/rabbitmq-server" -detached > "$base/log/detached.out" 2>&1

deadline=$((SECONDS + timeout_s))
until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "rabbitmq: AMQP port $port not accepting after ${timeout_s}s; log tail:" >&2
    tail -n 20 "$base"/log/*.log "$base/log/detached.out" >&2 2>/dev/null || true
    exit 1
  fi
  # The pid file appears once the VM runs; if it is gone again, the node died.
  if [ -s "$base/rabbit.pid" ] && ! kill -0 "$(cat "$base/rabbit.pid")" 2>/dev/null; then
    echo "rabbitmq: node $name exited during start; log tail:" >&2
    tail -n 20 "$base"/log/*.log "$base/log/detached.out" >&2 2>/dev/null || true
    exit 1
  fi
  sleep 0.2
done
