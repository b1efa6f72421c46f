#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The desktop app's speed (issue 14), with one command: builds Confab, starts an Xvfb display
# of its own, and runs confab-app-bench's scenarios on it, one after the other: the cold start
# of the real `confab` binary on a cache of 50 × 10,000 messages (and its memory), switching
# between 10,000-message channels in the real Main.qml, and scrolling a 100,000-message
# channel. Prints each summary; the JSON lines go to $WORK/results.jsonl.
#
#   tests/bench/run-app.sh [--quick] [--runs N] [--rounds N] [--frames N] [--step PX]
#                          [--display :N] [--build-dir DIR] [--no-build]
# Defaults take about 15 minutes on 2 busy cores (after the build). See docs/benchmarks.md,
# "The desktop app".
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"

RUNS=5
ROUNDS=20
SCROLL_ROUNDS=2
FRAMES=1200
STEP=40
CHANNELS=50
MESSAGES=10000
SCROLL_MESSAGES=100000
DISPLAY_NUMBER=:61
BUILD_DIR=build
BUILD=1
while [ $# -gt 0 ]; do
    case $1 in
    --quick) RUNS=2 ROUNDS=5 SCROLL_ROUNDS=1 FRAMES=300 CHANNELS=10 ;;
    --runs) RUNS=$2; shift ;;
    --rounds) ROUNDS=$2; shift ;;
    --frames) FRAMES=$2; shift ;;
    --step) STEP=$2; shift ;;
    --display) DISPLAY_NUMBER=$2; shift ;;
    --build-dir) BUILD_DIR=$2; shift ;;
    --no-build) BUILD=0 ;;
    *) sed -n '2,11p' "$0"; exit 2 ;;
    esac
    shift
done

# shellcheck source=../../packaging/deps.sh
source packaging/deps.sh
if [ "$BUILD" = 1 ]; then
    confab_install_packages "${CONFAB_BUILD_PACKAGES[@]}" "${CONFAB_TEST_PACKAGES[@]}"
    confab_build "$BUILD_DIR"
fi
APP=$ROOT/$BUILD_DIR/app/confab
BENCH=$ROOT/$BUILD_DIR/tests/bench/app/confab-app-bench
for f in "$APP" "$BENCH"; do
    [ -x "$f" ] || { echo "missing $f: build first" >&2; exit 1; }
done

WORK=$(mktemp -d /tmp/confab-app-bench.XXXXXX)
RESULTS=$WORK/results.jsonl
XVFB_PID=
cleanup() {
    if [ -n "$XVFB_PID" ]; then
        kill "$XVFB_PID" 2>/dev/null || true
        wait "$XVFB_PID" 2>/dev/null || true
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The app's own window size, 24-bit colour, as on a desktop.
Xvfb "$DISPLAY_NUMBER" -screen 0 1200x760x24 -nolisten tcp >"$WORK/xvfb.log" 2>&1 &
XVFB_PID=$!
for _ in $(seq 100); do
    [ -S "/tmp/.X11-unix/X${DISPLAY_NUMBER#:}" ] && break
    kill -0 "$XVFB_PID" 2>/dev/null || { cat "$WORK/xvfb.log" >&2; exit 1; }
    sleep 0.1
done
export DISPLAY=$DISPLAY_NUMBER
unset QT_QPA_PLATFORM

# record: prints the scenario's output and keeps its JSON line.
record() {
    tee "$WORK/last.txt"
    tail -n 1 "$WORK/last.txt" >>"$RESULTS"
}

echo "== results in $RESULTS"
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== display $DISPLAY (Xvfb), $(glxinfo -B 2>/dev/null | grep -m1 'OpenGL renderer' || echo 'renderer unknown')"

echo "== cold start: $CHANNELS × $MESSAGES cached messages, $RUNS runs (and as many on an empty data directory)"
"$BENCH" coldstart --app "$APP" --channels "$CHANNELS" --messages "$MESSAGES" --runs "$RUNS" | record

echo "== switching between two channels of $MESSAGES messages, $ROUNDS rounds"
"$BENCH" switch --channels 2 --messages "$MESSAGES" --rounds "$ROUNDS" | record

echo "== memory and first visits: $CHANNELS channels of $MESSAGES messages, each opened once"
"$BENCH" switch --channels "$CHANNELS" --messages "$MESSAGES" --rounds 1 | record

echo "== scrolling a channel of $SCROLL_MESSAGES messages, $STEP px per frame"
"$BENCH" scroll --messages "$SCROLL_MESSAGES" --frames "$FRAMES" --step "$STEP" \
    --rounds "$SCROLL_ROUNDS" | record
