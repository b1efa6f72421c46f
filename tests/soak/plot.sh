#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Plots the samples of a soak (the CSV confab-bench soak writes) into a PNG with gnuplot:
# confabd's RSS, open descriptors (and clients online), CPU (and the load generator's), and
# publish -> delivery latency p50/p99 (and publish -> ack p50) per sample window.
#
#   tests/soak/plot.sh SAMPLES.csv OUT.png [TITLE]
set -euo pipefail

CSV=$1
PNG=$2
TITLE=${3:-confabd soak}
if ! command -v gnuplot >/dev/null; then
    echo "plot.sh: gnuplot is needed: apt-get install gnuplot-nox" >&2
    exit 2
fi
# Columns: 1 t_s, 2 rss_mb, 3 fds, 4 server_cpu_pct, 5 gen_cpu_pct, 6 p50_ms, 7 p99_ms,
# 8 max_ms, 9 live_deliveries, 10 published, 11 online, 12 faults, 13 final (1: after the
# settle, every client back), 14 ack_p50_ms, 15 ack_p99_ms.
END=$(awk -F, 'NR > 1 { t = $1 } END { print t / 60 }' "$CSV")
gnuplot <<EOF
set terminal pngcairo size 1200,1100 font ",10"
set output "$PNG"
set datafile separator ","
set grid
set multiplot layout 4,1 title "$TITLE\n(the dots at the right: after the settle, every client back)"
set xlabel "minutes"
set xrange [0:$END * 1.02]
set lmargin 10
set key bottom left Left reverse
run(c) = (\$13 == 0) ? column(c) : 1/0
fin(c) = (\$13 == 1) ? column(c) : 1/0
set ylabel "RSS (MB)"
set yrange [0:*]
plot "$CSV" skip 1 using (\$1/60):(run(2)) with lines lw 2 title "confabd RSS", \
     "" skip 1 using (\$1/60):(fin(2)) with points pt 7 ps 1 lc 1 notitle
set ylabel "count"
plot "$CSV" skip 1 using (\$1/60):(run(3)) with lines lw 2 title "confabd open descriptors", \
     "" skip 1 using (\$1/60):(run(11)) with lines lw 1 dt 2 title "clients online", \
     "" skip 1 using (\$1/60):(fin(3)) with points pt 7 ps 1 lc 1 notitle, \
     "" skip 1 using (\$1/60):(fin(11)) with points pt 7 ps 1 lc 2 notitle
set ylabel "CPU (% of one core)"
set key top left
set offsets 0, 0, graph 0.4, 0
plot "$CSV" skip 1 using (\$1/60):((\$13 == 0 && \$4 >= 0) ? \$4 : 1/0) with lines lw 2 title "confabd", \
     "" skip 1 using (\$1/60):((\$13 == 0 && \$5 >= 0) ? \$5 : 1/0) with lines lw 1 dt 2 title "load generator"
set ylabel "latency (ms)"
set logscale y
set yrange [*:*]
set offsets 0, 0, 0, 0
plot "$CSV" skip 1 using (\$1/60):((\$13 == 0 && \$6 > 0) ? \$6 : 1/0) with lines lw 2 title "publish -> delivery p50", \
     "" skip 1 using (\$1/60):((\$13 == 0 && \$7 > 0) ? \$7 : 1/0) with lines lw 2 title "publish -> delivery p99", \
     "" skip 1 using (\$1/60):((\$13 == 0 && \$14 > 0) ? \$14 : 1/0) with lines lw 1 dt 2 lc rgb "#e69f00" title "publish -> durable ack p50"
unset multiplot
EOF
