#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# bench_smoke (ctest): proves the load generator works end to end without npm or network.
# Starts confabd on a free loopback port with a throwaway data directory, then a short
# fan-out: 20 subscribers, 2 publishers, 200 messages. Fails on any loss, duplicate,
# reordering or error reply (latency is not judged here).
#   smoke.sh CONFABD CONFAB_BENCH
set -eu
CONFABD=$1
BENCH=$2
DIR=$(mktemp -d /tmp/confab-bench-smoke.XXXXXX)
PID=
cleanup() {
    if [ -n "$PID" ]; then
        kill "$PID" 2>/dev/null || true
        wait "$PID" 2>/dev/null || true
    fi
    rm -rf "$DIR"
}
trap cleanup EXIT
"$CONFABD" --listen 127.0.0.1:0 --data "$DIR" --open-registration --limits-rate-per-s 1000 \
    --limits-burst 1000 --auth-kdf-memory-kib 64 --auth-kdf-iterations 1 \
    >"$DIR/server.log" 2>&1 &
PID=$!
PORT=
for _ in $(seq 100); do
    PORT=$(grep -o 'ws://127.0.0.1:[0-9]*' "$DIR/server.log" 2>/dev/null | sed 's/.*://' || true)
    [ -n "$PORT" ] && break
    sleep 0.1
done
if [ -z "$PORT" ]; then
    echo "confabd did not start:" >&2
    cat "$DIR/server.log" >&2
    exit 1
fi
# 2 publishers at 100 messages/s for 2 s: 200 messages to 22 receivers.
"$BENCH" fanout --server "127.0.0.1:$PORT" --pid "$PID" --subs 20 --pubs 2 --users 4 \
    --rates 100 --max-messages 200 --warm-s 0 --step-s 2.2 --drain-s 5 --assert 1 >"$DIR/result.json"
cat "$DIR/result.json"
grep -q '"sent":200,' "$DIR/result.json" || { echo "expected 200 messages sent" >&2; exit 1; }
