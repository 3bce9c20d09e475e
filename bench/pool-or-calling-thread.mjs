// @ts-check
// Whether a sync fit of a given size is faster on the calling thread (nJobs: 1) or on a pool of two (nJobs: 2),
// in the two ways a program calls fit: back to back, and after the thread ran other JavaScript (the tight plain-JS
// brute force on the same points, as bench/small.mjs interleaves them). Medians; W1's blobs, every point a seed,
// bandwidth estimateBandwidth(quantile 0.2, nSamples 500). A size at or below the core's CALLING_THREAD_TERMS runs
// on the calling thread whatever nJobs, so both columns then time the same path.
//
//   node bench/pool-or-calling-thread.mjs [points ...]     (default 1000 2000 4000)
import { BLOBS } from './data.mjs';
import { fmtTime } from './format.mjs';
import { meanShiftBruteTight } from './plain-js.mjs';

const { MeanShift, estimateBandwidth, makeBlobs } = await import('../dist/index.js');
const sizes = process.argv.slice(2).map(Number);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

for (const n of sizes.length ? sizes : [1000, 2000, 4000]) {
  const { X } = makeBlobs({ nSamples: n, ...BLOBS });
  const data = Float64Array.from(X.flat());
  const bandwidth = estimateBandwidth({ data, shape: [n, 2] }, { quantile: 0.2, nSamples: 500, randomState: 0 });
  const M = { data, shape: [n, 2] };
  const fit = (nJobs) => new MeanShift({ bandwidth, nJobs }).fit(M);
  const row = {};
  for (const nJobs of [1, 2]) {
    for (let i = 0; i < 20; i++) fit(nJobs); // warm-up
    const backToBack = [];
    for (let r = 0; r < 9; r++) {
      const t0 = performance.now();
      let k = 0;
      while (performance.now() - t0 < 200) {
        fit(nJobs);
        k++;
      }
      backToBack.push((performance.now() - t0) / 1000 / k);
    }
    const afterJs = [];
    for (let r = 0; r < 9; r++) {
      meanShiftBruteTight(data, n, 2, { bandwidth });
      const t0 = performance.now();
      for (let k = 0; k < 3; k++) fit(nJobs);
      afterJs.push((performance.now() - t0) / 1000 / 3);
    }
    row[nJobs] = { backToBack: median(backToBack), afterJs: median(afterJs) };
  }
  console.log(
    `${n} points: back to back ${fmtTime(row[1].backToBack)} (nJobs 1) / ${fmtTime(row[2].backToBack)} (nJobs 2); ` +
      `after other JavaScript ${fmtTime(row[1].afterJs)} / ${fmtTime(row[2].afterJs)}`,
  );
}
