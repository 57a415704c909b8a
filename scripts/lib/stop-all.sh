#!/usr/bin/env bash
# Stops what scripts/test.sh started, as recorded in its state directory, then deletes that directory.
#
#   stop-all.sh STATE_DIR
#
# STATE_DIR/s3rver.pid        -> s3rver is killed
# STATE_DIR/rabbitmq/         -> rabbitmqctl stop with the node's env (waits for the VM to exit)
# STATE_DIR/epmd.ours         -> no epmd ran before our node: stop epmd if no node is left on it
# Best effort: never fails, so it is safe in an EXIT trap.
set -uo pipefail

state=${1:?usage: $0 STATE_DIR}
[ -d "$state" ] || exit 0

wait_gone() { # PID SECONDS
  local i
  for ((i = 0; i < $2 * 10; i++)); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  return 1
}

if [ -s "$state/s3rver.pid" ]; then
  pid=$(cat "$state/s3rver.pid")
  if kill "$pid" 2>/dev/null; then
    wait_gone "$pid" 5 || kill -9 "$pid" 2>/dev/null
    echo "stopped s3rver (pid $pid)"
  fi
fi

rmq=$state/rabbitmq
if [ -f "$rmq/rabbitmq.env" ]; then
  (
    # shellcheck disable=SC1091
    . "$rmq/rabbitmq.env"
    pid=$(cat "$RABBITMQ_PID_FILE" 2>/dev/null || true)
    # With the pid file argument, `rabbitmqctl stop` returns only after the VM has exited.
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      if timeout 60 /usr/lib/rabbitmq/bin/rabbitmqctl -q stop "$RABBITMQ_PID_FILE" > /dev/null 2>&1; then
        echo "stopped rabbitmq node $RABBITMQ_NODENAME"
      else
        echo "rabbitmqctl stop failed; killing pid $pid"
        kill "$pid" 2>/dev/null
        wait_gone "$pid" 10 || kill -9 "$pid" 2>/dev/null
      fi
    fi
  )
fi

# epmd outlives the broker. Stop it only if none ran before our node, and no other node uses it now.
if [ -f "$state/epmd.ours" ]; then
  others=$(epmd -names 2>/dev/null | grep -c '^name ' || true)
  if [ "${others:-0}" -eq 0 ]; then
    ps -o pid=,stat= -C epmd 2>/dev/null | while read -r pid stat; do
      [[ $stat == Z* ]] && continue                    # an already-dead epmd awaiting its reaper
      kill "$pid" 2>/dev/null && echo "stopped epmd (pid $pid)"
    done
  else
    echo "left epmd running: $others other Erlang node(s) registered"
  fi
fi

rm -rf "$state"
exit 0
