// Runs inside a worker_threads Worker: loads the addon (through the built package, dist/), fits
// synchronously and with fitAsync, and posts both results. workerData: { nSamples, randomState,
// exitMidFit } — with `exitMidFit`, it starts a long fitAsync and calls process.exit() during it.
import { parentPort, workerData } from 'node:worker_threads';
import { MeanShift, estimateBandwidthAsync, makeBlobs } from '../../dist/index.js';

const { nSamples, randomState, exitMidFit } = workerData;
const { X } = makeBlobs({ nSamples, centers: [[5, 5], [3, 3], [1, 1]], clusterStd: 0.3, randomState });
if (exitMidFit) {
  new MeanShift({ bandwidth: 0.3 }).fitAsync(X, { onProgress: () => process.exit(0) }).catch(() => {});
} else {
  const bandwidth = await estimateBandwidthAsync(X, { quantile: 0.2, nSamples: 500 });
  const sync = new MeanShift({ bandwidth }).fit(X);
  let progressCalls = 0;
  const async = await new MeanShift({ bandwidth }).fitAsync(X, { onProgress: () => progressCalls++ });
  parentPort.postMessage({
    bandwidth,
    sync: { centers: sync.clusterCenters, labels: Array.from(sync.labels) },
    async: { centers: async.clusterCenters, labels: Array.from(async.labels) },
    progressCalls,
  });
}
