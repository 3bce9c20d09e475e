// A CommonJS consumer of the installed fast-meanshift tarball (run by scripts/consumer-test.mjs).
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const fm = require('fast-meanshift');

const { MeanShift, meanShift, estimateBandwidth, getBinSeeds, makeBlobs, NotFittedError } = fm;
const binaryPackage = process.argv[2];

// The binary comes from the platform package, not from the main package.
const main = path.dirname(require.resolve('fast-meanshift/package.json'));
assert.deepEqual(fs.readdirSync(main).filter((f) => f.endsWith('.node')), [], 'the main package ships no binary');
const binaryDir = path.dirname(require.resolve(`${binaryPackage}/package.json`));
assert.equal(fs.readdirSync(binaryDir).filter((f) => f.endsWith('.node')).length, 1, `${binaryPackage} ships the binary`);

// The scikit-learn tutorial, smaller.
const centers = [[5, 5], [3, 3], [1, 1]];
const { X, y } = makeBlobs({ nSamples: 600, centers, clusterStd: 0.3, randomState: 0 });
assert.equal(X.length, 600);
assert.ok(y instanceof Int32Array);
const bandwidth = estimateBandwidth(X, { quantile: 0.2, nSamples: 300 });
assert.ok(bandwidth > 0);
const ms = new MeanShift({ bandwidth, binSeeding: true }).fit(X);
assert.equal(new Set(ms.labels).size, 3);
const near = ms.predict([[5, 5], [3, 3], [1, 1]]);
assert.equal(new Set(near).size, 3);
assert.deepEqual(MeanShift.fromJSON(JSON.parse(JSON.stringify(ms))).predict([[5, 5], [3, 3], [1, 1]]), near);
assert.equal(meanShift(X, { bandwidth, binSeeding: true }).clusterCenters.length, 3);
assert.ok(getBinSeeds(X, bandwidth).length > 0);
assert.throws(() => new MeanShift().predict([[0, 0]]), NotFittedError);
assert.throws(() => new MeanShift({ bandwidth: -1 }).fit(X), RangeError);

console.log(`CommonJS consumer: ok (${ms.clusterCenters.length} clusters, binary from ${binaryPackage})`);
