// @ts-check
// Where a 3-point fit's fixed cost goes: the whole `MeanShift.fit`, the addon's `fit` alone (napi conversion
// and the core) and `checkFitOptions` (reading the options object alone). Medians of 9 batches of 2,000 calls,
// three rounds. Run from any build: `node bench/fixed-cost.mjs [root]` (default: this repository).
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(process.argv[2] ?? resolve(fileURLToPath(import.meta.url), '..', '..'));
const require = createRequire(`${root}/`);
const { MeanShift } = require(`${root}/dist/index.cjs`);
const addon = require(`${root}/binding.cjs`);
const data = new Float64Array([4.8, 5.1, 3.1, 2.9, 1.2, 0.8]);
const X = { data, shape: [3, 2] };
// NativeFitOptions (loader-header.d.cts): bandwidth, seeds, seedsRows, binSeeding, minBinFreq, clusterAll, maxIter, nJobs,
// clusterAssignment, kernel, kernelCutoff, sampleWeight.
const options = (nJobs) => [1, undefined, undefined, false, 1, true, 300, nJobs, "nearestCentroid", "flat", 3, undefined];
const cases = {
  'MeanShift.fit, nJobs 1': () => new MeanShift({ bandwidth: 1, nJobs: 1 }).fit(X),
  'MeanShift.fit, all threads': () => new MeanShift({ bandwidth: 1 }).fit(X),
  'addon.fit, nJobs 1': () => addon.fit(data, 3, 2, options(1)),
  'addon.fit, all threads': () => addon.fit(data, 3, 2, options(undefined)),
  'addon.checkFitOptions': () => addon.checkFitOptions(options(1)),
};
const CALLS = 2000;
for (let round = 1; round <= 3; round++) {
  console.log(`round ${round}`);
  for (const [name, call] of Object.entries(cases)) {
    const times = [];
    for (let batch = 0; batch < 9; batch++) {
      const t0 = performance.now();
      for (let i = 0; i < CALLS; i++) call();
      times.push(((performance.now() - t0) * 1000) / CALLS);
    }
    times.sort((a, b) => a - b);
    console.log(`  ${name.padEnd(28)} ${times[4].toFixed(2)} µs`);
  }
}
