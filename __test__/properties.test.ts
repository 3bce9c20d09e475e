// Issue #7: property tests (fast-check). Random small matrices and options never crash the process
// and the results keep mean shift's invariants; on data without exact ties (continuous random values)
// the results are invariant under row permutation, translation and power-of-two scaling.
//
// Run counts are modest so that the whole file stays well under the CI budget (a few seconds).
// A failure prints fast-check's seed and counterexample; replay it with fc.assert(..., { seed, path }).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MeanShift, type MeanShiftOptions } from '../src/index.js';
import { captureWarnings } from './helpers.js';

// FC_RUNS=5000 npx vitest run __test__/properties.test.ts runs a longer search.
const RUNS = Number(process.env.FC_RUNS ?? 150);
const INVARIANCE_RUNS = Math.ceil(RUNS / 2.5);

/** Rows with many exact ties and duplicates: values on a half-integer grid. */
const tiedMatrix = fc
  .record({ nRows: fc.integer({ min: 1, max: 60 }), nCols: fc.integer({ min: 1, max: 5 }) })
  .chain(({ nRows, nCols }) =>
    fc.array(fc.array(fc.integer({ min: -8, max: 8 }).map((v) => v / 2), { minLength: nCols, maxLength: nCols }), {
      minLength: nRows,
      maxLength: nRows,
    }),
  );

/**
 * Rows of continuous random values in [-10, 10) with 53 random bits each, so that no two values,
 * distances or sums tie exactly (with probability 1). They come from a seeded generator rather
 * than from fc.double, whose shrinking would manufacture ties (zeros, duplicates, subnormals) and
 * turn a report into one about ties.
 */
const continuousMatrix = fc
  .record({ nRows: fc.integer({ min: 1, max: 60 }), nCols: fc.integer({ min: 1, max: 5 }), seed: fc.integer() })
  .map(({ nRows, nCols, seed }) => {
    let state = seed >>> 0;
    const next32 = () => {
      // mulberry32
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return (t ^ (t >>> 14)) >>> 0;
    };
    const uniform = () => ((next32() >>> 5) * 67108864 + (next32() >>> 6)) / 9007199254740992;
    return Array.from({ length: nRows }, () => Array.from({ length: nCols }, () => 20 * uniform() - 10));
  });

const options = fc.record({
  bandwidth: fc.double({ min: 0.05, max: 8, noNaN: true }),
  binSeeding: fc.boolean(),
  minBinFreq: fc.integer({ min: 1, max: 3 }),
  clusterAll: fc.boolean(),
  maxIter: fc.integer({ min: 0, max: 60 }),
});

/** The errors a fit may legitimately end with on valid input (scikit-learn raises them too). */
const EXPECTED_FAILURE = /^(No point was within bandwidth=|Bin seeding found no seed)/;

function tryFit(X: number[][], o: MeanShiftOptions): MeanShift | null {
  try {
    // Bin seeding's fallback warning is expected here; keep it off the test output.
    return captureWarnings(() => new MeanShift(o).fit(X)).result;
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(EXPECTED_FAILURE);
    return null;
  }
}

const bits = (rows: number[][]) => new Uint8Array(Float64Array.from(rows.flat()).buffer);

function lexicographic(a: number[], b: number[]): number {
  for (let j = 0; j < a.length; j++) if (a[j] !== b[j]) return a[j]! - b[j]!;
  return 0;
}

/** The same set of centres, to `tolerance` in every coordinate. */
function expectSameCentres(got: number[][], expected: number[][], tolerance: number): void {
  expect(got.length).toBe(expected.length);
  const g = [...got].sort(lexicographic);
  const e = [...expected].sort(lexicographic);
  g.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - e[i]![j]!)).toBeLessThanOrEqual(tolerance)));
}

describe('properties on random small inputs (ties and duplicates included)', () => {
  it('never crash; labels in range, centres in the bounding box, nIter <= maxIter, predict = labels', () => {
    fc.assert(
      fc.property(fc.oneof(tiedMatrix, continuousMatrix), options, (X, o) => {
        const ms = tryFit(X, { ...o, nJobs: 1 });
        if (ms === null) return;
        const centres = ms.clusterCenters;
        const labels = ms.labels;
        const nClusters = centres.length;
        expect(nClusters).toBeGreaterThan(0);
        expect(labels.length).toBe(X.length);
        const low = o.clusterAll ? 0 : -1;
        for (const l of labels) {
          expect(l).toBeGreaterThanOrEqual(low);
          expect(l).toBeLessThan(nClusters);
        }
        expect(ms.nIter).toBeLessThanOrEqual(o.maxIter);
        for (let j = 0; j < X[0]!.length; j++) {
          const column = X.map((r) => r[j]!);
          const min = Math.min(...column);
          const max = Math.max(...column);
          // A centre is a mean of data rows: inside the box up to the rounding of the mean.
          const slack = 1e-12 * Math.max(1, Math.abs(min), Math.abs(max));
          for (const c of centres) {
            expect(c[j]!).toBeGreaterThanOrEqual(min - slack);
            expect(c[j]!).toBeLessThanOrEqual(max + slack);
          }
        }
        if (o.clusterAll) expect(ms.predict(X)).toEqual(labels);
        else expect(Array.from(ms.predict(X)).every((l) => l >= 0 && l < nClusters)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('the same data twice gives the same bits, on 1 and on 2 threads', () => {
    fc.assert(
      fc.property(fc.oneof(tiedMatrix, continuousMatrix), options, (X, o) => {
        const a = tryFit(X, { ...o, nJobs: 1 });
        const b = tryFit(X.map((r) => [...r]), { ...o, nJobs: 2 });
        expect(a === null).toBe(b === null);
        if (a === null || b === null) return;
        expect(bits(b.clusterCenters)).toEqual(bits(a.clusterCenters));
        expect(b.labels).toEqual(a.labels);
        expect(b.nIter).toBe(a.nIter);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('invariances on data without exact ties', () => {
  // Centres agree to the tolerance the project promises against scikit-learn (1e-6 x bandwidth):
  // reordering or translating rows changes the rounding of the sums, not the modes.
  const tolerance = (bandwidth: number) => 1e-6 * bandwidth;
  const plainOptions = fc.record({
    bandwidth: fc.double({ min: 0.5, max: 8, noNaN: true }),
    clusterAll: fc.boolean(),
  });

  it('permuting the rows gives the same set of centres', () => {
    fc.assert(
      fc.property(
        continuousMatrix.chain((X) => fc.tuple(fc.constant(X), fc.shuffledSubarray(X.map((_, i) => i), { minLength: X.length }))),
        plainOptions,
        ([X, order], o) => {
          const a = tryFit(X, o);
          const b = tryFit(order.map((i) => X[i]!), o);
          expect(a === null).toBe(b === null);
          if (a === null || b === null) return;
          expectSameCentres(b.clusterCenters, a.clusterCenters, tolerance(o.bandwidth));
        },
      ),
      { numRuns: INVARIANCE_RUNS },
    );
  });

  it('translating X and the seeds by t translates the centres by t', () => {
    fc.assert(
      fc.property(
        continuousMatrix,
        plainOptions,
        fc.integer({ min: -100, max: 100 }),
        fc.integer({ min: 1, max: 10 }),
        (X, o, t, nSeeds) => {
          const seeds = X.slice(0, nSeeds);
          const a = tryFit(X, { ...o, seeds });
          const shift = (rows: number[][]) => rows.map((r) => r.map((v) => v + t));
          const b = tryFit(shift(X), { ...o, seeds: shift(seeds) });
          expect(a === null).toBe(b === null);
          if (a === null || b === null) return;
          // Plus the rounding of x + t itself (|x + t| <= 110).
          expectSameCentres(b.clusterCenters, shift(a.clusterCenters), tolerance(o.bandwidth) + 1e-12);
        },
      ),
      { numRuns: INVARIANCE_RUNS },
    );
  });

  it('scaling X and the bandwidth by a power of two scales the centres by it, exactly', () => {
    fc.assert(
      fc.property(
        continuousMatrix,
        plainOptions,
        fc.boolean(),
        fc.constantFrom(0.25, 0.5, 2, 4, 1024),
        (X, o, binSeeding, s) => {
          const a = tryFit(X, { ...o, binSeeding });
          const b = tryFit(
            X.map((r) => r.map((v) => v * s)),
            { ...o, binSeeding, bandwidth: o.bandwidth * s },
          );
          expect(a === null).toBe(b === null);
          if (a === null || b === null) return;
          // Every distance, mean and threshold scales exactly, so do the centres and labels.
          expect(b.clusterCenters).toEqual(a.clusterCenters.map((r) => r.map((v) => v * s)));
          expect(b.labels).toEqual(a.labels);
          expect(b.nIter).toBe(a.nIter);
        },
      ),
      { numRuns: INVARIANCE_RUNS },
    );
  });
});

// Issue 16: the laws of sample weights, on continuous random data.
describe('sample weights: laws', () => {
  const kernels = fc.constantFrom('flat' as const, 'gaussian' as const, 'epanechnikov' as const);
  const bandwidth = fc.double({ min: 0.8, max: 6, noNaN: true });
  const bits = (m: MeanShift) => Buffer.from(Float64Array.from(m.clusterCenters.flat()).buffer).toString('hex');
  const weightsFor = (n: number, salt: number, whole: boolean) =>
    Array.from({ length: n }, (_, i) => ((i * 7 + salt) % 5) * (whole ? 1 : 0.375) + (i === 0 ? 1 : 0));

  it('weights all 1 give the bits of no weights', () => {
    fc.assert(
      fc.property(continuousMatrix, bandwidth, kernels, (X, h, kernel) => {
        const options = { bandwidth: h, kernel, maxIter: 50 };
        const none = new MeanShift(options).fit(X);
        const ones = new MeanShift(options).fit(X, { sampleWeight: X.map(() => 1) });
        expect(bits(ones)).toBe(bits(none));
        expect(ones.labels).toEqual(none.labels);
        expect(ones.nIter).toBe(none.nIter);
      }),
      { numRuns: INVARIANCE_RUNS },
    );
  });

  it('weights times a power of two give the same bits', () => {
    fc.assert(
      fc.property(continuousMatrix, bandwidth, kernels, fc.integer({ min: -10, max: 10 }), fc.nat(), (X, h, kernel, k, salt) => {
        const options = { bandwidth: h, kernel, maxIter: 50 };
        const w = weightsFor(X.length, salt, false);
        const a = new MeanShift(options).fit(X, { sampleWeight: w });
        const b = new MeanShift(options).fit(X, { sampleWeight: w.map((v) => v * 2 ** k) });
        expect(bits(b)).toBe(bits(a));
        expect(b.labels).toEqual(a.labels);
        expect(b.nIter).toBe(a.nIter);
      }),
      { numRuns: INVARIANCE_RUNS },
    );
  });

  it('whole weights give the fit of the rows repeated', () => {
    fc.assert(
      fc.property(continuousMatrix, bandwidth, fc.nat(), (X, h, salt) => {
        const w = weightsFor(X.length, salt, true);
        const repeated: number[][] = [];
        const origin: number[] = [];
        X.forEach((row, i) => {
          for (let r = 0; r < w[i]!; r++) {
            repeated.push(row);
            origin.push(i);
          }
        });
        const weighted = new MeanShift({ bandwidth: h }).fit(X, { sampleWeight: w });
        const plain = new MeanShift({ bandwidth: h }).fit(repeated);
        expect(weighted.nIter).toBe(plain.nIter);
        expect(weighted.clusterCenters.length).toBe(plain.clusterCenters.length);
        weighted.clusterCenters.flat().forEach((v, j) => expect(Math.abs(v - plain.clusterCenters.flat()[j]!)).toBeLessThanOrEqual(1e-9 * h));
        origin.forEach((row, k) => expect(weighted.labels[row]).toBe(plain.labels[k]));
      }),
      { numRuns: INVARIANCE_RUNS },
    );
  });
});
