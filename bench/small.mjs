// @ts-check
// Small fits (issue 15): a few hundred points, where per-call and per-seed costs dominate. One process,
// every implementation side by side, interleaved round by round; medians.
//
//   npm run bench:small                 prints the table, writes bench/results/small.json
//   npm run bench:small -- --write      also replaces the "Small fits" table in BENCHMARKS.md
//   npm run bench:small -- --quick      fewer rounds
//   npm run bench:small -- --blobs sklearn   scikit-learn's mean shift tutorial's blobs instead (centres (1,1),
//                                       (-1,-1), (1,-1), std 0.6; bandwidth on all rows); not written to BENCHMARKS.md
//
// Data: the tutorial's blobs (W1's rule: centres (5,5), (3,3), (1,1), std 0.3, random_state 0) with 100
// and 1,000 points, bandwidth estimateBandwidth(quantile 0.2, nSamples 500), every point a seed. The
// 3-point fit (its first 3 points, bandwidth 1) measures the fixed cost of a call. Peers: the tight
// plain-JS brute force (`meanShiftBruteTight`, bench/plain-js.mjs), whose results are checked equal to
// fast-meanshift's before any time is reported. fitAsync throughput keeps 256 fits in flight.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { BLOBS } from './data.mjs';
import { fmtRatio, fmtTime } from './format.mjs';
import { meanShiftBruteTight } from './plain-js.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(BENCH, '..');
const RESULTS = join(BENCH, 'results', 'small.json');
const MD = join(ROOT, 'BENCHMARKS.md');
const IN_FLIGHT = 256;
/** The targets (2 cores). */
const TARGETS = { js100: 10, js1000: 100, fixedSec: 8e-6, async100: 20000, async1000: 5000 };

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Calls `fit` `times` times; seconds per call. */
function timeBatch(fit, times) {
  const t0 = performance.now();
  for (let i = 0; i < times; i++) fit();
  return (performance.now() - t0) / 1000 / times;
}

/**
 * Per-call medians of `fits` (name → function), measured in `rounds` interleaved rounds: each round
 * times a batch of every fit in turn, each batch long enough (~`batchMs`) for the clock.
 */
function interleaved(fits, rounds, batchMs = 3) {
  const names = Object.keys(fits);
  const sizes = {};
  for (const name of names) {
    // Warm-up first: V8 optimises a function after some thousands of calls, and a 3-point fit
    // timed before that costs twice as much.
    const warmUntil = performance.now() + 20 * batchMs;
    while (performance.now() < warmUntil) fits[name]();
    const once = timeBatch(fits[name], 3);
    sizes[name] = Math.max(1, Math.round(batchMs / 1000 / once));
  }
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (const name of names) samples[name].push(timeBatch(fits[name], sizes[name]));
  }
  return Object.fromEntries(names.map((n) => [n, { median: median(samples[n]), rounds, batch: sizes[n] }]));
}

/** fitAsync calls per second with `IN_FLIGHT` in flight, over `total` calls. */
async function throughput(fitAsync, total) {
  const t0 = performance.now();
  let started = 0;
  await new Promise((done, fail) => {
    let finished = 0;
    const next = () => {
      if (started === total) return;
      started++;
      fitAsync().then(() => {
        if (++finished === total) done(undefined);
        else next();
      }, fail);
    };
    for (let i = 0; i < IN_FLIGHT; i++) next();
  });
  return total / ((performance.now() - t0) / 1000);
}

/**
 * The same clusters and labels, centres within 1e-9 (the plain-JS sums round in input order, the
 * core's are exact: the last bits of a mean may differ).
 */
function sameFit(js, model) {
  const centers = model.clusterCenters.flat();
  return (
    js.nClusters === model.clusterCenters.length &&
    centers.every((v, i) => Math.abs(v - js.clusterCenters[i]) <= 1e-9 * Math.max(1, Math.abs(v))) &&
    js.labels.every((l, i) => l === model.labels[i])
  );
}

/** The data of `--blobs`: W1's (default), or scikit-learn's mean shift tutorial's with the bandwidth estimated on all rows. */
const DATA = {
  w1: { blobs: BLOBS, rule: { quantile: 0.2, nSamples: 500, randomState: 0 } },
  sklearn: {
    blobs: { centers: [[1, 1], [-1, -1], [1, -1]], clusterStd: 0.6, randomState: 0 },
    rule: { quantile: 0.2 },
  },
};

async function measure({ quick, blobs }) {
  const { MeanShift, estimateBandwidth, makeBlobs } = await import('../dist/index.js');
  const rounds = quick ? 7 : 21;
  const datasets = {};
  const { blobs: blobsOptions, rule } = DATA[blobs];
  for (const n of [100, 1000]) {
    const { X } = makeBlobs({ nSamples: n, ...blobsOptions });
    const data = Float64Array.from(X.flat());
    const bandwidth = estimateBandwidth({ data, shape: [n, 2] }, rule);
    datasets[n] = { n, data, bandwidth };
  }
  datasets[3] = { n: 3, data: datasets[100].data.slice(0, 6), bandwidth: 1 };

  const rows = [];
  for (const n of [3, 100, 1000]) {
    const { data, bandwidth } = datasets[n];
    const X = { data, shape: [n, 2] };
    const fast = (nJobs) => () => new MeanShift({ bandwidth, nJobs }).fit(X);
    const js = () => meanShiftBruteTight(data, n, 2, { bandwidth });
    const model = fast(null)();
    const plain = js();
    const agree = sameFit(plain, model) && sameFit(js(), fast(1)());
    if (!agree) throw new Error(`small fits: fast-meanshift and the plain-JS brute force disagree at ${n} points`);
    const t = interleaved({ js, fast1: fast(1), fastAll: fast(null) }, rounds);
    rows.push({ n, bandwidth, clusters: model.clusterCenters.length, js: t.js.median, jsQueries: plain.queries, fast1: t.fast1.median, fastAll: t.fastAll.median, rounds });
  }

  const asyncRows = [];
  for (const n of [100, 1000]) {
    const { data, bandwidth } = datasets[n];
    const X = { data, shape: [n, 2] };
    for (const binSeeding of [true, false]) {
      const model = new MeanShift({ bandwidth, binSeeding });
      const total = n === 100 ? 4096 : 1024;
      await throughput(() => model.fitAsync(X), IN_FLIGHT); // warm-up
      const rates = [];
      for (let r = 0; r < (quick ? 3 : 5); r++) rates.push(await throughput(() => new MeanShift({ bandwidth, binSeeding }).fitAsync(X), total));
      asyncRows.push({ n, binSeeding, fitsPerSec: median(rates), runs: rates.length, total });
    }
  }
  return { blobs, date: new Date().toISOString(), load: os.loadavg().map((x) => Number(x.toFixed(2))), cores: os.availableParallelism(), node: process.version, rows, asyncRows };
}

const check = (ok) => (ok ? '✅' : '❌');

/** The "Small fits" table of BENCHMARKS.md (also printed). */
export function smallFitsTable(small) {
  const lines = [
    '| points | tight plain-JS brute force | its queries (a point tested in) | fast-meanshift, 1 thread | fast-meanshift, all threads | × plain JS (all threads) | target |',
    '|---|--:|--:|--:|--:|--:|---|',
  ];
  for (const r of small.rows) {
    const ratio = r.js / r.fastAll;
    const target =
      r.n === 3
        ? `${check(Math.max(r.fast1, r.fastAll) <= TARGETS.fixedSec)} fixed cost ≤ 8 µs`
        : `${check(ratio >= (r.n === 100 ? TARGETS.js100 : TARGETS.js1000))} ≥ ${r.n === 100 ? TARGETS.js100 : TARGETS.js1000}× plain JS`;
    const label = r.n === 3 ? '3 (fixed cost)' : r.n.toLocaleString('en-US');
    // The loop's cost per point tested: a query scans all n points.
    const queries = r.n === 3 || r.jsQueries === undefined ? '' : `${r.jsQueries.toLocaleString('en-US')} (${((r.js / (r.jsQueries * r.n)) * 1e9).toFixed(1)} ns)`;
    lines.push(`| ${label} | ${r.n === 3 ? '' : fmtTime(r.js)} | ${queries} | ${fmtTime(r.fast1)} | ${fmtTime(r.fastAll)} | ${r.n === 3 ? '' : fmtRatio(ratio)} | ${target} |`);
  }
  lines.push('', '| `fitAsync`, 256 in flight | seeds | fits/s | target |', '|---|---|--:|---|');
  for (const r of small.asyncRows) {
    const goal = r.n === 100 ? TARGETS.async100 : TARGETS.async1000;
    const target = r.binSeeding ? `${check(r.fitsPerSec >= goal)} ≥ ${goal.toLocaleString('en-US')}/s` : '';
    lines.push(`| ${r.n.toLocaleString('en-US')} points | ${r.binSeeding ? 'bin seeds' : 'every point'} | ${Math.round(r.fitsPerSec).toLocaleString('en-US')} | ${target} |`);
  }
  lines.push(
    '',
    `Medians of ${small.rows[0]?.rounds} interleaved rounds (sync) and of ${small.asyncRows[0]?.runs} runs (async); ${small.cores} cores, Node ${small.node}, ` +
      `load average ${small.load.join(', ')} at the end, ${small.date.slice(0, 10)} (\`npm run bench:small -- --write\`).`,
  );
  return lines.join('\n');
}

/** BENCHMARKS.md's "Small fits" section body: what is measured, and the table (`small`: bench/results/small.json, or null). */
export function smallFitsSection(small) {
  const table = small ? smallFitsTable(small) : 'Not measured yet: `npm run bench:small -- --write` writes this table.';
  return `A few hundred points (map markers, a user's sessions, one image's palette), where per-call and per-seed costs
dominate (\`bench/small.mjs\`, one process, the implementations interleaved round by round). W1's blobs (centres (5,5),
(3,3), (1,1), std 0.3, random_state 0) with 100 and 1,000 points, bandwidth \`estimateBandwidth(quantile 0.2, nSamples
500)\`, every point a seed; the 3-point fit (bandwidth 1) is the fixed cost of a call. The peer is the plain-JS brute
force written tight (\`meanShiftBruteTight\` in \`bench/plain-js.mjs\`: the brute force's loop, nothing allocated per
seed or step), checked to give fast-meanshift's clusters and labels before any time is taken. Its queries are the
climbs' steps, each a scan of every point; fast-meanshift queries each distinct position once (about half as many
here) and only the points near it.

${START}
${table}
${END}`;
}

const START = '<!-- small-fits -->';
const END = '<!-- /small-fits -->';

/** BENCHMARKS.md's text with the Small fits table from `small` (bench/report.mjs keeps it when it regenerates the file). */
export function withSmallFits(text, small) {
  const block = `${START}\n${smallFitsTable(small)}\n${END}`;
  const at = text.indexOf(START);
  const end = text.indexOf(END);
  if (at >= 0 && end > at) return text.slice(0, at) + block + text.slice(end + END.length);
  throw new Error(`BENCHMARKS.md has no ${START} block`);
}

/** The saved results, or null. */
export function savedSmallFits() {
  return existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, 'utf8')) : null;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: { write: { type: 'boolean', default: false }, quick: { type: 'boolean', default: false }, blobs: { type: 'string', default: 'w1' } },
  });
  if (!(values.blobs in DATA)) throw new Error(`bench:small: --blobs ${values.blobs}: one of ${Object.keys(DATA).join(', ')}`);
  const small = await measure({ quick: values.quick, blobs: values.blobs });
  console.log(smallFitsTable(small));
  if (values.blobs !== 'w1') {
    console.log(`\n(--blobs ${values.blobs}: not saved)`);
  } else {
    writeFileSync(RESULTS, `${JSON.stringify(small, null, 1)}\n`);
  }
  if (values.write && values.blobs === 'w1') {
    writeFileSync(MD, withSmallFits(readFileSync(MD, 'utf8'), small));
    process.stderr.write('bench:small: wrote the Small fits table of BENCHMARKS.md\n');
  }
}
