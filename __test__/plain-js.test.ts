// The benchmark's plain-JavaScript peers (bench/plain-js.mjs): the tight brute force of the "small
// fits" table must give the brute force's results (the same neighbour loop, so the same bits) and
// fast-meanshift's clusters and labels, or its times compare nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// @ts-expect-error: a JavaScript module of the benchmark, without types
import { meanShiftBrute, meanShiftBruteTight } from '../bench/plain-js.mjs';
import { makeBlobs, MeanShift } from '../src/index.js';

interface PlainResult {
  clusterCenters: Float64Array;
  nClusters: number;
  labels: Int32Array;
  nIter: number;
}

function blobs(nSamples: number, nFeatures: number, randomState: number, round: boolean): Float64Array {
  const { X } = makeBlobs({ nSamples, nFeatures, centers: 3, clusterStd: 0.8, randomState });
  const data = Float64Array.from(X.flat());
  // Rounded values: ties, duplicate points and climbs ending at equal positions.
  return round ? data.map((v) => Math.round(v * 2) / 2) : data;
}

describe('the tight plain-JS brute force', () => {
  // Bin seeding falls back to the data on tiny inputs, with a warning from each implementation.
  const emitWarning = process.emitWarning;
  beforeEach(() => {
    process.emitWarning = () => {};
  });
  afterEach(() => {
    process.emitWarning = emitWarning;
  });

  it("equals the brute force bit for bit and fast-meanshift's clusters and labels", () => {
    let cases = 0;
    for (const nFeatures of [1, 2, 3, 5]) {
      for (const [n, randomState] of [
        [3, 1],
        [40, 2],
        [150, 3],
      ] as const) {
        for (const round of [false, true]) {
          for (const binSeeding of [false, true]) {
            const data = blobs(n, nFeatures, randomState, round);
            const options = { bandwidth: 1.5, binSeeding };
            const tight = meanShiftBruteTight(data, n, nFeatures, options) as PlainResult;
            const brute = meanShiftBrute(data, n, nFeatures, options) as PlainResult;
            const what = `${n} × ${nFeatures}, rounded ${round}, bin seeds ${binSeeding}`;
            expect(Array.from(tight.clusterCenters), what).toEqual(Array.from(brute.clusterCenters));
            expect(Array.from(tight.labels), what).toEqual(Array.from(brute.labels));
            expect(tight.nIter, what).toBe(brute.nIter);
            const model = new MeanShift(options).fit({ data, shape: [n, nFeatures] });
            expect(model.clusterCenters.length, what).toBe(tight.nClusters);
            expect(Array.from(model.labels), what).toEqual(Array.from(tight.labels));
            model.clusterCenters.flat().forEach((v, i) => expect(Math.abs(v - tight.clusterCenters[i]!), what).toBeLessThanOrEqual(1e-9));
            cases++;
          }
        }
      }
    }
    expect(cases).toBe(48);
  });

  it('counts one query a climb step: a seed per query with maxIter 0, at most maxIter + 1 a seed', () => {
    for (const nFeatures of [1, 2, 3]) {
      const n = 150;
      const data = blobs(n, nFeatures, 4, false);
      const once = meanShiftBruteTight(data, n, nFeatures, { bandwidth: 1.5, maxIter: 0 }) as PlainResult & { queries: number };
      expect(once.queries).toBe(n);
      const capped = meanShiftBruteTight(data, n, nFeatures, { bandwidth: 1.5, maxIter: 2 }) as PlainResult & { queries: number };
      expect(capped.queries).toBeGreaterThan(n);
      expect(capped.queries).toBeLessThanOrEqual(3 * n);
      const full = meanShiftBruteTight(data, n, nFeatures, { bandwidth: 1.5 }) as PlainResult & { queries: number };
      // Every climb that needs more than three steps takes them all.
      expect(full.queries).toBeGreaterThanOrEqual(capped.queries);
    }
  });
});
