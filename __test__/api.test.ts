// The public API of api.md: input forms, options, errors, serialisation, threads.
import { describe, expect, it } from 'vitest';
import { MeanShift, NotFittedError, estimateBandwidth, getBinSeeds, makeBlobs, meanShift } from '../src/index.js';
import { captureWarnings, tutorialBlobs } from './helpers.js';

const X = tutorialBlobs(600);
const flat = Float64Array.from(X.flat());

describe('input forms', () => {
  const reference = new MeanShift({ bandwidth: 0.6 }).fit(X);

  it('number[][], Float64Array rows and { data, shape } give the same bits', () => {
    const forms = [X.map((r) => Float64Array.from(r)), { data: flat, shape: [X.length, 2] as [number, number] }];
    for (const form of forms) {
      const ms = new MeanShift({ bandwidth: 0.6 }).fit(form);
      expect(ms.clusterCenters).toEqual(reference.clusterCenters);
      expect(ms.labels).toEqual(reference.labels);
      expect(ms.nIter).toBe(reference.nIter);
    }
  });

  it('Float32Array data is read as its float32 values (rows or { data, shape })', () => {
    const f32 = Float32Array.from(flat);
    const asF64 = Array.from({ length: X.length }, (_, i) => [f32[2 * i]!, f32[2 * i + 1]!]);
    const expected = new MeanShift({ bandwidth: 0.6 }).fit(asF64);
    const dense = new MeanShift({ bandwidth: 0.6 }).fit({ data: f32, shape: [X.length, 2] });
    const rows = new MeanShift({ bandwidth: 0.6 }).fit(asF64.map((r) => Float32Array.from(r)));
    for (const ms of [dense, rows]) {
      expect(ms.clusterCenters).toEqual(expected.clusterCenters);
      expect(ms.labels).toEqual(expected.labels);
    }
  });

  it('the { data, shape } form is not copied or modified', () => {
    const data = Float64Array.from(flat);
    new MeanShift({ bandwidth: 0.6 }).fit({ data, shape: [X.length, 2] });
    expect(data).toEqual(flat);
  });
});

describe('results do not depend on threads', () => {
  it('nJobs 1, 2, -1 and null give bit-identical centres, labels and nIter', () => {
    const runs = [1, 2, -1, null].map((nJobs) => new MeanShift({ bandwidth: 0.5, nJobs }).fit(X));
    for (const run of runs.slice(1)) {
      expect(run.clusterCenters).toEqual(runs[0]!.clusterCenters);
      expect(run.labels).toEqual(runs[0]!.labels);
      expect(run.nIter).toBe(runs[0]!.nIter);
    }
    const bw = [1, 2].map((nJobs) => estimateBandwidth(X, { nJobs }));
    expect(bw[1]).toBe(bw[0]);
  });
});

describe('MeanShift object', () => {
  it('getParams returns every option with defaults; setParams changes them', () => {
    const ms = new MeanShift({ bandwidth: 2 });
    expect(ms.getParams()).toEqual({
      bandwidth: 2,
      seeds: null,
      binSeeding: false,
      minBinFreq: 1,
      clusterAll: true,
      maxIter: 300,
      nJobs: null,
      clusterAssignment: 'nearestCentroid',
      kernel: 'flat',
      kernelCutoff: 3,
    });
    expect(ms.setParams({ clusterAll: false, maxIter: 10 })).toBe(ms);
    expect(ms.getParams()).toMatchObject({ bandwidth: 2, clusterAll: false, maxIter: 10 });
    ms.setParams({ maxIter: undefined });
    expect(ms.getParams().maxIter).toBe(300);
  });

  it('fitted attributes throw NotFittedError before fit', () => {
    const ms = new MeanShift();
    const message =
      "This MeanShift instance is not fitted yet. Call 'fit' with appropriate arguments before using this estimator.";
    for (const read of [() => ms.clusterCenters, () => ms.labels, () => ms.nIter, () => ms.nFeaturesIn, () => ms.predict(X)]) {
      expect(read).toThrow(NotFittedError);
      expect(read).toThrow(message);
    }
    expect(new NotFittedError()).toBeInstanceOf(Error);
  });

  it('round-trips through JSON.stringify and fromJSON', () => {
    const ms = new MeanShift({ bandwidth: 0.5, clusterAll: false, seeds: [[5, 5], [1, 1], [3, 3]] }).fit(X);
    const restored = MeanShift.fromJSON(JSON.parse(JSON.stringify(ms)));
    expect(restored.clusterCenters).toEqual(ms.clusterCenters);
    expect(restored.labels).toEqual(ms.labels);
    expect(restored.nIter).toBe(ms.nIter);
    expect(restored.nFeaturesIn).toBe(2);
    expect(restored.getParams()).toEqual({ ...ms.getParams(), seeds: [[5, 5], [1, 1], [3, 3]] });
    expect(restored.predict(X)).toEqual(ms.predict(X));
    expect(MeanShift.fromJSON(JSON.stringify(new MeanShift({ maxIter: 5 }))).getParams().maxIter).toBe(5);
  });

  it('fromJSON rejects what toJSON did not make', () => {
    expect(() => MeanShift.fromJSON({})).toThrow(TypeError);
    const json = JSON.parse(JSON.stringify(new MeanShift({ bandwidth: 1 }).fit(X)));
    json.fitted.labels[0] = 99;
    expect(() => MeanShift.fromJSON(json)).toThrow("'fitted.labels'");
    json.fitted.labels[0] = 0;
    json.params.bandwidth = -1;
    expect(() => MeanShift.fromJSON(json)).toThrow("The 'bandwidth' parameter of MeanShift");
  });

  it('nFeaturesIn, predict never -1 while labels may be', () => {
    const ms = new MeanShift({ bandwidth: 0.3, clusterAll: false }).fit(X);
    expect(ms.nFeaturesIn).toBe(2);
    expect(Array.from(ms.labels)).toContain(-1);
    expect(Array.from(ms.predict(X))).not.toContain(-1);
    expect(ms.fitPredict(X)).toEqual(ms.labels);
  });

  it('meanShift returns centres, labels and nIter', () => {
    const result = meanShift(X, { bandwidth: 0.6 });
    const ms = new MeanShift({ bandwidth: 0.6 }).fit(X);
    expect(result).toEqual({ clusterCenters: ms.clusterCenters, labels: ms.labels, nIter: ms.nIter });
  });

  it('fit with bin seeding warns (process.emitWarning) when binning keeps every point', () => {
    const { warnings } = captureWarnings(() => new MeanShift({ bandwidth: 1e-6, binSeeding: true }).fit([[0, 0], [1, 1]]));
    expect(warnings).toEqual(['Binning data failed with provided bin_size=0.000001, using data points as seeds.']);
  });

  it('bin seeding that finds no seed is a clear error', () => {
    expect(() => new MeanShift({ bandwidth: 1, binSeeding: true, minBinFreq: 1000 }).fit(X)).toThrowError(
      /Bin seeding found no seed: no bin of size 1 holds at least minBinFreq=1000 points/,
    );
  });
});

describe('bad input gets a clear error', () => {
  const fit = (x: unknown, options: object = { bandwidth: 1 }) => () => new MeanShift(options).fit(x as number[][]);
  const cases: [string, () => unknown, ErrorConstructor | RangeErrorConstructor | TypeErrorConstructor, string | RegExp][] = [
    ['empty X', fit([]), RangeError, 'Found array with 0 sample(s) (shape=(0, 0)) while a minimum of 1 is required by MeanShift.'],
    ['empty shape', fit({ data: new Float64Array(0), shape: [0, 2] }), RangeError, 'Found array with 0 sample(s) (shape=(0, 2))'],
    ['ragged rows', fit([[1, 2], [3]]), RangeError, 'X row 1 has 1 values, but row 0 has 2'],
    ['NaN', fit([[1, 2], [3, NaN]]), RangeError, 'Input X contains NaN (row 1, column 1).'],
    ['infinity', fit([[1, Infinity], [3, 4]]), RangeError, 'Input X contains infinity (row 0, column 1).'],
    ['NaN in Float32Array', fit({ data: new Float32Array([1, 2, 3, NaN]), shape: [2, 2] }), RangeError, 'contains NaN (row 1, column 1)'],
    ['data length vs shape', fit({ data: new Float64Array(5), shape: [3, 2] }), RangeError, 'X.data has 5 values, but its shape [3, 2] needs 6.'],
    ['plain array as data', fit({ data: [1, 2], shape: [1, 2] }), TypeError, 'X.data must be a Float64Array or Float32Array'],
    ['fractional shape', fit({ data: new Float64Array(2), shape: [1.5, 2] }), RangeError, 'X.shape[0] must be a non-negative integer'],
    ['flat typed array', fit(new Float64Array(4)), TypeError, 'pass { data: X, shape: [nSamples, nFeatures] }'],
    ['string value', fit([[1, '2']]), TypeError, "X[0][1] must be a number. Got '2' instead."],
    ['null row', fit([[1, 2], null]), TypeError, 'X row 1 must be an array of numbers'],
    ['not a matrix', fit('abc'), TypeError, 'X must be a matrix'],
    ['negative bandwidth', fit(X, { bandwidth: -1 }), RangeError, "The 'bandwidth' parameter of MeanShift must be a float in the range (0.0, inf) or null. Got -1 instead."],
    ['zero bandwidth', fit(X, { bandwidth: 0 }), RangeError, 'Got 0 instead.'],
    ['string bandwidth', fit(X, { bandwidth: '2' }), TypeError, "Got '2' instead."],
    ['minBinFreq 0', fit(X, { minBinFreq: 0 }), RangeError, "The 'minBinFreq' parameter of MeanShift must be an int in the range [1, inf). Got 0 instead."],
    ['fractional maxIter', fit(X, { maxIter: 1.5 }), RangeError, "The 'maxIter' parameter of MeanShift must be an int in the range [0, 4294967295]"],
    ['non-boolean binSeeding', fit(X, { binSeeding: 1 }), TypeError, "The 'binSeeding' parameter of MeanShift must be a boolean. Got 1 instead."],
    ['nJobs 0', fit(X, { nJobs: 0 }), RangeError, "The 'nJobs' parameter of MeanShift must be a non-zero int or null"],
    ['seeds of the wrong width', fit(X, { bandwidth: 1, seeds: [[1, 2, 3]] }), RangeError, 'seeds has 3 features, but MeanShift is expecting 2 features as input.'],
    ['unknown option', () => new MeanShift({ bandwith: 1 } as object), TypeError, "Unknown option 'bandwith' for MeanShift."],
    ['unknown setParams option', () => new MeanShift().setParams({ foo: 1 } as object), TypeError, "Unknown option 'foo'"],
    ['predict width', () => new MeanShift({ bandwidth: 1 }).fit(X).predict([[1, 2, 3]]), RangeError, 'X has 3 features, but MeanShift is expecting 2 features as input.'],
    ['predict NaN', () => new MeanShift({ bandwidth: 1 }).fit(X).predict([[1, NaN]]), RangeError, 'Input X contains NaN (row 0, column 1).'],
    ['quantile > 1', () => estimateBandwidth(X, { quantile: 2 }), RangeError, "The 'quantile' parameter of estimateBandwidth must be a float in the range [0.0, 1.0]. Got 2 instead."],
    ['nSamples 0', () => estimateBandwidth(X, { nSamples: 0 }), RangeError, "The 'nSamples' parameter of estimateBandwidth must be an int in the range [1, inf) or null. Got 0 instead."],
    ['randomState negative', () => estimateBandwidth(X, { randomState: -1 }), RangeError, "'randomState' parameter of estimateBandwidth must be an int in the range [0, 4294967295]"],
    ['estimateBandwidth empty', () => estimateBandwidth([]), RangeError, 'Found array with 0 sample(s)'],
    ['binSize negative', () => getBinSeeds(X, -1), RangeError, "The 'binSize' parameter of getBinSeeds must be a float in the range [0.0, inf). Got -1 instead."],
    ['makeBlobs centers 0', () => makeBlobs({ centers: 0 }), RangeError, "The 'centers' parameter of makeBlobs must be an int in the range [1, inf)"],
    ['makeBlobs clusterStd per centre', () => makeBlobs({ centers: 3, clusterStd: [1, 2] }), RangeError, "The 'clusterStd' parameter of makeBlobs must be a number or have one value per centre"],
    ['makeBlobs negative std', () => makeBlobs({ clusterStd: -1 }), RangeError, "The 'clusterStd' parameter of makeBlobs must be a float in the range [0.0, inf). Got -1 instead."],
    ['makeBlobs unknown option', () => makeBlobs({ samples: 3 } as object), TypeError, "Unknown option 'samples' for makeBlobs."],
  ];
  for (const [name, run, type, message] of cases) {
    it(name, () => {
      expect(run).toThrow(type);
      expect(run).toThrow(message);
    });
  }
});
