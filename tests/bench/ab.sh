#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A/B of two confabd builds on the same machine in the same run: durable publishes and the
# fan-out sweep, the two binaries alternated round by round so that drift hits both.
# For a refactor's "no regression beyond noise" (docs/benchmarks.md, "A/B runs").
#
#   tests/bench/ab.sh OLD_CONFABD NEW_CONFABD [ROUNDS]   (build confab-bench into build/ first)
# Prints one JSON line per measurement, tagged with "build":"A"|"B" and "round".
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OLD=$1 NEW=$2 ROUNDS=${3:-3}
BENCH=$ROOT/build/tests/bench/load/confab-bench
for f in "$OLD" "$NEW" "$BENCH"; do [ -x "$f" ] || { echo "missing $f" >&2; exit 1; }; done
PRIO=()
[ "$(id -u)" -eq 0 ] && PRIO=(nice -n -10)
WORK=$(mktemp -d /tmp/confab-ab.XXXXXX)
PID=
stop() {
    [ -n "$PID" ] || return 0
    kill "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
    PID=
}
trap 'stop; rm -rf "$WORK"' EXIT

# start BINARY: a fresh data directory, limits lifted as in run.sh.
start() {
    local data=$WORK/data-$RANDOM$RANDOM log=$WORK/server.log
    mkdir -p "$data"
    "${PRIO[@]}" taskset -c 0 "$1" --listen 127.0.0.1:0 --data "$data" --open-registration \
        --limits-rate-per-s 1000000 --limits-burst 1000000 --auth-kdf-memory-kib 64 \
        --auth-kdf-iterations 1 --auth-max-failures 1000000 --limits-catchup 1000 \
        --limits-connections-per-address 0 --limits-connections-per-user 0 >"$log" 2>&1 &
    PID=$!
    for _ in $(seq 200); do
        grep -q 'listening on ws://' "$log" && break
        sleep 0.05
    done
    PORT=$(sed -n 's|.*listening on ws://[^:]*:\([0-9]*\)/ws.*|\1|p' "$log")
}

bench() {
    "${PRIO[@]}" taskset -c 1 "$BENCH" "$@" --server "127.0.0.1:$PORT" --pid "$PID" --server-cpu 0 |
        tail -n 1
}

tag() { sed "s/}\$/,\"build\":\"$1\",\"round\":$2}/"; }

for round in $(seq "$ROUNDS"); do
    for build in A B; do
        bin=$OLD
        [ $build = B ] && bin=$NEW
        start "$bin"
        bench durable --pubs 1,10,100 --window 1 --duration-s 4 | tag $build "$round"
        stop
        start "$bin"
        bench fanout --proto confab --subs 1000 --pubs 10 --rates 20,40,80,150,300 --step-s 3 \
            --stop-after-fails 2 | tag $build "$round"
        stop
    done
done
