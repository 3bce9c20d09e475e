// @ts-check
// Issue 16's timings, side by side in one run on W1's data (10,000 2-D blobs, every point a seed,
// W1's bandwidth rule): the unweighted fit, the fit with random integer weights 1–5, attractor
// labels, and the Gaussian kernel (all points as seeds) against the plain-JS Gaussian brute force of
// bench/plain-js.mjs (one run of it: it takes seconds).
//
//   node bench/weights.mjs [runs] [--write]     (after npm run build; medians in ms)
//
// --write saves the table to bench/results/weights.md, whose rows BENCHMARKS.md quotes
// (__test__/readme-figures.test.ts checks that they agree).
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { MeanShift, estimateBandwidth, makeBlobs } from '../dist/index.js';
import { BLOBS } from './data.mjs';
import { meanShiftGaussianBrute } from './plain-js.mjs';

const runs = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 7);
const { X } = makeBlobs({ nSamples: 10_000, ...BLOBS });
const data = Float64Array.from(X.flat());
const x = { data, shape: /** @type {[number, number]} */ ([10_000, 2]) };
const bandwidth = estimateBandwidth(x, { quantile: 0.2, nSamples: 500, randomState: 0 });
let state = 12345;
const weights = Float64Array.from({ length: 10_000 }, () => {
  state = (state * 1103515245 + 12345) % 2 ** 31;
  return 1 + (state % 5);
});

/** Median of `runs` timings of `work` (after one warm-up run), the runs of all works interleaved. */
function timeSideBySide(works) {
  for (const work of works) work();
  const times = works.map(() => /** @type {number[]} */ ([]));
  for (let r = 0; r < runs; r++) {
    works.forEach((work, i) => {
      const start = performance.now();
      work();
      times[i].push(performance.now() - start);
    });
  }
  return times.map((t) => t.sort((a, b) => a - b)[t.length >> 1]);
}

const plainFit = () => new MeanShift({ bandwidth }).fit(x);
const [plain, weighted, attractor, gaussian] = timeSideBySide([
  plainFit,
  () => new MeanShift({ bandwidth }).fit(x, { sampleWeight: weights }),
  () => new MeanShift({ bandwidth, clusterAssignment: 'attractor' }).fit(x),
  () => new MeanShift({ bandwidth, kernel: 'gaussian' }).fit(x),
]);
const gaussianModel = new MeanShift({ bandwidth, kernel: 'gaussian' }).fit(x);
const plainLabels = plainFit().labels;
const sameLabels = new MeanShift({ bandwidth, clusterAssignment: 'attractor' }).fit(x).labels.every((l, i) => l === plainLabels[i]);
const start = performance.now();
const brute = meanShiftGaussianBrute(data, 10_000, 2, { bandwidth });
const bruteMs = performance.now() - start;

const ms = (v) => `${v.toFixed(1)} ms`;
const lines = [
  `W1's data, bandwidth ${bandwidth.toFixed(4)}, all threads, median of ${runs} runs side by side (node ${process.version}, load average ${loadavg()[0].toFixed(1)})`,
  '',
  '| workload | fast-meanshift | compared with | ratio |',
  '|---|--:|---|--:|',
  `| W1 (unweighted, for reference) | ${ms(plain)} | | |`,
  `| weighted W1 (random integer weights 1–5) | ${ms(weighted)} | unweighted W1 | ${(weighted / plain).toFixed(2)}× the unweighted time |`,
  `| attractor W1 (\`clusterAssignment: 'attractor'\`) | ${ms(attractor)} | unweighted W1 | ${(attractor / plain).toFixed(2)}× the time; labels ${sameLabels ? 'equal' : 'DIFFER from'} W1's |`,
  `| Gaussian W1 (cutoff 3; nIter ${gaussianModel.nIter}, ${gaussianModel.clusterCenters.length} centres) | ${ms(gaussian)} | plain-JS Gaussian brute force (1 run; nIter ${brute.nIter}, ${brute.nClusters} centres): ${ms(bruteMs)} | ${(bruteMs / gaussian).toFixed(1)}× faster |`,
];
console.log(lines.join('\n'));
if (process.argv.includes('--write')) {
  writeFileSync(new URL('results/weights.md', import.meta.url), `${lines.join('\n')}\n`);
}
