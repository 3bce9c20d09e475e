// Issue 17: the fit split into shard primitives gives fit's bits. seedsFor → seeds cut into 1 to 17
// uneven runs (some empty), climbed apart (climbSeeds), passed through bytes (climbsToBuffer /
// climbsFromBuffer), merged in shuffled order (mergeModes) → rows cut into runs, labelled apart
// (assignLabels): the centres, labels, nIter and bandwidth are fit's, bit for bit.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assignLabels,
  climbSeeds,
  climbSeedsAsync,
  climbsFromBuffer,
  climbsToBuffer,
  type Climbs,
  makeBlobs,
  matrixFromBuffer,
  matrixToBuffer,
  MeanShift,
  type MeanShiftOptions,
  mergeModes,
  seedsFor,
} from '../src/index.js';
import { captureWarnings, tutorialBlobs } from './helpers.js';

const RUNS = Number(process.env.FC_RUNS ?? 60);

/** Cut points splitting `n` items into `k` runs, from `cuts` (values in [0, 1]); runs may be empty. */
function runs(n: number, k: number, cuts: number[]): [number, number][] {
  const points = [0, ...cuts.slice(0, k - 1).map((c) => Math.floor(c * (n + 1)) % (n + 1)), n].sort((a, b) => a - b);
  return points.slice(1).map((end, i) => [points[i]!, end]);
}

function shuffled<T>(items: T[], keys: number[]): T[] {
  return items
    .map((item, i) => ({ item, key: keys[i % keys.length]! + i * 1e-9 }))
    .sort((a, b) => a.key - b.key)
    .map(({ item }) => item);
}

const bits = (values: ArrayLike<number>) => Buffer.from(Float64Array.from(values as number[]).buffer);

interface Split {
  seedRuns: number;
  rowRuns: number;
  cuts: number[];
  order: number[];
  viaBuffers: boolean;
}

/** The split fit's result. */
type SplitOptions = MeanShiftOptions & { sampleWeight?: number[] };

function splitFit(X: number[][], options: SplitOptions, split: Split) {
  const { result: fitSeeds } = captureWarnings(() => seedsFor(X, options));
  const { seeds, bandwidth } = fitSeeds;
  const [nSeeds, nFeatures] = seeds.shape;
  const climbs: Climbs[] = runs(nSeeds, split.seedRuns, split.cuts).map(([start, end]) => {
    const run = { data: seeds.data.subarray(start * nFeatures, end * nFeatures), shape: [end - start, nFeatures] as [number, number] };
    const { kernel, kernelCutoff, sampleWeight } = options;
    const climbed = climbSeeds(X, run, { bandwidth, maxIter: options.maxIter, firstSeed: start, totalSeeds: nSeeds, nJobs: 1, kernel, kernelCutoff, sampleWeight });
    return split.viaBuffers ? climbsFromBuffer(climbsToBuffer(climbed)) : climbed;
  });
  const modes = mergeModes(shuffled(climbs, split.order), { bandwidth });
  const centers = split.viaBuffers ? matrixFromBuffer(matrixToBuffer(modes.clusterCenters)) : modes.clusterCenters;
  const labels: number[] = [];
  for (const [start, end] of runs(X.length, split.rowRuns, split.cuts.slice().reverse())) {
    labels.push(...assignLabels(X.slice(start, end), centers, { bandwidth, clusterAll: options.clusterAll ?? true }));
  }
  return { centers: modes.clusterCenters.data, labels: Int32Array.from(labels), nIter: modes.nIter, bandwidth };
}

function expectSameAsFit(X: number[][], options: SplitOptions, split: Split): void {
  let model: MeanShift;
  try {
    const { sampleWeight, ...params } = options;
    model = captureWarnings(() => new MeanShift(params).fit(X, { sampleWeight })).result;
  } catch (error) {
    // E.g. no point within the bandwidth of any seed: the split fit fails the same way.
    const { code, parameter } = error as { code: string; parameter?: string };
    expect(() => splitFit(X, options, split)).toThrow(expect.objectContaining({ code, parameter }));
    return;
  }
  const got = splitFit(X, options, split);
  expect(bits(got.centers).equals(bits(model.clusterCenters.flat())), 'centres, bit for bit').toBe(true);
  expect(got.labels).toEqual(model.labels);
  expect(got.nIter).toBe(model.nIter);
  expect(Object.is(got.bandwidth, model.bandwidthUsed)).toBe(true);
}

const split: fc.Arbitrary<Split> = fc.record({
  seedRuns: fc.integer({ min: 1, max: 17 }),
  rowRuns: fc.integer({ min: 1, max: 17 }),
  cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 17, maxLength: 17 }),
  order: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 17, maxLength: 17 }),
  viaBuffers: fc.boolean(),
});

/** Blobs of 1 to 20 features, sized so that every dimension's query structure is exercised. */
const dataSet = fc
  .record({
    nFeatures: fc.constantFrom(1, 2, 2, 3, 5, 20),
    nSamples: fc.integer({ min: 20, max: 400 }),
    centers: fc.integer({ min: 1, max: 5 }),
    clusterStd: fc.constantFrom(0.3, 1, 2.5),
    randomState: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  })
  .map((o) => makeBlobs(o).X);

const fitOptions: fc.Arbitrary<MeanShiftOptions> = fc.record({
  bandwidth: fc.oneof(fc.constant(null), fc.double({ min: 0.5, max: 6, noNaN: true })),
  binSeeding: fc.boolean(),
  clusterAll: fc.boolean(),
  maxIter: fc.constantFrom(0, 2, 300),
});

describe('split fits give fit\'s bits', () => {
  it('with sample weights and kernels (issue 16)', () => {
    fc.assert(
      fc.property(
        dataSet,
        fitOptions,
        split,
        fc.constantFrom('flat', 'gaussian', 'epanechnikov' as const),
        fc.integer({ min: 0, max: 2 ** 31 }),
        (X, options, s, kernel, salt) => {
          const sampleWeight = X.map((_, i) => ((i * 7 + salt) % 5) * 0.5 + (i === 0 ? 1 : 0));
          expectSameAsFit(X, { ...options, kernel, kernelCutoff: 2, maxIter: Math.min(options.maxIter ?? 300, 40), sampleWeight }, s);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('on random data sets, options and splits', () => {
    fc.assert(
      fc.property(dataSet, fitOptions, split, (X, options, s) => expectSameAsFit(X, options, s)),
      { numRuns: RUNS },
    );
  });

  it('in 2-D with every point a seed (the lock-step rounds of the band index) and with bin seeds', () => {
    const X = tutorialBlobs(3_000, 4);
    fc.assert(
      fc.property(split, fc.boolean(), (s, binSeeding) => expectSameAsFit(X, { bandwidth: 0.45, binSeeding }, s)),
      { numRuns: 12 },
    );
  });

  it('in 3-D (sum tree), 20-D (scan), with given seeds and clusterAll false', () => {
    const three = makeBlobs({ nSamples: 600, nFeatures: 3, centers: 4, randomState: 7 }).X;
    const high = makeBlobs({ nSamples: 300, nFeatures: 20, centers: 3, randomState: 8 }).X;
    const seeds = three.filter((_, i) => i % 7 === 0);
    fc.assert(
      fc.property(split, (s) => {
        expectSameAsFit(three, { bandwidth: 2 }, s);
        expectSameAsFit(three, { bandwidth: 1.5, seeds, clusterAll: false }, s);
        expectSameAsFit(high, { bandwidth: 7, maxIter: 5 }, s);
      }),
      { numRuns: 8 },
    );
  });

  it('with an estimated bandwidth: seedsFor estimates it as fit does', () => {
    const X = tutorialBlobs(500, 9);
    const one: Split = { seedRuns: 5, rowRuns: 3, cuts: [0.1, 0.5, 0.5, 0.9, 0.3, 0.7], order: [0.9, 0.1, 0.5, 0.3, 0.7], viaBuffers: true };
    expectSameAsFit(X, { bandwidth: null }, one);
    expectSameAsFit(X, { bandwidth: null, binSeeding: true }, one);
  });

  it('climbSeedsAsync gives the same climbs as climbSeeds', async () => {
    const X = tutorialBlobs(2_000, 1);
    const { seeds, bandwidth } = seedsFor(X, { bandwidth: 0.5 });
    const run = { data: seeds.data.subarray(200, 1_200), shape: [500, 2] as [number, number] };
    const options = { bandwidth, firstSeed: 100, totalSeeds: 2_000 };
    const progress: number[] = [];
    const later = await climbSeedsAsync(X, run, { ...options, onProgress: ({ done }) => progress.push(done) });
    const now = climbSeeds(X, run, options);
    expect(climbsToBuffer(later).equals(climbsToBuffer(now))).toBe(true);
    expect(progress.at(-1)).toBe(500);
  });
});

describe('shard primitives: errors carry the code and the parameter', () => {
  const X = [
    [0, 0],
    [1, 1],
    [5, 5],
  ];
  const caught = (work: () => unknown) => {
    try {
      work();
    } catch (error) {
      return error as Error & { code: string; parameter?: string };
    }
    throw new Error('did not throw');
  };

  it('climbSeeds', () => {
    expect(caught(() => climbSeeds(X, X, {} as never))).toMatchObject({ code: 'ERR_INVALID_ARG_TYPE', parameter: 'bandwidth' });
    const range = caught(() => climbSeeds(X, X, { bandwidth: -1 }));
    expect(range).toMatchObject({ code: 'ERR_OUT_OF_RANGE', parameter: 'bandwidth', name: 'RangeError' });
    expect(range.message).toBe("The 'bandwidth' parameter of climbSeeds must be a float in the range (0.0, inf). Got -1 instead.");
    expect(caught(() => climbSeeds(X, X, { bandwidth: 1, firstSeed: 2, totalSeeds: 4 }))).toMatchObject({
      code: 'ERR_OUT_OF_RANGE',
      parameter: 'totalSeeds',
    });
    expect(caught(() => climbSeeds(X, [[1, 2, 3]], { bandwidth: 1 }))).toMatchObject({ code: 'ERR_FEATURE_MISMATCH', parameter: 'seeds' });
    expect(caught(() => climbSeeds(X, [[NaN, 0]], { bandwidth: 1 }))).toMatchObject({ code: 'ERR_NON_FINITE', parameter: 'seeds', row: 0, column: 0 });
    expect(caught(() => climbSeeds(X, X, { bandwidth: 1, bandwith: 2 } as never))).toMatchObject({ code: 'ERR_UNKNOWN_OPTION' });
    expect(climbSeeds(X, [], { bandwidth: 1, firstSeed: 3, totalSeeds: 3 }).intensities).toHaveLength(0);
  });

  it('mergeModes', () => {
    expect(caught(() => mergeModes([], { bandwidth: 1 }))).toMatchObject({ code: 'ERR_EMPTY_INPUT', parameter: 'climbs' });
    const far = climbSeeds(X, [[100, 100]], { bandwidth: 1 });
    expect(caught(() => mergeModes([far], { bandwidth: 1 }))).toMatchObject({ code: 'ERR_NO_POINT_WITHIN_BANDWIDTH', parameter: 'bandwidth' });
    const good = climbSeeds(X, X, { bandwidth: 1 });
    expect(caught(() => mergeModes([good], { bandwidth: 0 }))).toMatchObject({ code: 'ERR_OUT_OF_RANGE', parameter: 'bandwidth' });
    const short = { ...good, positions: good.positions.subarray(1) };
    expect(caught(() => mergeModes([short], { bandwidth: 1 }))).toMatchObject({ code: 'ERR_INVALID_SHAPE', parameter: 'climbs.positions' });
    const wide = climbSeeds([[0, 0, 0]], [[0, 0, 0]], { bandwidth: 1 });
    expect(caught(() => mergeModes([good, wide], { bandwidth: 1 }))).toMatchObject({ code: 'ERR_FEATURE_MISMATCH', parameter: 'climbs' });
    expect(caught(() => mergeModes([{ ...good, intensities: [1, 1, 1] } as never], { bandwidth: 1 }))).toMatchObject({
      code: 'ERR_INVALID_ARG_TYPE',
      parameter: 'climbs',
    });
  });

  it('assignLabels', () => {
    expect(caught(() => assignLabels(X, [[0, 0]], { clusterAll: false }))).toMatchObject({ code: 'ERR_OUT_OF_RANGE', parameter: 'bandwidth' });
    expect(caught(() => assignLabels(X, [], {}))).toMatchObject({ code: 'ERR_EMPTY_INPUT', parameter: 'centers' });
    expect(caught(() => assignLabels(X, [[0, 0, 0]]))).toMatchObject({ code: 'ERR_FEATURE_MISMATCH', parameter: 'X' });
    expect(Array.from(assignLabels(X, [[0, 0], [5, 5]], { clusterAll: false, bandwidth: 1 }))).toEqual([0, -1, 1]);
    expect(assignLabels([], [[0, 0]])).toHaveLength(0);
  });

  it('seedsFor', () => {
    expect(caught(() => seedsFor(X, { bandwidth: -2 }))).toMatchObject({ code: 'ERR_OUT_OF_RANGE', parameter: 'bandwidth' });
    expect(caught(() => seedsFor(X, { bandwidth: 0.1, binSeeding: true, minBinFreq: 5 }))).toMatchObject({ code: 'ERR_NO_BIN_SEEDS' });
    expect(seedsFor(X, { bandwidth: 1 }).seeds.shape).toEqual([3, 2]);
  });

  it('bad buffers', () => {
    const good = matrixToBuffer(X);
    expect(matrixFromBuffer(good)).toEqual({ data: Float64Array.from(X.flat()), shape: [3, 2] });
    const f32 = matrixFromBuffer(matrixToBuffer({ data: new Float32Array([1.5, 2]), shape: [1, 2] }));
    expect(f32.data).toBeInstanceOf(Float32Array);
    const bad = (buffer: unknown, fn: (b: never) => unknown = matrixFromBuffer) => caught(() => fn(buffer as never));
    expect(bad(good.subarray(0, good.length - 1))).toMatchObject({ code: 'ERR_INVALID_BUFFER', parameter: 'buffer' });
    expect(bad(Buffer.from('not a buffer of ours at all....'))).toMatchObject({ code: 'ERR_INVALID_BUFFER' });
    const v3 = Buffer.from(good);
    v3[4] = 3;
    expect(bad(v3).message).toContain('version 3 is not supported');
    expect(bad(good, climbsFromBuffer).message).toContain('holds a float64 matrix');
    expect(bad('text')).toMatchObject({ code: 'ERR_INVALID_BUFFER', name: 'TypeError' });
    const climbs = climbSeeds(X, X, { bandwidth: 1, firstSeed: 7, totalSeeds: 10 });
    const round = climbsFromBuffer(climbsToBuffer(climbs));
    expect(round).toEqual(climbs);
    // Version 1 climbs (u32 intensities) are still read.
    const n = climbs.intensities.length;
    const v1 = Buffer.alloc(24 + climbs.positions.byteLength + 8 * n);
    climbsToBuffer(climbs).copy(v1, 0, 0, 24 + climbs.positions.byteLength);
    v1[4] = 1;
    Buffer.from(Uint32Array.from(climbs.intensities).buffer).copy(v1, 24 + climbs.positions.byteLength);
    Buffer.from(climbs.nIter.buffer, climbs.nIter.byteOffset, climbs.nIter.byteLength).copy(v1, 24 + climbs.positions.byteLength + 4 * n);
    expect(climbsFromBuffer(v1)).toEqual(climbs);
    expect(bad(Buffer.concat([climbsToBuffer(climbs), Buffer.alloc(4)]), climbsFromBuffer)).toMatchObject({ code: 'ERR_INVALID_BUFFER' });
  });
});
