// An ES module consumer of the installed fast-meanshift tarball (run by scripts/consumer-test.mjs).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as fm from 'fast-meanshift';
import { MeanShift, meanShift, estimateBandwidth, getBinSeeds, makeBlobs, NotFittedError } from 'fast-meanshift';

// ESM and CommonJS see the same exports.
const cjs = createRequire(import.meta.url)('fast-meanshift');
assert.deepEqual(Object.keys(fm).sort(), Object.keys(cjs).filter((k) => k !== '__esModule').sort());

const centers = [[5, 5], [3, 3], [1, 1]];
const { X } = makeBlobs({ nSamples: 600, centers, clusterStd: 0.3, randomState: 0 });
const bandwidth = estimateBandwidth(X, { quantile: 0.2, nSamples: 300 });
const dense = { data: new Float64Array(X.flat()), shape: [X.length, 2] };
const labels = new MeanShift({ bandwidth, binSeeding: true }).fitPredict(dense);
assert.equal(new Set(labels).size, 3);
assert.deepEqual(meanShift(dense, { bandwidth, binSeeding: true }).labels, labels);
assert.ok(getBinSeeds(dense, bandwidth).length > 0);
assert.throws(() => new MeanShift().labels, NotFittedError);

console.log(`ES module consumer: ok (${new Set(labels).size} clusters)`);
