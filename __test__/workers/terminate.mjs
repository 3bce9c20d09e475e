// Runs inside a worker_threads Worker: starts a long fitAsync (20,000 × 64 float32 points, every
// point a seed: seconds of work) and tells the parent once the core reports progress, so that the
// parent terminates the Worker in the middle of the fit.
import { parentPort } from 'node:worker_threads';
import { MeanShift, makeBlobs } from '../../dist/index.js';

const { X } = makeBlobs({ nSamples: 20_000, nFeatures: 64, centers: 16, clusterStd: 1, randomState: 0 });
const data = Float32Array.from(X.flat());
let told = false;
new MeanShift({ bandwidth: 16.44 })
  .fitAsync({ data, shape: [20_000, 64] }, {
    onProgress: () => {
      if (!told) parentPort.postMessage('fitting');
      told = true;
    },
  })
  .then(() => parentPort.postMessage('finished'));
