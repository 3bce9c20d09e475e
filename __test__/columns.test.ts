// The columnar input form `{ columns: [Float64Array | Float32Array, ...] }` (one typed array per
// feature, as Apache Arrow, DuckDB and Polars hand data out): the same bits as the row form in
// every entry point that takes a Matrix, and errors that name the column.
import { describe, expect, it } from 'vitest';
import {
  MeanShift,
  estimateBandwidth,
  estimateBandwidthAsync,
  getBinSeeds,
  makeBlobs,
  meanShift,
  meanShiftAsync,
  type ColumnMatrix,
} from '../src/index.js';
import { tutorialBlobs } from './helpers.js';

/** The exact bits of a list of rows (so -0 and +0 differ, unlike toEqual on numbers). */
const bits = (rows: readonly (readonly number[])[]): bigint[] =>
  Array.from(new BigUint64Array(Float64Array.from(rows.flat()).buffer));

/** Column j of row-major rows as a Float64Array (or Float32Array). */
function columnsOf(rows: number[][], type: Float64ArrayConstructor | Float32ArrayConstructor = Float64Array): ColumnMatrix {
  const nCols = rows[0]!.length;
  return { columns: Array.from({ length: nCols }, (_, j) => new type(rows.map((r) => r[j]!))) };
}

const X = makeBlobs({ nSamples: 900, nFeatures: 3, centers: 4, clusterStd: 0.8, randomState: 5 }).X;
const B = 1.6;

describe('{ columns } gives the row form’s bits', () => {
  const rowsFit = new MeanShift({ bandwidth: B }).fit(X);

  it('fit, fitPredict and predict', () => {
    const ms = new MeanShift({ bandwidth: B }).fit(columnsOf(X));
    expect(bits(ms.clusterCenters)).toEqual(bits(rowsFit.clusterCenters));
    expect(Array.from(ms.labels)).toEqual(Array.from(rowsFit.labels));
    expect(ms.nIter).toBe(rowsFit.nIter);
    expect(ms.nFeaturesIn).toBe(3);
    const fresh = makeBlobs({ nSamples: 50, nFeatures: 3, centers: 4, clusterStd: 2, randomState: 6 }).X;
    expect(Array.from(ms.predict(columnsOf(fresh)))).toEqual(Array.from(rowsFit.predict(fresh)));
    expect(Array.from(new MeanShift({ bandwidth: B }).fitPredict(columnsOf(X)))).toEqual(Array.from(rowsFit.labels));
  });

  it('fitAsync, meanShift and meanShiftAsync', async () => {
    const a = await new MeanShift({ bandwidth: B }).fitAsync(columnsOf(X));
    expect(bits(a.clusterCenters)).toEqual(bits(rowsFit.clusterCenters));
    expect(Array.from(a.labels)).toEqual(Array.from(rowsFit.labels));
    const sync = meanShift(columnsOf(X), { bandwidth: B, binSeeding: true });
    const ref = meanShift(X, { bandwidth: B, binSeeding: true });
    expect(bits(sync.clusterCenters)).toEqual(bits(ref.clusterCenters));
    expect(Array.from(sync.labels)).toEqual(Array.from(ref.labels));
    const viaAsync = await meanShiftAsync(columnsOf(X), { bandwidth: B, binSeeding: true });
    expect(bits(viaAsync.clusterCenters)).toEqual(bits(ref.clusterCenters));
  });

  it('estimateBandwidth (sync and async), getBinSeeds and the seeds option', async () => {
    const options = { quantile: 0.2, nSamples: 300 };
    const expected = estimateBandwidth(X, options);
    expect(estimateBandwidth(columnsOf(X), options)).toBe(expected);
    expect(await estimateBandwidthAsync(columnsOf(X), options)).toBe(expected);
    expect(bits(getBinSeeds(columnsOf(X), B, 3))).toEqual(bits(getBinSeeds(X, B, 3)));
    const seeds = X.slice(0, 40);
    const withSeeds = new MeanShift({ bandwidth: B, seeds: columnsOf(seeds) }).fit(columnsOf(X));
    const reference = new MeanShift({ bandwidth: B, seeds }).fit(X);
    expect(bits(withSeeds.clusterCenters)).toEqual(bits(reference.clusterCenters));
    expect(Array.from(withSeeds.labels)).toEqual(Array.from(reference.labels));
  });

  it('one column (1-D) and the tutorial’s 2-D data (the band index path)', () => {
    const oneD = X.map((r) => [r[0]!]);
    const a = new MeanShift({ bandwidth: 0.9 }).fit({ columns: [Float64Array.from(oneD, (r) => r[0]!)] });
    const b = new MeanShift({ bandwidth: 0.9 }).fit(oneD);
    expect(bits(a.clusterCenters)).toEqual(bits(b.clusterCenters));
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
    const T = tutorialBlobs(2000);
    const c = new MeanShift({ bandwidth: 0.6 }).fit(columnsOf(T));
    const d = new MeanShift({ bandwidth: 0.6 }).fit(T);
    expect(bits(c.clusterCenters)).toEqual(bits(d.clusterCenters));
    expect(Array.from(c.labels)).toEqual(Array.from(d.labels));
  });

  it('Float32Array columns are read as float32 values, like Float32Array rows; mixed columns as float64', () => {
    const f32Rows = X.map((r) => Float32Array.from(r));
    const a = new MeanShift({ bandwidth: B }).fit(columnsOf(X, Float32Array));
    const b = new MeanShift({ bandwidth: B }).fit(f32Rows);
    expect(bits(a.clusterCenters)).toEqual(bits(b.clusterCenters));
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
    // One float32 column among float64 ones: its float32 values, widened exactly.
    const mixed = columnsOf(X);
    const asF32 = Float32Array.from(mixed.columns[1]!);
    const widened = X.map((r, i) => [r[0]!, asF32[i]!, r[2]!]);
    const m = new MeanShift({ bandwidth: B }).fit({ columns: [mixed.columns[0]!, asF32, mixed.columns[2]!] });
    const w = new MeanShift({ bandwidth: B }).fit(widened);
    expect(bits(m.clusterCenters)).toEqual(bits(w.clusterCenters));
    expect(Array.from(m.labels)).toEqual(Array.from(w.labels));
  });

  it('the columns are not modified', () => {
    const cols = columnsOf(X);
    const copies = cols.columns.map((c) => Float64Array.from(c));
    new MeanShift({ bandwidth: B }).fit(cols);
    cols.columns.forEach((c, j) => expect(c).toEqual(copies[j]));
  });
});

describe('{ columns } errors name the column', () => {
  const col = (values: number[]): Float64Array => Float64Array.from(values);

  it.each([
    [{ columns: 'abc' }, TypeError, 'X.columns must be an array of Float64Array/Float32Array columns. Got \'abc\' instead.'],
    [{ columns: [col([1, 2]), [3, 4]] }, TypeError, 'X.columns[1] must be a Float64Array or Float32Array. Got an array of length 2 instead.'],
    [{ columns: [col([1, 2]), new Int32Array(2)] }, TypeError, 'X.columns[1] must be a Float64Array or Float32Array. Got an Int32Array instead.'],
    [
      { columns: [col([1, 2, 3]), col([1, 2])] },
      RangeError,
      'X.columns[1] has 2 values, but X.columns[0] has 3: every column must have the same number of samples.',
    ],
  ])('%o', (X, type, message) => {
    const fit = (): unknown => new MeanShift({ bandwidth: 1 }).fit(X as unknown as ColumnMatrix);
    expect(fit).toThrow(type);
    expect(fit).toThrow(message);
  });

  it('NaN and the empty form: the core’s messages, with the row and column of the value', () => {
    expect(() => new MeanShift({ bandwidth: 1 }).fit({ columns: [col([1, 2, 3]), col([4, NaN, 6])] })).toThrow(
      'Input X contains NaN (row 1, column 1).',
    );
    expect(() => new MeanShift({ bandwidth: 1 }).fit({ columns: [] })).toThrow(/Found array with 0 sample\(s\)/);
    expect(() => estimateBandwidth({ columns: [col([1, 2]), 'x' as unknown as Float64Array] })).toThrow('X.columns[1]');
    expect(() => new MeanShift({ bandwidth: 1, seeds: { columns: [col([1])] } }).fit([[1, 2]])).toThrow(
      'seeds has 1 features, but MeanShift is expecting 2 features as input.',
    );
  });
});
