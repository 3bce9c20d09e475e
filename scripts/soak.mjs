// Soak test of the async API: thousands of fitAsync (and estimateBandwidthAsync) calls, 16 in flight,
// half of them aborted (before the start, right after it, or 1 ms later), then RSS after GC.
//
//   npm run soak        # the full run: builds, then 3000 fits and 3000 aborted fits
//   node --expose-gc --max-semi-space-size=1 scripts/soak.mjs --fits 300 --aborts 300 --warmup 300 \
//     --rounds 1 --settle 1000 --json   # the small CI version (__test__/soak.test.ts)
//
// Options: --fits N (default 3000), --aborts N (default 3000), --concurrency N (calls in flight,
// default 16), --warmup N (calls before the start figure: thread pools, allocator arenas, JIT;
// default 2000), --rounds N (RSS figures during the run, default 4), --settle MS (idle time before
// each figure, default 6000), --json (one JSON line instead of the report).
// Exits 1 when a call fails or RSS after GC ends more than 10% above its start.
import { MeanShift, estimateBandwidthAsync, makeBlobs } from '../dist/index.js';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const fits = option('fits', 3000);
const aborts = option('aborts', 3000);
const concurrency = option('concurrency', 16);
const warmup = option('warmup', 2000);
const rounds = option('rounds', 4);
const settleMs = option('settle', 6000);
const json = args.includes('--json');

if (typeof globalThis.gc !== 'function') {
  console.error('Run with node --expose-gc.');
  process.exit(2);
}

const MB = 1024 * 1024;
/**
 * Memory after GC, once the process has been idle for a while. V8 keeps a young generation that
 * grew under load (up to 2 x 16 MB) until its allocation rate over the last 5 s is low but not
 * zero, so this waits `--settle` ms (6000), allocating a little and collecting every 100 ms. (The CI
 * version pins the young generation with --max-semi-space-size=1 instead and settles for 1 s.)
 */
async function settledRss() {
  let crumbs = [];
  for (let i = 0; i < settleMs / 100; i++) {
    crumbs.push(new Array(16).fill(i));
    if (crumbs.length > 8) crumbs = [];
    globalThis.gc();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return process.memoryUsage();
}

// Data sets of a few sizes and dimensions, made once.
const datasets = [
  { n: 300, centers: 3, dim: 2, bandwidth: 2 },
  { n: 800, centers: 4, dim: 3, bandwidth: 2.5 },
  { n: 1500, centers: 5, dim: 2, bandwidth: 1.5 },
].map(({ n, centers, dim, bandwidth }, i) => {
  const { X } = makeBlobs({ nSamples: n, nFeatures: dim, centers, clusterStd: 0.8, randomState: i });
  return { data: Float64Array.from(X.flat()), shape: [n, dim], bandwidth };
});

let completed = 0;
let aborted = 0;
let failed = 0;
let progressCalls = 0;

/** One call: a fit (the odd ones on float32 or with nJobs 1), or one aborted after `abortAfterMs`. */
async function one(i, abort) {
  const set = datasets[i % datasets.length];
  const controller = new AbortController();
  const signal = controller.signal;
  if (abort) {
    // Abort before the start, right after it, or a little later.
    const when = i % 3;
    if (when === 0) controller.abort();
    else if (when === 1) queueMicrotask(() => controller.abort());
    else setTimeout(() => controller.abort(), 1);
  }
  const X = i % 4 === 1 ? { data: Float32Array.from(set.data), shape: set.shape } : set;
  const nJobs = i % 5 === 0 ? 1 : null;
  try {
    if (i % 7 === 3) {
      await estimateBandwidthAsync(X, { quantile: 0.3, signal, nJobs });
    } else {
      await new MeanShift({ bandwidth: set.bandwidth, nJobs, binSeeding: i % 2 === 0 }).fitAsync(X, {
        signal,
        onProgress: () => progressCalls++,
      });
    }
    completed++;
  } catch (error) {
    if (error.name === 'AbortError') aborted++;
    else {
      failed++;
      console.error(error);
    }
  }
}

/** Calls `from` to `to - 1`, `concurrency` at a time; `isAbort(i)` says which ones are aborted. */
async function run(from, to, isAbort) {
  let next = from;
  const lane = async () => {
    while (next < to) {
      const i = next++;
      await one(i, isAbort(i));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
}

// Warm-up: thread pools, allocator arenas, JIT.
await run(0, warmup, (i) => i % 2 === 1);
completed = aborted = failed = progressCalls = 0;

const start = await settledRss();
const began = performance.now();
// `fits` calls that run to the end and `aborts` that are aborted, interleaved, in `rounds` rounds
// with RSS after GC measured after each (the timeline shows growth or a plateau).
const both = Math.min(fits, aborts);
const isAbort = (i) => (i < 2 * both ? i % 2 === 1 : aborts > fits);
const timeline = [];
for (let r = 0; r < rounds; r++) {
  const perRound = Math.ceil((fits + aborts) / rounds);
  await run(r * perRound, Math.min((r + 1) * perRound, fits + aborts), isAbort);
  const m = await settledRss();
  timeline.push([m.rss, m.heapTotal].map((b) => Number((b / MB).toFixed(1))));
}
const seconds = (performance.now() - began) / 1000;
const end = await settledRss();
const growth = end.rss / start.rss - 1;

const report = {
  calls: fits + aborts,
  completed,
  aborted,
  failed,
  progressCalls,
  seconds: Number(seconds.toFixed(1)),
  startRssMB: Number((start.rss / MB).toFixed(1)),
  endRssMB: Number((end.rss / MB).toFixed(1)),
  heapUsedMB: [start.heapUsed, end.heapUsed].map((b) => Number((b / MB).toFixed(1))),
  heapTotalMB: [start.heapTotal, end.heapTotal].map((b) => Number((b / MB).toFixed(1))),
  externalMB: [start.external, end.external].map((b) => Number((b / MB).toFixed(1))),
  timelineMB: timeline,
  growthPercent: Number((growth * 100).toFixed(1)),
};
if (json) console.log(JSON.stringify(report));
else {
  console.log(`${report.calls} calls in ${report.seconds} s: ${completed} completed, ${aborted} aborted, ${failed} failed`);
  console.log(`RSS after GC: ${report.startRssMB} MB at the start, ${report.endRssMB} MB at the end (${report.growthPercent}%)`);
  console.log(`RSS and V8 heapTotal (MB) after each round: ${timeline.map(([rss, heap]) => `${rss}/${heap}`).join(', ')}`);
}
process.exitCode = failed === 0 && growth <= 0.1 ? 0 : 1;
