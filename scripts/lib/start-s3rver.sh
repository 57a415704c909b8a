#!/usr/bin/env bash
# Starts s3rver (fake S3; access key and secret are both S3RVER) in the background.
#
#   start-s3rver.sh TOOLS_DIR DATA_DIR PORT PID_FILE
#
# TOOLS_DIR is the npm prefix holding s3rver (node_modules/s3rver). Writes the node PID to PID_FILE
# and returns 0 once PORT accepts TCP (timeout S3RVER_START_TIMEOUT, default 30 s).
set -euo pipefail

if [ $# -lt 4 ]; then
  echo "usage: $0 TOOLS_DIR DATA_DIR PORT PID_FILE" >&2
  exit 2
fi
tools=$1 data=$2 port=$3 pidfile=$4
timeout_s=${S3RVER_START_TIMEOUT:-30}
entry=$tools/node_modules/s3rver/bin/s3rver.js

if [ ! -f "$entry" ]; then
  echo "s3rver: $entry not found (run: npm install --prefix $tools s3rver@3.7.1)" >&2
  exit 1
fi
if ! command -v node > /dev/null; then
  echo "s3rver: node not found" >&2
  exit 1
fi

mkdir -p "$data"
log=$(dirname "$pidfile")/s3rver.log
# Run node directly (not the .bin shim) so the PID we record is the server itself.
node "$entry" -d "$data" -a 127.0.0.1 -p "$port" --silent < /dev/null > "$log" 2>&1 &
pid=$!
echo "$pid" > "$pidfile"

deadline=$((SECONDS + timeout_s))
until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "s3rver: exited during start; output:" >&2
    tail -n 20 "$log" >&2 || true
    exit 1
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "s3rver: port $port not accepting after ${timeout_s}s" >&2
    exit 1
  fi
  sleep 0.1
done
