// Memory over 10,000 fits (half sync, half fitAsync, each followed by a predict): RSS and V8 heap after GC
// every 2,000 fits. Run: npm run build && node --expose-gc scripts/leak-check.mjs
import { MeanShift, makeBlobs } from '../dist/index.js';
const { X } = makeBlobs({ nSamples: 300, randomState: 1 });
const data = Float64Array.from(X.flat());
const mb = (b) => (b / 2 ** 20).toFixed(1);
async function settle() { for (let i = 0; i < 5; i++) { global.gc(); await new Promise((r) => setTimeout(r, 200)); } }
await settle();
const report = (label) => { const m = process.memoryUsage(); console.log(`${label}: rss ${mb(m.rss)} heapUsed ${mb(m.heapUsed)} heapTotal ${mb(m.heapTotal)} external ${mb(m.external)} arrayBuffers ${mb(m.arrayBuffers)}`); };
report('start');
for (let round = 1; round <= 5; round++) {
  for (let i = 0; i < 2000; i++) {
    const ms = new MeanShift({ bandwidth: 2, nJobs: 1 });
    if (i % 2) ms.fit({ data, shape: [300, 2] }); else await ms.fitAsync({ data, shape: [300, 2] });
    ms.predict(X.slice(0, 10));
  }
  await settle();
  report(`after ${round * 2000} fits`);
}
