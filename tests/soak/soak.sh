#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The soak of issue 15 (not in CI, not a ctest test): 1,000 clients live at random for 30
# minutes against one real confabd (signing in, joining and leaving channels, typing,
# publishing, going away and back, losing their connections and resuming with `since`), while
# the server's RSS, descriptors and CPU and the delivery latency are sampled every 10 s.
# Writes the samples (CSV), the result (JSON), a plot (PNG) and a verdict: no growth, no loss.
#
#   tests/soak/soak.sh [--clients 1000] [--duration-s 1800] [--sample-s 10] [--seed 1]
#                      [--png docs/soak.png] [--out DIR] [--build-dir build] [--no-build]
#                      [--confabd PATH (another server binary: the self-check of the soak)]
#                      [-- extra confab-bench soak options]
# Exit status: 0 pass, 1 the soak found a fault (or confabd died), 2 could not run.
# See docs/testing.md, "Soak".
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"

CLIENTS=1000
DURATION_S=1800
SAMPLE_S=10
SEED=1
PNG=docs/soak.png
OUT=
BUILD_DIR=build
BUILD=1
PASSWORD=soak-password-1
EXTRA=()
CONFABD=
while [ $# -gt 0 ]; do
    case "$1" in
    --clients) CLIENTS=$2; shift 2 ;;
    --duration-s) DURATION_S=$2; shift 2 ;;
    --sample-s) SAMPLE_S=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --png) PNG=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --build-dir) BUILD_DIR=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --confabd) CONFABD=$2; shift 2 ;;
    --) shift; EXTRA=("$@"); break ;;
    *) echo "soak.sh: unknown option $1 (see the head of $0)" >&2; exit 2 ;;
    esac
done

if ! command -v gnuplot >/dev/null; then
    echo "soak.sh: gnuplot is needed for the plot (tests/soak/plot.sh): apt-get install gnuplot-nox" >&2
    exit 2
fi

if [ "$BUILD" = 1 ]; then
    if [ ! -f "$BUILD_DIR/build.ninja" ]; then
        cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
            -DCONFAB_BUILD_APP=OFF -DCONFAB_TEST_DIRS="bench;soak" >/dev/null
    fi
    ninja -C "$BUILD_DIR" -j2 confabd confab-bench confab-soak-accounts >/dev/null
fi
[ -n "$CONFABD" ] || CONFABD=$BUILD_DIR/server/confabd
BENCH=$BUILD_DIR/tests/bench/load/confab-bench
ACCOUNTS=$BUILD_DIR/tests/soak/confab-soak-accounts
for f in "$CONFABD" "$BENCH" "$ACCOUNTS"; do
    [ -x "$f" ] || { echo "soak.sh: $f is missing (build it, or drop --no-build)" >&2; exit 2; }
done

[ -n "$OUT" ] || OUT=$(mktemp -d /tmp/confab-soak.XXXXXX)
mkdir -p "$OUT"
DATA=$OUT/data
rm -rf "$DATA"
mkdir -m 700 "$DATA"
PID=
cleanup() {
    if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
        kill "$PID" 2>/dev/null || true
        wait "$PID" 2>/dev/null || true
    fi
}
trap cleanup EXIT

"$ACCOUNTS" "$DATA" "$CLIENTS" "$PASSWORD"
# The defaults of a real server, but for: a fast KDF (a thousand first sign-ins), and no cap
# on connections per address (every client comes from 127.0.0.1; the default is 1000).
"$CONFABD" --listen 127.0.0.1:0 --data "$DATA" --auth-kdf-memory-kib 64 --auth-kdf-iterations 1 \
    --limits-connections-per-address 0 >"$OUT/server.log" 2>&1 &
PID=$!
PORT=
for _ in $(seq 100); do
    PORT=$(grep -o 'ws://127.0.0.1:[0-9]*' "$OUT/server.log" 2>/dev/null | sed 's/.*://' || true)
    [ -n "$PORT" ] && break
    sleep 0.1
done
if [ -z "$PORT" ]; then
    echo "soak.sh: confabd did not start:" >&2
    cat "$OUT/server.log" >&2
    exit 2
fi
echo "soak.sh: confabd $PID on port $PORT, $CLIENTS clients for $DURATION_S s; results in $OUT" >&2

STATUS=0
"$BENCH" soak --server "127.0.0.1:$PORT" --pid "$PID" --password "$PASSWORD" \
    --clients "$CLIENTS" --duration-s "$DURATION_S" --sample-s "$SAMPLE_S" --seed "$SEED" \
    --csv "$OUT/samples.csv" "${EXTRA[@]}" >"$OUT/result.json" 2> >(tee "$OUT/soak.log" >&2) ||
    STATUS=$?

# The server must have lived through it, and must still stop cleanly.
if ! kill -0 "$PID" 2>/dev/null; then
    echo "soak.sh: confabd died during the soak (see $OUT/server.log)" >&2
    STATUS=1
else
    kill -TERM "$PID"
    if ! wait "$PID"; then
        echo "soak.sh: confabd did not exit cleanly on SIGTERM" >&2
        STATUS=1
    fi
fi
PID=

if [ -s "$OUT/samples.csv" ]; then
    mkdir -p "$(dirname "$PNG")"
    "$ROOT/tests/soak/plot.sh" "$OUT/samples.csv" "$PNG" \
        "confabd soak: $CLIENTS clients for $((DURATION_S / 60)) min, sampled every $SAMPLE_S s"
    echo "soak.sh: plot in $PNG" >&2
fi
cat "$OUT/result.json"
exit "$STATUS"
