// @ts-check
// One implementation on one workload, in its own process so that its peak RSS is its own.
//
//   node bench/child.mjs '<job JSON>'
//
// job: { impl: 'fast-all' | 'fast-1t' | 'js-brute' | 'js-kdbush', data, n, d, bandwidth (null:
// estimate inside the fit), binSeeding, clusterAssignment?, reps, budgetSec, labelsOut?, float32? }. Runs one untimed warm-up
// fit on the first 2,000 rows, then timed fits until `reps` runs or `budgetSec` seconds of fitting
// (short fits go on up to SHORT_REPS runs within SHORT_BUDGET_SEC: the median of five 20 ms fits
// swings with this machine's noise), and prints one JSON line: times (s), median, nClusters, nIter, bandwidthUsed, centres (when few),
// peakRssBytes (getrusage maxRSS of this process), rssBeforeFitBytes.
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { readMatrix } from './data.mjs';
import { meanShiftBrute, meanShiftKdbush } from './plain-js.mjs';

const job = JSON.parse(process.argv[2] ?? '{}');
const { impl, n, d } = job;
const data64 = readMatrix(job.data, n, d);
/** float32 workloads (W6, W7) are fitted from a Float32Array, as a server holding embeddings would pass them. */
const data = job.float32 ? Float32Array.from(data64) : data64;

/** @returns {(data: Float64Array | Float32Array, n: number) => { nClusters: number, nIter: number, labels: Int32Array, bandwidth: number, centers: number[][] }} */
async function implementation() {
  const options = { bandwidth: job.bandwidth, binSeeding: job.binSeeding };
  if (impl === 'fast-all' || impl === 'fast-1t') {
    const { MeanShift } = await import('../dist/index.js');
    const nJobs = impl === 'fast-1t' ? 1 : null;
    const clusterAssignment = job.clusterAssignment ?? 'nearestCentroid';
    return (x, rows) => {
      const ms = new MeanShift({ ...options, nJobs, clusterAssignment }).fit({ data: x, shape: [rows, d] });
      const centers = ms.clusterCenters;
      return { nClusters: centers.length, nIter: ms.nIter, labels: ms.labels, bandwidth: ms.bandwidthUsed, centers };
    };
  }
  if (impl === 'js-brute' || impl === 'js-kdbush') {
    const fit = impl === 'js-brute' ? meanShiftBrute : meanShiftKdbush;
    return (x, rows) => {
      const r = fit(x instanceof Float64Array ? x : Float64Array.from(x), rows, d, options);
      const centers = [];
      for (let c = 0; c < r.nClusters; c++) centers.push(Array.from(r.clusterCenters.subarray(c * d, c * d + d)));
      return { nClusters: r.nClusters, nIter: r.nIter, labels: r.labels, bandwidth: r.bandwidth, centers };
    };
  }
  throw new Error(`unknown implementation ${impl}`);
}

const fit = await implementation();
const warmRows = Math.min(n, 2000);
try {
  fit(data.subarray(0, warmRows * d), warmRows);
} catch {
  // a slice can have no seed (bin seeding); the warm-up only compiles code paths
}

const SHORT_REPS = 21;
const SHORT_BUDGET_SEC = 1;
const rssBeforeFitBytes = process.memoryUsage().rss;
const times = [];
let last;
let spent = 0;
const maxReps = job.reps > 1 ? Math.max(job.reps, SHORT_REPS) : job.reps;
while (
  (times.length < job.reps && (times.length === 0 || spent < job.budgetSec)) ||
  (times.length < maxReps && spent < SHORT_BUDGET_SEC)
) {
  const t0 = performance.now();
  last = fit(data, n);
  const s = (performance.now() - t0) / 1000;
  times.push(s);
  spent += s;
}
if (!last) throw new Error('no run');
if (job.labelsOut) writeFileSync(job.labelsOut, new Uint8Array(last.labels.buffer, last.labels.byteOffset, last.labels.byteLength));
const sorted = [...times].sort((a, b) => a - b);
const mid = sorted.length >> 1;
const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
console.log(
  JSON.stringify({
    impl,
    times,
    median,
    nClusters: last.nClusters,
    nIter: last.nIter,
    bandwidthUsed: last.bandwidth,
    centers: last.nClusters <= 50 ? last.centers : null,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    rssBeforeFitBytes,
  }),
);
