// @ts-check
// Issue 16's timings, side by side on W1's data (10,000 2-D blobs, every point a seed, W1's
// bandwidth rule): the unweighted fit, the fit with random integer weights 1–5, and the Gaussian
// kernel (all points as seeds) against the plain-JS Gaussian brute force of bench/plain-js.mjs.
//
//   node bench/weights.mjs [runs]          (after npm run build; prints medians in ms)
import { performance } from 'node:perf_hooks';
import { MeanShift, estimateBandwidth, makeBlobs } from '../dist/index.js';
import { BLOBS } from './data.mjs';
import { meanShiftGaussianBrute } from './plain-js.mjs';

const runs = Number(process.argv[2] ?? 7);
const { X } = makeBlobs({ nSamples: 10_000, ...BLOBS });
const data = Float64Array.from(X.flat());
const x = { data, shape: /** @type {[number, number]} */ ([10_000, 2]) };
const bandwidth = estimateBandwidth(x, { quantile: 0.2, nSamples: 500, randomState: 0 });
let state = 12345;
const weights = Float64Array.from({ length: 10_000 }, () => {
  state = (state * 1103515245 + 12345) % 2 ** 31;
  return 1 + (state % 5);
});

/** Median of `runs` timings of `work` (after one warm-up run). */
function time(work) {
  work();
  const times = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    work();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

const row = (name, ms, extra = '') => console.log(`${name.padEnd(34)} ${ms.toFixed(1).padStart(9)} ms ${extra}`);
console.log(`W1 data, bandwidth ${bandwidth.toFixed(4)}, ${runs} runs, median`);
const plain = time(() => new MeanShift({ bandwidth }).fit(x));
row('unweighted W1', plain);
const weighted = time(() => new MeanShift({ bandwidth }).fit(x, { sampleWeight: weights }));
row('weighted W1 (integer weights 1-5)', weighted, `(${(weighted / plain).toFixed(2)}× the unweighted)`);
const gaussian = time(() => new MeanShift({ bandwidth, kernel: 'gaussian' }).fit(x));
const model = new MeanShift({ bandwidth, kernel: 'gaussian' }).fit(x);
row('Gaussian W1 (cutoff 3)', gaussian, `(nIter ${model.nIter}, ${model.clusterCenters.length} centres)`);
if (process.argv.includes('--brute')) {
  const start = performance.now();
  const brute = meanShiftGaussianBrute(data, 10_000, 2, { bandwidth });
  const ms = performance.now() - start;
  row('plain-JS Gaussian brute force (1 run)', ms, `(nIter ${brute.nIter}, ${brute.nClusters} centres; ${(ms / gaussian).toFixed(0)}× the Gaussian fit)`);
}
