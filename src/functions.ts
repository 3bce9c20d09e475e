import { getHeapStatistics } from 'node:v8';
import { describe, typeError, withFields } from './errors.js';
import { type Matrix, toFlat, toRows } from './matrix.js';
import { emitWarnings } from './meanshift.js';
import { addon } from './binding.js';
import { checkBoolean, checkNumber, rejectUnknown, type SampleWeight, stripUndefined, toSampleWeight } from './options.js';
import { checkAsyncOptions, runTask } from './async.js';

const MAX_SEED = 2 ** 32 - 1;

export interface EstimateBandwidthOptions {
  /** In [0, 1]: the neighbour rank used is `floor(rows × quantile)`, at least 1. Default 0.3. */
  quantile?: number;
  /** Estimate on this many rows, picked as scikit-learn picks them. Default `null`: all rows (quadratic). */
  nSamples?: number | null;
  /** Seed of NumPy's `RandomState` for picking the rows. Default 0. */
  randomState?: number;
  /** Threads, as in `MeanShift`. */
  nJobs?: number | null;
  /**
   * One weight per row (finite, >= 0, not all 0): the rank becomes a cumulative weight
   * (`quantile × total weight`; with whole weights `max(1, floor(...))`, so that they equal the rows
   * repeated) and the mean over rows is weighted.
   */
  sampleWeight?: SampleWeight | null;
}

/**
 * `sklearn.cluster.estimate_bandwidth`: the mean distance from each (sampled) row to
 * its k-th nearest neighbour. With `nSamples` the same rows as scikit-learn are used.
 */
export function estimateBandwidth(X: Matrix, options: EstimateBandwidthOptions = {}): number {
  const a = bandwidthArguments(X, options, 'estimateBandwidth', BANDWIDTH_OPTION_NAMES);
  return addon.estimateBandwidth(a.x.data, a.x.nRows, a.x.nCols, a.quantile, a.nSamples, a.randomState, a.nJobs, a.sampleWeight);
}

/**
 * {@link estimateBandwidth} off the event loop; `signal` aborts it (an {@link AbortError}).
 * `X` is copied before the work starts. The same result as `estimateBandwidth`, bit for bit.
 */
export async function estimateBandwidthAsync(
  X: Matrix,
  options: EstimateBandwidthOptions & { signal?: AbortSignal | null } = {},
): Promise<number> {
  const owner = 'estimateBandwidthAsync';
  const a = bandwidthArguments(X, options, owner, [...BANDWIDTH_OPTION_NAMES, 'signal']);
  const checked = checkAsyncOptions(owner, options.signal, undefined);
  return runTask(
    (control) =>
      addon.estimateBandwidthAsync(a.x.data, a.x.nRows, a.x.nCols, a.quantile, a.nSamples, a.randomState, a.nJobs, a.sampleWeight, control),
    checked,
  );
}

const BANDWIDTH_OPTION_NAMES = ['quantile', 'nSamples', 'randomState', 'nJobs', 'sampleWeight'];

/** estimateBandwidth's input and options, their types checked (their values are the core's rules). */
function bandwidthArguments(X: Matrix, options: EstimateBandwidthOptions, owner: string, names: string[]) {
  rejectUnknown(options, names, owner);
  const o = { quantile: 0.3, nSamples: null, randomState: 0, nJobs: null, ...stripUndefined(options) };
  const quantile = checkNumber('quantile', owner, o.quantile) as number;
  const nSamples = checkNumber('nSamples', owner, o.nSamples, true) ?? undefined;
  const randomState = checkNumber('randomState', owner, o.randomState) as number;
  const nJobs = checkNumber('nJobs', owner, o.nJobs, true) ?? undefined;
  const sampleWeight = toSampleWeight(o.sampleWeight, owner);
  return { x: toFlat(X), quantile, nSamples, randomState, nJobs, sampleWeight };
}

/**
 * `sklearn.cluster.get_bin_seeds`: one seed per grid cell of size `binSize` that holds
 * at least `minBinFreq` points, in order of first occurrence. `binSize` 0 returns the
 * points; so does a binning that keeps every point, with scikit-learn's warning.
 */
export function getBinSeeds(X: Matrix, binSize: number, minBinFreq = 1): number[][] {
  const owner = 'getBinSeeds';
  checkNumber('binSize', owner, binSize);
  checkNumber('minBinFreq', owner, minBinFreq);
  const x = toFlat(X);
  const result = addon.getBinSeeds(x.data, x.nRows, x.nCols, binSize, minBinFreq);
  if (result.warning) emitWarnings([result.warning]);
  return toRows(result.seeds, x.nCols);
}

export interface MakeBlobsOptions {
  /** Total number of points, split evenly over the centres. Default 100. */
  nSamples?: number;
  /** Features of random centres. Default 2 (ignored with explicit centres). */
  nFeatures?: number;
  /** A number of random centres, or the centres themselves. Default 3. */
  centers?: number | number[][] | null;
  /** Standard deviation of every cluster, or one per centre. Default 1. */
  clusterStd?: number | number[];
  /** Box random centres are drawn in. Default [-10, 10]. */
  centerBox?: [number, number];
  /** Shuffle the rows. Default true. */
  shuffle?: boolean;
  /** Seed of NumPy's `RandomState`: the same integer gives scikit-learn's exact data. Default: a random seed. */
  randomState?: number | null;
}

/** `sklearn.datasets.make_blobs`: isotropic Gaussian blobs, bit-identical for an integer `randomState`. */
export function makeBlobs(options: MakeBlobsOptions = {}): { X: number[][]; y: Int32Array } {
  const owner = 'makeBlobs';
  const names = ['nSamples', 'nFeatures', 'centers', 'clusterStd', 'centerBox', 'shuffle', 'randomState'];
  rejectUnknown(options, names, owner);
  const o = {
    nSamples: 100,
    nFeatures: 2,
    centers: null,
    clusterStd: 1,
    centerBox: [-10, 10],
    shuffle: true,
    randomState: null,
    ...stripUndefined(options),
  };
  const nSamples = checkNumber('nSamples', owner, o.nSamples) as number;
  const nFeatures = checkNumber('nFeatures', owner, o.nFeatures) as number;
  checkBoolean('shuffle', owner, o.shuffle);
  const randomState =
    o.randomState === null ? Math.floor(Math.random() * (MAX_SEED + 1)) : (checkNumber('randomState', owner, o.randomState) as number);
  let centersCount: number | undefined;
  let centers: Float64Array | undefined;
  let centersRows: number | undefined;
  if (o.centers === null) centersCount = 3;
  else if (typeof o.centers === 'number') centersCount = o.centers;
  else {
    const flat = toFlat(o.centers, 'centers');
    centers = Float64Array.from(flat.data);
    centersRows = flat.nRows;
  }
  const clusterStd = typeof o.clusterStd === 'number' ? [o.clusterStd] : o.clusterStd;
  if (!Array.isArray(clusterStd) || !clusterStd.every((s) => typeof s === 'number')) {
    throw typeError(`The 'clusterStd' parameter of ${owner} must be a number or an array of numbers. Got ${describe(o.clusterStd)} instead.`, {
      parameter: 'clusterStd',
    });
  }
  const box = o.centerBox;
  if (!Array.isArray(box) || box.length !== 2 || !box.every((b) => typeof b === 'number')) {
    throw typeError(`The 'centerBox' parameter of ${owner} must be [low, high]. Got ${describe(box)} instead.`, { parameter: 'centerBox' });
  }
  checkBlobsFitHeap(nSamples, centers === undefined ? nFeatures : centers.length / (centersRows ?? 1));
  const blobs = addon.makeBlobs({
      nSamples,
      nFeatures,
      centersCount,
      centers,
      centersRows,
      clusterStd,
      centerBox: box,
      shuffle: o.shuffle,
      randomState,
    });
  return { X: toRows(blobs.x, blobs.nFeatures), y: blobs.y };
}

const tooLarge = (message: string) => withFields(new RangeError(message), { code: 'ERR_TOO_LARGE', parameter: 'nSamples' });

/** Bytes of one row of `number[][]` on V8's heap: the array, its elements and the outer slot (measured 58 + 8 per value). */
const rowBytes = (nFeatures: number) => 64 + 8 * nFeatures;

/**
 * makeBlobs returns `number[][]`, which lives on V8's heap: running out of it kills the process
 * (it is not an exception), so a request whose rows cannot fit in the heap's free room is a
 * RangeError before anything is generated. (The core refuses more than 2^28 values itself.)
 */
function checkBlobsFitHeap(nSamples: number, nFeatures: number): void {
  const needed = nSamples * rowBytes(nFeatures);
  const { heap_size_limit: limit, used_heap_size: used } = getHeapStatistics();
  if (needed > limit - used) {
    const gib = (bytes: number) => (bytes / 2 ** 30).toFixed(2);
    throw tooLarge(
      `nSamples is too large: ${nSamples} samples × ${nFeatures} features as number[][] need about ${gib(needed)} GiB ` +
        `of the JavaScript heap, which has ${gib(limit - used)} GiB free. Generate fewer samples (or in parts), or raise ` +
        'node --max-old-space-size.',
    );
  }
}
