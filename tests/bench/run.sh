#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The server benchmark suite of issue 5, with one command: builds Confab, installs the Node
# peers (Socket.IO 4 and a raw ws relay) from npm, runs every scenario with confab-bench on
# loopback, alternating Confab and the peers, and writes docs/benchmarks.json,
# docs/bench-fanout-p99.png and the table (printed, and kept in $WORK/table.md).
#
#   tests/bench/run.sh [--quick] [--rounds N] [--subs N] [--pubs N] [--rates LIST]
#                      [--step-s S] [--conns N] [--storm N] [--history N] [--build-dir DIR]
#                      [--floor-rates LIST] [--no-nice] [--no-build]
# Defaults finish in about 15 minutes on 2 cores (after the build). The server runs on core 0
# (taskset -c 0), the generator on core 1; both at nice -10 when run as root, so that other
# work on the machine disturbs the measurement less. See docs/benchmarks.md, "Server".
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"

ROUNDS=2
SUBS=1000
PUBS=10
RATES=10,20,30,40,60,80,100,150,200,300
STEP_S=3
FLOOR_RATES=20,50,200
CONNS=10000
STORM=1000
HISTORY=1000000
DURABLE_PUBS=1,10,100
BUILD_DIR=build
NICE=1
BUILD=1
while [ $# -gt 0 ]; do
    case $1 in
    --quick) ROUNDS=1 SUBS=200 CONNS=2000 STORM=200 HISTORY=100000 STEP_S=2 ;;
    --rounds) ROUNDS=$2; shift ;;
    --subs) SUBS=$2; shift ;;
    --pubs) PUBS=$2; shift ;;
    --rates) RATES=$2; shift ;;
    --step-s) STEP_S=$2; shift ;;
    --floor-rates) FLOOR_RATES=$2; shift ;;
    --conns) CONNS=$2; shift ;;
    --storm) STORM=$2; shift ;;
    --history) HISTORY=$2; shift ;;
    --build-dir) BUILD_DIR=$2; shift ;;
    --no-nice) NICE=0 ;;
    --no-build) BUILD=0 ;;
    *) sed -n '2,14p' "$0"; exit 2 ;;
    esac
    shift
done

# shellcheck source=../../packaging/deps.sh
source packaging/deps.sh
if [ "$BUILD" = 1 ]; then
    # Node and npm from Debian, unless a Node installation (with its own npm) is there.
    NODE_PACKAGES=()
    command -v node >/dev/null 2>&1 || NODE_PACKAGES+=(nodejs)
    command -v npm >/dev/null 2>&1 || NODE_PACKAGES+=(npm)
    confab_install_packages "${CONFAB_BUILD_PACKAGES[@]}" "${CONFAB_TEST_PACKAGES[@]}" gnuplot-nox \
        "${NODE_PACKAGES[@]}"
    confab_build "$BUILD_DIR"
fi
CONFABD=$ROOT/$BUILD_DIR/server/confabd
CONFABCTL=$ROOT/$BUILD_DIR/server/confabctl
BENCH=$ROOT/$BUILD_DIR/tests/bench/load/confab-bench
for f in "$CONFABD" "$CONFABCTL" "$BENCH"; do
    [ -x "$f" ] || { echo "missing $f: build first" >&2; exit 1; }
done

PEERS=$ROOT/tests/bench/load/peers
if [ ! -d "$PEERS/node_modules/socket.io" ] || [ ! -d "$PEERS/node_modules/ws" ]; then
    (cd "$PEERS" && npm ci --no-audit --no-fund)
fi

# 10,000 connections need 10,000 descriptors on each side.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((CONNS + 1000)) ]; then
    echo "ulimit -n is $(ulimit -n): too low for $CONNS connections; use --conns" >&2
    exit 1
fi

PRIO=()
if [ "$NICE" = 1 ] && [ "$(id -u)" -eq 0 ]; then
    PRIO=(nice -n -10)
fi

WORK=$(mktemp -d /tmp/confab-bench.XXXXXX)
RESULTS=$WORK/results.jsonl
SERVER_PID=
SERVER_PORT=
cleanup() {
    stop_server
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

stop_server() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=
}

# wait_listening LOG: waits (at most 20 s) for "listening on ws://HOST:PORT" in LOG.
wait_listening() {
    for _ in $(seq 200); do
        if grep -q 'listening on ws://' "$1"; then
            SERVER_PORT=$(grep -o 'ws://127.0.0.1:[0-9]*' "$1" | head -1 | sed 's/.*://')
            return 0
        fi
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "server did not start:" >&2
    cat "$1" >&2
    exit 1
}

# start_server SYSTEM [DATA_DIR]: confab (fresh data dir unless given), socketio or ws.
start_server() {
    local system=$1 data=${2:-}
    local log=$WORK/server-$system.log
    case $system in
    confab)
        if [ -z "$data" ]; then
            data=$WORK/data-$RANDOM$RANDOM
            mkdir -p "$data"
        fi
        # All connections come from 127.0.0.1, dozens per user: no per-address or per-user
        # limit (0), or the scenarios would be cut off with 4009.
        "${PRIO[@]}" taskset -c 0 "$CONFABD" --listen 127.0.0.1:0 --data "$data" \
            --open-registration --limits-rate-per-s 1000000 --limits-burst 1000000 \
            --auth-kdf-memory-kib 64 --auth-kdf-iterations 1 --auth-max-failures 1000000 \
            --limits-catchup 1000 --limits-connections-per-address 0 \
            --limits-connections-per-user 0 >"$log" 2>&1 &
        ;;
    socketio)
        "${PRIO[@]}" taskset -c 0 node "$PEERS/socketio-server.js" 0 >"$log" 2>&1 &
        ;;
    ws)
        "${PRIO[@]}" taskset -c 0 node "$PEERS/ws-relay.js" 0 >"$log" 2>&1 &
        ;;
    esac
    SERVER_PID=$!
    wait_listening "$log"
}

bench() {
    "${PRIO[@]}" taskset -c 1 "$BENCH" "$@" --server "127.0.0.1:$SERVER_PORT" --pid "$SERVER_PID" \
        --server-cpu 0
}

# record ROUND: appends the generator's JSON line (stdin) to the results with the round.
record() {
    local line
    line=$(tail -n 1)
    [ -n "$line" ] || { echo "no result" >&2; return 0; }
    printf '%s\n' "${line%\}},\"round\":$1}" >>"$RESULTS"
}

SYSTEMS=(confab socketio ws)
proto_of() { case $1 in confab) echo confab ;; socketio) echo sio ;; ws) echo ws ;; esac; }

echo "== results in $WORK (kept until the end of the run)"
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"

# 1. Fan-out sweeps, alternating systems so that drift hits all of them.
for round in $(seq "$ROUNDS"); do
    for system in "${SYSTEMS[@]}"; do
        echo "== fan-out, round $round: $system ($SUBS subscribers, $PUBS publishers)"
        start_server "$system"
        bench fanout --proto "$(proto_of "$system")" --subs "$SUBS" --pubs "$PUBS" \
            --rates "$RATES" --step-s "$STEP_S" --stop-after-fails 4 | record "$round" || true
        stop_server
    done
done

# 1b. The loopback floor (no server): one small send per delivery from a thread on core 0,
# where the servers run, to $SUBS connections read on core 1; then 4 messages per send.
for round in $(seq "$ROUNDS"); do
    echo "== loopback floor, round $round: $SUBS connections at $FLOOR_RATES msgs/s"
    "${PRIO[@]}" "$BENCH" floor --conns "$SUBS" --rates "$FLOOR_RATES" --step-s "$STEP_S" \
        --batch 1,4 --send-cpu 0 --recv-cpu 1 | record "$round" || true
done

# 2. Idle connections (a fresh server each, so RSS grows from a clean start).
for round in $(seq "$ROUNDS"); do
    for system in "${SYSTEMS[@]}"; do
        echo "== $CONNS idle connections, round $round: $system"
        start_server "$system"
        bench connections --proto "$(proto_of "$system")" --n "$CONNS" | record "$round" || true
        stop_server
    done
done

# 3. Reconnect storm (Confab: resume with since).
for round in $(seq "$ROUNDS"); do
    echo "== reconnect storm of $STORM, round $round"
    start_server confab
    bench storm --subs "$STORM" --pubs "$PUBS" --rate 50 | record "$round" || true
    stop_server
done

# 4. Durable publishes (synchronous=FULL group commit, on this machine's disk).
echo "== durable publishes from $DURABLE_PUBS publishers"
start_server confab
bench durable --pubs "$DURABLE_PUBS" --window 1 --duration-s 4 | record 1 || true
stop_server

# 5. History: fill a channel with the sqlite3 CLI in the server's schema, then measure.
echo "== history of $HISTORY messages"
HDATA=$WORK/history
mkdir -p "$HDATA"
echo "bench-password-1" | CONFAB_KDF_MEMORY_KIB=64 CONFAB_KDF_ITERATIONS=1 \
    "$CONFABCTL" --data "$HDATA" user add bhist --password-stdin >/dev/null
sqlite3 "$HDATA/confab.db" <<EOF
PRAGMA synchronous = OFF;
BEGIN;
WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < $HISTORY)
INSERT INTO messages(rowid, channel_id, seq, mid, cid, sender, ts, text)
SELECT x, c.id, x, lower(hex(x)), 'fill-' || x, 'bhist', 1700000000000 + x * 10,
       CAST(printf('history message %07d %.75c', x, 'x') AS BLOB)
FROM n, (SELECT id FROM channels WHERE name = 'general') AS c;
UPDATE channels SET last_seq = $HISTORY WHERE name = 'general';
COMMIT;
EOF
start_server confab "$HDATA"
bench history --channel general --iterations 300 --rewind 100 --limit 100 | record 1 || true
# The same with TCP_QUICKACK on the client: shows what delayed ACKs add (see benchmarks.md).
bench history --channel general --iterations 300 --rewind 100 --limit 100 --quickack 1 |
    sed 's/"scenario":"history"/"scenario":"history_quickack"/' | record 1 || true
stop_server

# Report: docs/benchmarks.json, the table, the plot.
node "$ROOT/tests/bench/load/report.js" "$RESULTS" "$ROOT/docs" "$WORK" \
    "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
if command -v gnuplot >/dev/null 2>&1; then
    gnuplot "$WORK/fanout.gp"
    echo "== wrote docs/bench-fanout-p99.png"
fi
