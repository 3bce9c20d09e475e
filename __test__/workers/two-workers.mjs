// Two Workers fit at once while a third calls process.exit() in the middle of a long fitAsync; the
// main thread checks the answers against its own fits and prints one JSON line. The process must
// then exit by itself, promptly: __test__/workers.test.ts runs this file in a child process.
import { Worker } from 'node:worker_threads';
import { MeanShift, estimateBandwidth, makeBlobs } from '../../dist/index.js';

const script = new URL('./fit.mjs', import.meta.url);
const run = (workerData) =>
  new Promise((resolve, reject) => {
    const worker = new Worker(script, { workerData });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`worker exited with ${code} before answering`)));
  });

// A fit of minutes on one thread each; the Worker leaves during it.
const leaving = new Worker(script, { workerData: { nSamples: 200_000, randomState: 9, exitMidFit: true } });
const left = new Promise((resolve) => leaving.once('exit', resolve));
const [a, b] = await Promise.all([run({ nSamples: 3000, randomState: 1 }), run({ nSamples: 4000, randomState: 2 })]);

const check = (answer, nSamples, randomState) => {
  const { X } = makeBlobs({ nSamples, centers: [[5, 5], [3, 3], [1, 1]], clusterStd: 0.3, randomState });
  const bandwidth = estimateBandwidth(X, { quantile: 0.2, nSamples: 500 });
  const model = new MeanShift({ bandwidth }).fit(X);
  const same = (r) =>
    JSON.stringify(r.centers) === JSON.stringify(model.clusterCenters) &&
    JSON.stringify(r.labels) === JSON.stringify(Array.from(model.labels));
  return answer.bandwidth === bandwidth && same(answer.sync) && same(answer.async) && answer.progressCalls > 0;
};
console.log(JSON.stringify({ a: check(a, 3000, 1), b: check(b, 4000, 2), leftWith: await left }));
