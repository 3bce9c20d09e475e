// fitAsync with an AbortSignal, as the README's "Using it in a server" uses it: a fit that completes
// with progress, one whose signal aborted before it started, and one aborted while it runs. Run under
// Node, Bun and Deno by scripts/runtimes-test.mjs.
import assert from 'node:assert/strict';
import { AbortError, MeanShift, estimateBandwidthAsync, makeBlobs } from 'fast-meanshift';

const centers = [[5, 5], [3, 3], [1, 1]];
const { X } = makeBlobs({ nSamples: 10_000, centers, clusterStd: 0.3, randomState: 0 });
const signal = AbortSignal.timeout(30_000);
const bandwidth = await estimateBandwidthAsync(X, { quantile: 0.2, nSamples: 500, signal });
const progress = [];
const ms = await new MeanShift({ bandwidth }).fitAsync(X, { signal, onProgress: (p) => progress.push(p) });
assert.equal(ms.clusterCenters.length, 3);
assert.ok(progress.length > 0);
assert.equal(progress.at(-1).done, progress.at(-1).total);

const isAbort = (reason) => (error) =>
  error instanceof AbortError && error.name === 'AbortError' && error.code === 'ABORT_ERR' && error.cause === reason;

const before = new Error('given up before');
await assert.rejects(new MeanShift({ bandwidth }).fitAsync(X, { signal: AbortSignal.abort(before) }), isAbort(before));

const { X: large } = makeBlobs({ nSamples: 50_000, centers, clusterStd: 0.3, randomState: 1 });
const controller = new AbortController();
const during = new Error('given up during');
const fit = new MeanShift({ bandwidth: 0.5 }).fitAsync(large, { signal: controller.signal });
setTimeout(() => controller.abort(during), 5);
await assert.rejects(fit, isAbort(during));

console.log(`fitAsync with an AbortSignal: ok (3 clusters, ${progress.length} progress call(s); aborted before and during a fit)`);
