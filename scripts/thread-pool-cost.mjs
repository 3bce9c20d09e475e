// What a small sync fit costs a thread that ends: the fit runs on the calling thread, which becomes a
// one-thread rayon pool for good (rayon does not free it when the thread ends). Runs 1,000
// worker_threads that each load the library (and fit 3 points, or not) and end, and prints the RSS
// growth of both (README, "Performance notes").
//
//   npm run build && node --expose-gc scripts/thread-pool-cost.mjs
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';

const library = fileURLToPath(new URL('../dist/index.cjs', import.meta.url));
const worker = (fit) => `
const { parentPort } = require('node:worker_threads');
const { MeanShift } = require(${JSON.stringify(library)});
${fit ? 'new MeanShift({ bandwidth: 1 }).fit([[0, 0], [0.5, 0.25], [5, 5]]);' : ''}
parentPort.postMessage('ok');
`;

async function run(n, fit) {
  for (let i = 0; i < n; i++) {
    await new Promise((resolve, reject) => {
      const w = new Worker(worker(fit), { eval: true });
      w.once('message', () => w.terminate().then(resolve));
      w.once('error', reject);
    });
  }
}

for (const fit of [false, true]) {
  await run(50, fit);
  globalThis.gc?.();
  const before = process.memoryUsage().rss;
  await run(1000, fit);
  globalThis.gc?.();
  const grown = (process.memoryUsage().rss - before) / 1e6;
  console.log(`1,000 workers ${fit ? 'fitting 3 points each' : 'loading the library only'}: RSS grew ${grown.toFixed(1)} MB`);
}
