// Issue 16, part 3: clusterAssignment 'attractor' labels each sample by the first centre within
// the bandwidth of its own climb's end. Checked against the climbs of climbSeeds, on data where it
// differs from the nearest centre (two strips side by side, the moons) and where it does not (the
// tutorial, against scikit-learn's labels).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MeanShift, climbSeeds, makeBlobs, meanShift, meanShiftAsync, seedsFor } from '../src/index.js';
import type { MeanShiftOptions } from '../src/index.js';
import { fixture, tutorialBlobs } from './helpers.js';

/** examples/data/moons.csv (scripts/make-moons.mjs): 150 rows of the upper moon, then 150 of the lower. */
function moons(): number[][] {
  const text = readFileSync(new URL('../examples/data/moons.csv', import.meta.url), 'utf8');
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',').map(Number));
}

/** Two long thin strips side by side (x spread 0.2 around 0 and 1.4, y spread 4), and each point's strip. */
function strips(): { X: number[][]; strip: Int32Array } {
  const { X, y } = makeBlobs({ nSamples: 400, centers: [[0, 0], [1, 0]], clusterStd: 1, randomState: 0 });
  return { X: X.map(([a, b], i) => [y[i]! * 1.4 + (a! - y[i]!) * 0.2, b! * 4]), strip: y };
}

/** The first centre within `bandwidth` of `end` (Σ (c - e)² in feature order, boundary included), else the nearest or -1. */
function firstCentreWithin(end: ArrayLike<number>, found: boolean, centres: number[][], bandwidth: number, clusterAll: boolean): number {
  const d2 = (c: number[]) => c.reduce((s, v, j) => s + (v - end[j]!) * (v - end[j]!), 0);
  if (found) {
    const j = centres.findIndex((c) => d2(c) <= bandwidth * bandwidth);
    if (j >= 0) return j;
  }
  if (!clusterAll) return -1;
  let best = 0;
  centres.forEach((c, j) => {
    if (d2(c) < d2(centres[best]!)) best = j;
  });
  return best;
}

/** Fits with `options` ('attractor') and checks every label against the law, on the samples' own climbs. */
function checkLaw(X: number[][], options: MeanShiftOptions): MeanShift {
  const model = new MeanShift({ ...options, clusterAssignment: 'attractor' }).fit(X);
  const { seeds, bandwidth } = seedsFor(X, options);
  const nSeeds = seeds.shape[0];
  let checked = 0;
  const clusterAll = options.clusterAll ?? true;
  // The samples climb on the fit's structure: in runs of at most the fit's seeds, told its total.
  for (let first = 0; first < X.length; first += nSeeds) {
    const run = X.slice(first, first + nSeeds);
    const climbs = climbSeeds(X, run, { bandwidth, maxIter: options.maxIter ?? 300, totalSeeds: nSeeds });
    run.forEach((_, r) => {
      const end = climbs.positions.subarray(r * 2, r * 2 + 2);
      const expected = firstCentreWithin(end, climbs.intensities[r]! > 0, model.clusterCenters, bandwidth, clusterAll);
      expect(model.labels[first + r], `sample ${first + r}`).toBe(expected);
      checked++;
    });
  }
  expect(checked).toBe(X.length);
  return model;
}

const differing = (a: Int32Array, b: Int32Array) => a.filter((l, i) => l !== b[i]).length;

describe("clusterAssignment: 'attractor'", () => {
  it('keeps each point of two strips side by side in its strip, where the nearest centre does not', () => {
    const { X, strip } = strips();
    const attractor = checkLaw(X, { bandwidth: 0.9 });
    const nearest = new MeanShift({ bandwidth: 0.9 }).fit(X);
    expect(attractor.clusterCenters).toEqual(nearest.clusterCenters);
    expect(attractor.nIter).toBe(nearest.nIter);
    const crossings = (m: MeanShift) => m.labels.filter((l, i) => Number(m.clusterCenters[l]![0]! > 0.7) !== strip[i]).length;
    expect(crossings(attractor)).toBe(0);
    expect(crossings(nearest)).toBeGreaterThanOrEqual(10);
  });

  it('mixes the moons less than the nearest centre', () => {
    const X = moons();
    const attractor = checkLaw(X, { bandwidth: 0.4 });
    const nearest = new MeanShift({ bandwidth: 0.4 }).fit(X);
    expect(differing(attractor.labels, nearest.labels)).toBeGreaterThanOrEqual(20);
    // Points whose cluster holds more of the other moon than of theirs.
    const mixed = (labels: Int32Array) => {
      const counts = new Map<number, [number, number]>();
      labels.forEach((l, i) => {
        const c = counts.get(l) ?? [0, 0];
        c[i < 150 ? 0 : 1]++;
        counts.set(l, c);
      });
      return [...counts.values()].reduce((s, c) => s + Math.min(...c), 0);
    };
    expect(mixed(attractor.labels)).toBeLessThan(mixed(nearest.labels));
  });

  it("gives scikit-learn's labels on the tutorial", () => {
    const [expected] = fixture<{ cases: { bandwidth: number; labels: number[] }[] }>('tutorial').cases;
    const X = tutorialBlobs(10_000);
    const model = new MeanShift({ bandwidth: expected!.bandwidth, clusterAssignment: 'attractor' }).fit(X);
    expect(Array.from(model.labels)).toEqual(expected!.labels);
  });

  it('climbs every sample with bin seeds and with given seeds', () => {
    const { X } = strips();
    const binned = checkLaw(X, { bandwidth: 0.9, binSeeding: true });
    expect(binned.predict(X)).toEqual(binned.labels);
    const M = moons();
    const seeds = [...M.slice(0, 20), [0, 0.25], [1, 0], [2, 0.25], [-1, 0]];
    for (const clusterAll of [true, false]) checkLaw(M, { bandwidth: 0.4, seeds, clusterAll });
  });

  it('labels a point no seed reaches -1 with clusterAll false, its nearest centre with clusterAll true', () => {
    const X = [...Array.from({ length: 20 }, (_, i) => [(i % 5) * 0.1, Math.floor(i / 5) * 0.1]), [50, 50]];
    for (const clusterAll of [false, true]) {
      const model = checkLaw(X, { bandwidth: 1, seeds: [[0.2, 0.2]], clusterAll });
      expect(model.labels[20]).toBe(clusterAll ? 0 : -1);
    }
  });

  it('predict climbs new points over the training data: the training rows get their labels', () => {
    const X = moons();
    for (const clusterAll of [true, false]) {
      const model = new MeanShift({ bandwidth: 0.4, clusterAll, clusterAssignment: 'attractor' }).fit(X);
      expect(model.predict(X)).toEqual(model.labels);
      // A point with no training point within the bandwidth.
      expect(model.predict([[10, 10]])[0]! >= 0).toBe(clusterAll);
      // The nearest centre on request, as scikit-learn's predict.
      const nearest = new MeanShift({ bandwidth: 0.4 }).fit(X);
      expect(model.predict(X, { clusterAssignment: 'nearestCentroid' })).toEqual(nearest.predict(X));
    }
  });

  it('keeps a copy of typed training data: changing it after fit changes no prediction', () => {
    const X = moons();
    const data = Float64Array.from(X.flat());
    const model = new MeanShift({ bandwidth: 0.4, clusterAssignment: 'attractor' }).fit({ data, shape: [300, 2] });
    const before = model.predict(X);
    data.fill(0);
    expect(model.predict(X)).toEqual(before);
  });

  it('round-trips through JSON with what predict climbs over', () => {
    const X = moons();
    const model = new MeanShift({ bandwidth: 0.4, clusterAssignment: 'attractor' }).fit(X);
    const restored = MeanShift.fromJSON(JSON.stringify(model));
    expect(restored.getParams().clusterAssignment).toBe('attractor');
    expect(restored.predict(X)).toEqual(model.labels);
  });

  it('climbs with the fit\'s weights and kernel: predict(X) gives the labels, also after JSON and setParams', () => {
    const X = moons();
    // Whole weights 0 to 3: a row of weight 0 seeds nothing but climbs for its label.
    const weights = Float64Array.from(X, (_, i) => (i * 7) % 4);
    for (const kernel of ['flat', 'gaussian', 'epanechnikov'] as const) {
      const model = new MeanShift({ bandwidth: 0.4, kernel, clusterAssignment: 'attractor' }).fit(X, { sampleWeight: weights });
      expect(model.predict(X), kernel).toEqual(model.labels);
      // The model keeps its own copy of the weights, and the fit's kernel, whatever happens next.
      const restored = MeanShift.fromJSON(JSON.stringify(model));
      weights.reverse();
      model.setParams({ kernel: 'flat', kernelCutoff: 1 });
      expect(model.predict(X), kernel).toEqual(model.labels);
      expect(restored.predict(X), kernel).toEqual(model.labels);
      weights.reverse();
    }
    // A law of weights holds for attractor labels too: whole weights are repeated rows.
    const repeated = X.flatMap((row, i) => Array.from({ length: weights[i]! }, () => row));
    const byRepetition = new MeanShift({ bandwidth: 0.4, clusterAssignment: 'attractor' }).fit(repeated);
    const weighted = new MeanShift({ bandwidth: 0.4, clusterAssignment: 'attractor' }).fit(X, { sampleWeight: weights });
    const firstCopy = X.map((_, i) => weights.subarray(0, i).reduce((a, b) => a + b, 0));
    X.forEach((_, i) => {
      if (weights[i]! > 0) expect(weighted.labels[i], `row ${i}`).toBe(byRepetition.labels[firstCopy[i]!]);
    });
  });

  it('is the same for any nJobs, async or not, by the class or the functions', async () => {
    const { X } = strips();
    for (const binSeeding of [false, true]) {
      const base = new MeanShift({ bandwidth: 0.9, binSeeding, nJobs: 1, clusterAssignment: 'attractor' }).fit(X);
      for (const nJobs of [2, 4]) {
        const other = new MeanShift({ bandwidth: 0.9, binSeeding, nJobs, clusterAssignment: 'attractor' }).fit(X);
        expect(other.labels).toEqual(base.labels);
        expect(other.clusterCenters).toEqual(base.clusterCenters);
      }
      const options = { bandwidth: 0.9, binSeeding, clusterAssignment: 'attractor' } as const;
      expect((await new MeanShift(options).fitAsync(X)).labels).toEqual(base.labels);
      expect(meanShift(X, options).labels).toEqual(base.labels);
      expect((await meanShiftAsync(X, options)).labels).toEqual(base.labels);
      expect(new MeanShift(options).fitPredict(X)).toEqual(base.labels);
    }
  });
});
