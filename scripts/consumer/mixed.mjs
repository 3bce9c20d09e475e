// `require('fast-meanshift')` and `import 'fast-meanshift'` in one process share one implementation:
// the same classes, so `instanceof` holds across them (no dual-package hazard), e.g. for an ES module
// server that uses a CommonJS helper. Run by scripts/consumer-test.mjs in a project that installed the
// tarballs, and by __test__/identity.test.ts in this repository (the package resolves itself).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as esm from 'fast-meanshift';

const cjs = createRequire(import.meta.url)('fast-meanshift');

// The same exports, the same objects.
assert.deepEqual(Object.keys(esm).sort(), Object.keys(cjs).filter((k) => k !== '__esModule').sort());
for (const name of Object.keys(esm)) assert.equal(esm[name], cjs[name], `${name} is one object`);

// NotFittedError and MeanShift: an error or an instance made by one is an instance of the other's class.
assert.throws(() => new cjs.MeanShift().predict([[0, 0]]), esm.NotFittedError);
assert.throws(() => new esm.MeanShift().predict([[0, 0]]), cjs.NotFittedError);
assert.ok(new cjs.MeanShift() instanceof esm.MeanShift);
assert.ok(esm.MeanShift.fromJSON(JSON.parse(JSON.stringify(new cjs.MeanShift({ bandwidth: 1 }).fit([[0, 0], [0, 1], [9, 9]])))) instanceof cjs.MeanShift);

/** Runs `fitAsync` through `from` with a signal that aborts `when`; returns what it rejected with. */
async function abortedFit(from, when) {
  const { X } = from.makeBlobs({ nSamples: 20_000, centers: [[5, 5], [3, 3], [1, 1]], clusterStd: 0.3, randomState: 0 });
  const controller = new AbortController();
  if (when === 'before') controller.abort(new Error('given up before'));
  const fit = new from.MeanShift({ bandwidth: 0.5 }).fitAsync(X, { signal: controller.signal });
  if (when === 'during') setTimeout(() => controller.abort(new Error('given up during')), 5);
  return fit.then(
    () => assert.fail(`fitAsync resolved although its signal aborted ${when} the fit`),
    (error) => error,
  );
}

// An abort raised through each copy, caught with the other's AbortError.
for (const [raisedBy, caughtWith, from, other] of [
  ['require', 'import', cjs, esm],
  ['import', 'require', esm, cjs],
]) {
  for (const when of ['before', 'during']) {
    const error = await abortedFit(from, when);
    assert.ok(error instanceof other.AbortError, `an abort ${when} a fit through ${raisedBy} is an AbortError for ${caughtWith}`);
    assert.ok(error instanceof from.AbortError);
    assert.equal(error.name, 'AbortError');
    assert.equal(error.code, 'ABORT_ERR');
    assert.equal(error.cause.message, `given up ${when}`);
  }
}

console.log('mixed require/import: ok (one implementation: the same classes; aborts through either are AbortErrors for both)');
