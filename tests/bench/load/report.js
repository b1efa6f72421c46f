// SPDX-License-Identifier: Apache-2.0
// Turns confab-bench's JSON lines into docs/benchmarks.json, a Markdown table (printed and
// written to WORK/table.md) and a gnuplot script (WORK/fanout.gp) for
// docs/bench-fanout-p99.png. Medians over rounds; ratios are Confab against each peer.
//   node report.js RESULTS.jsonl DOCS_DIR WORK_DIR "machine text"
'use strict';
const fs = require('fs');
const path = require('path');

const [resultsFile, docsDir, workDir, machine] = process.argv.slice(2);
const runs = fs
  .readFileSync(resultsFile, 'utf8')
  .split('\n')
  .filter((l) => l.trim().startsWith('{'))
  .map((l) => JSON.parse(l));

const median = (xs) => {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};
const spread = (xs) => {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x));
  if (v.length < 2) return null;
  const med = median(v);
  return med ? (Math.max(...v) - Math.min(...v)) / med : null;
};
const fmt = (x, digits = 1) =>
  x === null || x === undefined ? '–' : Number(x).toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
const ratio = (a, b, digits = 2) => (a === null || b === null || !b ? '–' : `${(a / b).toFixed(digits)}×`);
// " (Confab 1.23×)", or nothing when either side is missing (the cell says why).
const vs = (a, b) => (a === null || a === undefined || b === null || b === undefined || !b ? '' : ` (Confab ${ratio(a, b)})`);
// The lower middle value: unlike the median it is always one of the inputs (a measured rate).
const lowerMedian = (xs) => {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  return v.length ? v[Math.floor((v.length - 1) / 2)] : null;
};
const P99_LIMIT_MS = 50; // confab-bench fanout's --p99-ms default, which run.sh keeps

const systems = ['confab', 'socketio', 'ws'];
const names = { confab: 'Confab', socketio: 'Socket.IO 4', ws: 'raw ws relay' };
const of = (scenario, proto) => runs.filter((r) => r.scenario === scenario && (!proto || r.proto === proto));

// ---- fan-out ----
// Sustained: the offered load delivered in full (>= 95 % of offered within the window,
// nothing missing, nothing out of order) whatever the latency.
const stepSustained = (st, receivers) =>
  st.missing === 0 && st.violations === 0 && st.errors === 0 && st.closed === 0 &&
  st.deliveries_per_s >= 0.95 * st.rate * receivers;
const fanout = {};
for (const s of systems) {
  const rs = of('fanout', s);
  const byRate = new Map();
  for (const r of rs) {
    for (const st of r.steps) {
      if (!byRate.has(st.rate)) byRate.set(st.rate, []);
      byRate.get(st.rate).push(st);
    }
  }
  const curve = [...byRate.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([rate, sts]) => ({
      rate,
      runs: sts.length,
      deliveries_per_s: median(sts.map((x) => x.deliveries_per_s)),
      p50_ms: median(sts.map((x) => x.p50_ms)),
      p90_ms: median(sts.map((x) => x.p90_ms)),
      p99_ms: median(sts.map((x) => x.p99_ms)),
      max_ms: median(sts.map((x) => x.max_ms)),
      server_us_per_delivery: median(sts.map((x) => x.server_us_per_delivery)),
      server_core_irq_us_per_delivery: median(sts.map((x) => x.server_core_irq_us_per_delivery)),
      server_cpu_pct: median(sts.map((x) => x.server_cpu_pct)),
      gen_us_per_delivery: median(sts.map((x) => x.gen_us_per_delivery)),
      gen_cpu_pct: median(sts.map((x) => x.gen_cpu_pct)),
      gen_saturated: sts.some((x) => x.gen_saturated),
      pass_all: sts.every((x) => x.pass),
      sustained_all: sts.every((x) => stepSustained(x, rs[0].receivers)),
      loss_or_order_errors: sts.reduce((n, x) => n + x.missing + x.violations, 0),
    }));
  // Sustained per round: the highest load delivered in full, whatever the latency: less
  // sensitive to other work on the machine than the p99 knee.
  const sustainedOf = (r) =>
    r.steps.filter((st) => stepSustained(st, r.receivers)).reduce((m, st) => Math.max(m, st.deliveries_per_s), 0);
  fanout[s] = {
    runs: rs.length,
    receivers: rs.length ? rs[0].receivers : null,
    sustained_deliveries_per_s: median(rs.map(sustainedOf)),
    sustained: rs.map(sustainedOf),
    knee_deliveries_per_s: median(rs.map((r) => r.knee_deliveries_per_s)),
    knee_rate: median(rs.map((r) => r.knee_rate)),
    // A measured rate for the per-rate numbers at the knee (knee_rate, a median, may fall
    // between steps: 250 from knees at 200 and 300); 0 when no rate passed in most rounds.
    knee_step_rate: lowerMedian(rs.map((r) => r.knee_rate)),
    knee_spread: spread(rs.map((r) => r.knee_deliveries_per_s)),
    knees: rs.map((r) => r.knee_deliveries_per_s),
    curve,
  };
}
// CPU per delivery at a common low load (the lowest rate every system passed) and at the knee.
const atRate = (s, rate) => (rate === null ? null : fanout[s].curve.find((c) => c.rate === rate) || null);
const commonRates = fanout.confab.curve
  .map((c) => c.rate)
  .filter((rate) => systems.every((s) => (atRate(s, rate) || {}).pass_all));
// The low-load point: 20 msgs/s (about 20,000 deliveries/s) when every system was measured
// there, passing or not; else the lowest rate all passed.
const measuredByAll = (rate) => systems.every((s) => atRate(s, rate));
const measured = systems.flatMap((s) => fanout[s].curve.map((c) => c.rate));
const lowestMeasured = measured.length ? Math.min(...measured) : null;
const lowRate = measuredByAll(20)
  ? 20
  : commonRates.length
    ? commonRates[0]
    : lowestMeasured;
const kneeRow = (s) => (fanout[s].knee_step_rate ? atRate(s, fanout[s].knee_step_rate) : null);
// Why a system has no knee, in words.
const noKnee = (s) => {
  const f = fanout[s];
  if (!f.runs) return 'not measured';
  const failed = f.knees.filter((k) => !(k > 0)).length;
  return `no rate met p99 < ${P99_LIMIT_MS} ms${failed < f.runs ? ` in ${failed} of ${f.runs} rounds` : ''}`;
};
// The highest rate every system delivered in full in every round: CPU compared at equal load.
const sustainedRates = fanout.confab.curve
  .map((c) => c.rate)
  .filter((rate) => systems.every((s) => (atRate(s, rate) || {}).sustained_all));
const commonSustainedRate = sustainedRates.length ? sustainedRates[sustainedRates.length - 1] : null;

// ---- the others ----
const conns = {};
for (const s of systems) {
  const rs = of('connections', s);
  conns[s] = {
    n: rs.length ? rs[0].n : null,
    kib_per_conn: median(rs.map((r) => r.kib_per_conn)),
    connect_per_s: median(rs.map((r) => r.connect_per_s)),
    all_connected: rs.every((r) => r.connected === r.n && r.still_open === r.n),
    runs: rs.map((r) => ({ kib_per_conn: r.kib_per_conn, connect_per_s: r.connect_per_s, connected: r.connected })),
  };
}
const storms = of('storm');
const storm = {
  subs: storms.length ? storms[0].subs : null,
  resync_s: median(storms.map((r) => r.resync_s)),
  resync_s_max: storms.length ? Math.max(...storms.map((r) => r.resync_s)) : null,
  all_synced: storms.every((r) => r.all_synced),
  missing: storms.reduce((n, r) => n + r.missing, 0),
  violations: storms.reduce((n, r) => n + r.violations, 0),
  runs: storms,
};
const durable = of('durable')[0] || null;
const history = of('history')[0] || null;
const historyQuick = of('history_quickack')[0] || null;

// ---- loopback floor (no server: bare sends from one thread to N connections) ----
const floorRuns = of('floor');
const floorBy = new Map(); // "batch rate" -> steps over rounds
for (const r of floorRuns) {
  for (const st of r.steps) {
    const k = `${st.batch} ${st.rate}`;
    if (!floorBy.has(k)) floorBy.set(k, []);
    floorBy.get(k).push(st);
  }
}
const known = (x) => (typeof x === 'number' && x >= 0 ? x : null); // -1: not measurable
const floor = floorRuns.length
  ? {
      conns: floorRuns[0].conns,
      bytes: floorRuns[0].bytes,
      steps: [...floorBy.values()]
        .map((sts) => ({
          rate: sts[0].rate,
          batch: sts[0].batch,
          runs: sts.length,
          sends_per_s: median(sts.map((x) => x.sends_per_s)),
          send_us_per_send: median(sts.map((x) => x.send_us_per_send)),
          send_sys_us_per_send: median(sts.map((x) => x.send_sys_us_per_send)),
          send_core_irq_us_per_send: median(sts.map((x) => known(x.send_core_irq_us_per_send))),
          recv_us_per_send: median(sts.map((x) => known(x.recv_us_per_send))),
          recv_core_irq_us_per_send: median(sts.map((x) => known(x.recv_core_irq_us_per_send))),
          kept_up: sts.every((x) => x.kept_up),
          lost_bytes: sts.reduce((n, x) => n + x.lost_bytes, 0),
        }))
        .sort((a, b) => a.batch - b.batch || a.rate - b.rate),
    }
  : null;
// [messages per send, its steps by rate], batch 1 first.
const floorGroups = floor
  ? [...new Set(floor.steps.map((st) => st.batch))].map((b) => [b, floor.steps.filter((st) => st.batch === b)])
  : [];

const out = {
  generated: new Date().toISOString(),
  machine,
  method: 'tests/bench/run.sh: server on core 0, confab-bench on core 1, loopback; medians over rounds',
  fanout,
  fanout_low_rate: lowRate,
  connections: conns,
  storm,
  durable,
  history,
  history_quickack: historyQuick,
  floor,
  raw: runs,
};
fs.writeFileSync(path.join(docsDir, 'benchmarks.json'), JSON.stringify(out, null, 1) + '\n');

// ---- table ----
const rows = [];
const row = (metric, c, sio, ws, target, met) =>
  rows.push(`| ${metric} | ${c} | ${sio} | ${ws} | ${target} | ${met} |`);
const val = (x) => (x === null || x === undefined ? null : x);
const mark = (ok) => (ok === null ? '–' : ok ? 'met' : '**missed**');
const fk = (s) => val(fanout[s].knee_deliveries_per_s);
const kneeCell = (s) => (fk(s) ? fmt(fk(s), 0) : fanout[s].runs ? `none: ${noKnee(s)}` : 'not measured');
const receivers = systems.map((s) => fanout[s].receivers).find((n) => n) ?? null;
row(
  `Fan-out knee, deliveries/s (p99 < ${P99_LIMIT_MS} ms, no loss/dup/reorder${receivers ? `; ${receivers} receivers` : ''})`,
  kneeCell('confab'),
  `${kneeCell('socketio')}${vs(fk('confab'), fk('socketio'))}`,
  `${kneeCell('ws')}${vs(fk('confab'), fk('ws'))}`,
  '≥ 3× Socket.IO',
  mark(fk('confab') !== null && fk('socketio') ? fk('confab') >= 3 * fk('socketio') : null)
);
const fsu = (s) => val(fanout[s].sustained_deliveries_per_s);
const sustainedCell = (s) =>
  fsu(s) ? fmt(fsu(s), 0) : fanout[s].runs ? 'none: no rate delivered in full' : 'not measured';
row(
  'Fan-out sustained, deliveries/s (all delivered, in order, any latency)',
  sustainedCell('confab'),
  `${sustainedCell('socketio')}${vs(fsu('confab'), fsu('socketio'))}`,
  `${sustainedCell('ws')}${vs(fsu('confab'), fsu('ws'))}`,
  '',
  ''
);
// Each row: label, the curve point per system, and why a point is missing.
const rateLabel = (rate) => (rate === null ? 'at the low rate' : `at ${rate} msgs/s`);
const cpuRows = [
  [rateLabel(lowRate), (s) => atRate(s, lowRate), (s) => (fanout[s].runs ? `not measured ${rateLabel(lowRate)}` : 'not measured')],
  ['at the knee', kneeRow, noKnee],
];
if (commonSustainedRate !== null && commonSustainedRate !== lowRate) {
  cpuRows.push([
    `at the highest common sustained rate, ${commonSustainedRate} msgs/s`,
    (s) => atRate(s, commonSustainedRate),
    () => 'not measured',
  ]);
}
for (const [label, pick, why] of cpuRows) {
  const us = (s) => (pick(s) ? pick(s).server_us_per_delivery : null);
  const cell = (s) => {
    const c = pick(s);
    if (!c) return why(s);
    const at = label === 'at the knee' ? ` at ${c.rate} msgs/s` : '';
    return `${fmt(c.server_us_per_delivery, 2)} (irq ${fmt(c.server_core_irq_us_per_delivery, 2)})${at}`;
  };
  row(
    `Server CPU µs/delivery ${label} (utime+stime; in brackets core 0’s irq+softirq time, already inside stime on this kernel: see Method)`,
    cell('confab'),
    `${cell('socketio')}${vs(us('confab'), us('socketio'))}`,
    `${cell('ws')}${vs(us('confab'), us('ws'))}`,
    '≤ 5 µs',
    us('confab') === null ? '–' : mark(us('confab') <= 5)
  );
}
// One row per messages-per-send; steps that fell behind the offered rate are starred.
for (const [batch, sts] of floorGroups) {
  const what = batch === 1 ? `one ${floor.bytes}-byte send per delivery` : `${batch} × ${floor.bytes} bytes per send`;
  const unit = batch === 1 ? 'µs/send' : 'µs/delivery';
  row(
    `Loopback floor (no server): ${what} to ${floor.conns} connections, sender CPU ${unit} at ${sts.map((st) => st.rate).join(' / ')} per s (in brackets: irq+softirq of the sending core)`,
    sts
      .map((st) => {
        const irq = st.send_core_irq_us_per_send === null ? 'n/a' : fmt(st.send_core_irq_us_per_send / batch, 2);
        return `${fmt(st.send_us_per_send / batch, 2)} (irq ${irq})${st.kept_up ? '' : '*'}`;
      })
      .join(' / '),
    'n/a',
    'n/a',
    '',
    ''
  );
}
const lat = (s) => {
  const r = atRate(s, lowRate);
  return r
    ? `${fmt(r.p50_ms, 1)} / ${fmt(r.p90_ms, 1)} / ${fmt(r.p99_ms, 1)} / ${fmt(r.max_ms, 1)}`
    : fanout[s].runs
      ? `not measured ${rateLabel(lowRate)}`
      : 'not measured';
};
row(`Delivery latency p50/p90/p99/max ms ${rateLabel(lowRate)}`, lat('confab'), lat('socketio'), lat('ws'), '', '');
const kib = (s) => val(conns[s].kib_per_conn);
const orNot = (x, text) => (x === null ? 'not measured' : text);
const connN = systems.map((s) => conns[s].n).find((n) => n) ?? null;
row(
  `Idle RSS per connection, KiB${connN ? ` (${connN} connections)` : ''}`,
  orNot(kib('confab'), fmt(kib('confab'), 1)),
  `${orNot(kib('socketio'), fmt(kib('socketio'), 1))}${vs(kib('confab'), kib('socketio'))}`,
  `${orNot(kib('ws'), fmt(kib('ws'), 1))}${vs(kib('confab'), kib('ws'))}`,
  '≤ 12 KiB',
  mark(kib('confab') === null ? null : kib('confab') <= 12 && conns.confab.all_connected)
);
const cr = (s) => val(conns[s].connect_per_s);
row(
  'Connect rate, connections/s (handshake + sign-in)',
  orNot(cr('confab'), fmt(cr('confab'), 0)),
  `${orNot(cr('socketio'), fmt(cr('socketio'), 0))}${vs(cr('confab'), cr('socketio'))}`,
  `${orNot(cr('ws'), fmt(cr('ws'), 0))}${vs(cr('confab'), cr('ws'))}`,
  '',
  ''
);
row(
  `Reconnect storm: ${storm.subs ?? 'all'} dropped, all resynced (median / worst), s`,
  storms.length
    ? `${fmt(storm.resync_s, 2)} / ${fmt(storm.resync_s_max, 2)}; missing ${storm.missing}, dup/order ${storm.violations}`
    : 'not measured',
  'n/a',
  'n/a',
  '< 3 s, zero loss',
  mark(storm.resync_s === null ? null : storm.resync_s_max < 3 && storm.all_synced && storm.missing === 0 && storm.violations === 0)
);
if (durable) {
  for (const st of durable.steps) {
    row(
      `Durable publishes, ${st.publishers} publisher(s): acked/s; ack p50 / p99 ms`,
      `${fmt(st.acked_per_s, 0)}; ${fmt(st.ack_p50_ms, 1)} / ${fmt(st.ack_p99_ms, 1)}`,
      'n/a',
      'n/a',
      st.publishers === 100 ? '≥ 20,000/s, p99 < 20 ms' : '',
      st.publishers === 100 ? mark(st.acked_per_s >= 20000 && st.ack_p99_ms < 20) : ''
    );
  }
}
if (history) {
  row(
    `History: rewind ${history.rewind} from ${fmt(history.messages, 0)}, p50 / p99 ms`,
    `${fmt(history.rewind_p50_ms, 2)} / ${fmt(history.rewind_p99_ms, 2)}` +
      (historyQuick ? ` (client TCP_QUICKACK: ${fmt(historyQuick.rewind_p50_ms, 2)} / ${fmt(historyQuick.rewind_p99_ms, 2)})` : ''),
    'n/a',
    'n/a',
    'p99 < 5 ms',
    mark(history.rewind_p99_ms < 5)
  );
  row(
    `History: page of ${history.page} at random points, p50 / p99 ms`,
    `${fmt(history.page_p50_ms, 2)} / ${fmt(history.page_p99_ms, 2)}`,
    'n/a',
    'n/a',
    '',
    ''
  );
}
const gen = fanout.confab.curve.concat(fanout.socketio.curve, fanout.ws.curve);
const genMax = gen.reduce((m, c) => (c.gen_cpu_pct > (m ? m.gen_cpu_pct : -1) ? c : m), null);
const table = [
  `| Metric | ${names.confab} | ${names.socketio} | ${names.ws} | Target | Confab |`,
  '|---|---|---|---|---|---|',
  ...rows,
].join('\n');
const perRound = (xs) => (xs.length ? xs.join(', ') : 'not measured');
const behind = floor ? floor.steps.filter((st) => !st.kept_up) : [];
const notes = [
  `Knees per round: Confab ${perRound(fanout.confab.knees)}; Socket.IO ${perRound(fanout.socketio.knees)}; ws ${perRound(fanout.ws.knees)} deliveries/s. Sustained per round: Confab ${perRound(fanout.confab.sustained)}; Socket.IO ${perRound(fanout.socketio.sustained)}; ws ${perRound(fanout.ws.sustained)}.`,
  genMax
    ? `Generator: at most ${fmt(genMax.gen_cpu_pct, 0)} % of its core (${fmt(genMax.gen_us_per_delivery, 2)} µs/delivery at ${fmt(genMax.deliveries_per_s, 0)} deliveries/s)${gen.some((c) => c.gen_saturated) ? '; saturated (> 90 %) in some step' : '; never saturated (> 90 %)'}.`
    : '',
  floor
    ? `Loopback floor: sender and receiver are two threads of confab-bench pinned to cores ${floorRuns[0].send_cpu} and ${floorRuns[0].recv_cpu}; receiver CPU µs/send (irq) ${floorGroups
        .map(
          ([batch, sts]) =>
            `${batch === 1 ? '' : `with ${batch} per send `}at ${sts.map((st) => st.rate).join(' / ')} per s: ` +
            sts.map((st) => `${fmt(st.recv_us_per_send, 2)} (irq ${fmt(st.recv_core_irq_us_per_send, 2)})`).join(' / ')
        )
        .join('; ')}.` +
      (behind.length
        ? ` * The sender fell behind the offered rate: ${behind.map((st) => `${fmt(st.sends_per_s, 0)} sends/s at ${st.rate}/s${st.batch === 1 ? '' : ` (${st.batch} per send)`}`).join(', ')}.`
        : '') +
      (floor.steps.some((st) => st.lost_bytes) ? ' Some bytes were LOST.' : '')
    : '',
]
  .filter((l) => l)
  .join('\n');
const curveTable = [
  '| System | msgs/s | deliveries/s | p50 ms | p99 ms | max ms | server µs/deliv (irq) | server CPU % | gen µs/deliv | pass |',
  '|---|---|---|---|---|---|---|---|---|---|',
  ...systems.flatMap((s) =>
    fanout[s].curve.map(
      (c) =>
        `| ${names[s]} | ${c.rate} | ${fmt(c.deliveries_per_s, 0)} | ${fmt(c.p50_ms, 1)} | ${fmt(c.p99_ms, 1)} | ${fmt(c.max_ms, 1)} | ${fmt(c.server_us_per_delivery, 2)} (irq ${fmt(c.server_core_irq_us_per_delivery, 2)}) | ${fmt(c.server_cpu_pct, 0)} | ${fmt(c.gen_us_per_delivery, 2)} | ${c.pass_all ? 'yes' : 'no'} |`
    )
  ),
].join('\n');
const text = `${table}\n\n${notes}\n\nFan-out sweep (medians over rounds):\n\n${curveTable}\n`;
fs.writeFileSync(path.join(workDir, 'table.md'), text);
process.stdout.write(text);

// ---- plot ----
for (const s of systems) {
  const lines = fanout[s].curve.map((c) => `${c.rate * (fanout[s].receivers || 1)} ${c.p99_ms} ${c.deliveries_per_s}`);
  fs.writeFileSync(path.join(workDir, `fanout-${s}.dat`), lines.join('\n') + '\n');
}
const png = path.join(docsDir, 'bench-fanout-p99.png');
fs.writeFileSync(
  path.join(workDir, 'fanout.gp'),
  `set terminal pngcairo size 900,560 noenhanced font ",11"
set output '${png}'
set title 'Fan-out to ${fanout.confab.receivers} receivers: p99 delivery latency vs offered load (${machine})'
set xlabel 'offered deliveries/s (messages/s x receivers)'
set ylabel 'p99 latency, ms (log)'
set logscale y
set grid
set key top left
set yrange [1:*]
set arrow from graph 0, first 50 to graph 1, first 50 nohead dashtype 2 lc rgb '#888888'
set label '50 ms' at graph 0.01, first 58 tc rgb '#666666'
plot '${workDir}/fanout-confab.dat' using 1:2 with linespoints lw 2 pt 7 title 'Confab (durable)', \\
     '${workDir}/fanout-socketio.dat' using 1:2 with linespoints lw 2 pt 5 title 'Socket.IO 4', \\
     '${workDir}/fanout-ws.dat' using 1:2 with linespoints lw 2 pt 9 title 'raw ws relay'
`
);
