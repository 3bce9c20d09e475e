// A fit split into pieces that can run on many machines and give `fit`'s bits (the core's
// crates/meanshift/src/shards.rs): the seeds (seedsFor), the climbs of any run of seeds
// (climbSeeds: a map), the centres from all climbs in any order (mergeModes: a reduce), the
// labels of any rows (assignLabels: a map with the centres broadcast). Only JavaScript types are
// checked here; every value rule is the core's.
import { addon, type NativeClimbs } from './binding.js';
import { describe, typeError } from './errors.js';
import { type DenseMatrix, type Matrix, toFlat } from './matrix.js';
import { emitWarnings, type FitOptions, nativeFitOptions } from './meanshift.js';
import {
  checkBoolean,
  checkNumber,
  checkString,
  type Kernel,
  type MeanShiftOptions,
  rejectUnknown,
  resolveMeanShiftOptions,
  type SampleWeight,
  stripUndefined,
  toSampleWeight,
} from './options.js';
import { type AsyncOptions, checkAsyncOptions, runTask } from './async.js';

/** What {@link seedsFor} returns: the seeds `fit` climbs, and the bandwidth it uses. */
export interface FitSeeds {
  /** Row-major, one row per seed (`shape: [nSeeds, nFeatures]`). */
  seeds: DenseMatrix & { data: Float64Array };
  /** The `bandwidth` option, or the estimate `fit` would make when it is `null`. */
  bandwidth: number;
  /** The warnings `fit` would emit (they are emitted too). */
  warnings: string[];
}

/**
 * The climbs from a run of consecutive seeds, in seed order. Typed arrays, so that they travel
 * as bytes ({@link climbsToBuffer}).
 */
export interface Climbs {
  /** Where each climb ended, row-major, `nFeatures` values per seed. */
  positions: Float64Array;
  /**
   * Each climb's pull at its last step: the points within the bandwidth (flat kernel, no weights),
   * else `Σ w·K`; 0: nothing in reach, the seed is dropped.
   */
  intensities: Float64Array;
  /** Iterations each climb completed (`fit`'s `nIter` is the largest). */
  nIter: Uint32Array;
  nFeatures: number;
  /** The index of the run's first seed among all the fit's seeds. */
  firstSeed: number;
}

/** {@link climbSeeds}' options. */
export interface ClimbSeedsOptions {
  /** Required: the fit's bandwidth (from {@link seedsFor} when it is estimated). */
  bandwidth: number;
  /** As `MeanShift`'s. Default 300. */
  maxIter?: number;
  /** The index of the first of these seeds among all the fit's seeds. Default 0. */
  firstSeed?: number;
  /**
   * How many seeds the whole fit has: the climbs run on the query structure `fit` picks for that
   * many, which is what makes them `fit`'s bits. Default: the seeds given (they are all of them).
   */
  totalSeeds?: number | null;
  /** Threads, as `MeanShift`'s. */
  nJobs?: number | null;
  /** As `MeanShift`'s (the fit's). */
  kernel?: Kernel;
  kernelCutoff?: number;
  /** The fit's sample weights, one per row of X. */
  sampleWeight?: SampleWeight | null;
}

/** {@link mergeModes}' options. */
export interface MergeModesOptions {
  /** Required: the fit's bandwidth. */
  bandwidth: number;
}

/** What {@link mergeModes} returns. */
export interface Modes {
  /** The cluster centres in `fit`'s order, row-major (`shape: [nClusters, nFeatures]`). */
  clusterCenters: DenseMatrix & { data: Float64Array };
  /** The largest number of iterations any climb completed (`fit`'s `nIter`). */
  nIter: number;
}

/** {@link assignLabels}' options. */
export interface AssignLabelsOptions {
  /** `false`: rows farther than `bandwidth` from every centre get `-1`. Default true. */
  clusterAll?: boolean;
  /** The fit's bandwidth: required when `clusterAll` is false, else unused. */
  bandwidth?: number | null;
  /** Threads, as `MeanShift`'s. */
  nJobs?: number | null;
}

const SEEDS_FOR_OPTIONS = [
  'bandwidth',
  'seeds',
  'binSeeding',
  'minBinFreq',
  'clusterAll',
  'maxIter',
  'nJobs',
  'kernel',
  'kernelCutoff',
  'sampleWeight',
];
const CLIMB_OPTIONS = ['bandwidth', 'maxIter', 'firstSeed', 'totalSeeds', 'nJobs', 'kernel', 'kernelCutoff', 'sampleWeight'];

/**
 * The seeds `fit(X)` with these options would climb (the `seeds` option, one per occupied bin with
 * `binSeeding`, or every row) and the bandwidth it would use (estimated when `bandwidth` is
 * `null`: pass the returned one on to the other steps).
 */
export function seedsFor(X: Matrix, options: MeanShiftOptions & FitOptions = {}): FitSeeds {
  const owner = 'seedsFor';
  rejectUnknown(options, SEEDS_FOR_OPTIONS, owner);
  const { sampleWeight, ...params } = options ?? {};
  const resolved = resolveMeanShiftOptions(stripUndefined(params), owner);
  const weights = toSampleWeight(sampleWeight, owner);
  const x = toFlat(X);
  const result = addon.seedsFor(x.data, x.nRows, x.nCols, nativeFitOptions(resolved, weights));
  emitWarnings(result.warnings);
  return {
    seeds: { data: result.seeds, shape: [result.nSeeds, result.nFeatures] },
    bandwidth: result.bandwidth,
    warnings: result.warnings,
  };
}

function climbArguments(owner: string, options: ClimbSeedsOptions, known: string[]) {
  rejectUnknown(options, known, owner);
  if (options === undefined || options === null) checkNumber('bandwidth', owner, undefined);
  const o = { maxIter: 300, firstSeed: 0, totalSeeds: null, nJobs: null, kernel: 'flat', kernelCutoff: 3, ...stripUndefined(options) };
  return {
    kernel: checkString('kernel', owner, o.kernel),
    kernelCutoff: checkNumber('kernelCutoff', owner, o.kernelCutoff) as number,
    sampleWeight: toSampleWeight(o.sampleWeight, owner),
    bandwidth: checkNumber('bandwidth', owner, o.bandwidth) as number,
    maxIter: checkNumber('maxIter', owner, o.maxIter) as number,
    firstSeed: checkNumber('firstSeed', owner, o.firstSeed) as number,
    totalSeeds: checkNumber('totalSeeds', owner, o.totalSeeds, true) ?? undefined,
    nJobs: checkNumber('nJobs', owner, o.nJobs, true) ?? undefined,
  };
}

/**
 * The climbs from `seeds` (a run of the seeds of {@link seedsFor}, `firstSeed` the index of its
 * first row, `totalSeeds` the number of all of them) over `X`: the same climbs, bit for bit, as
 * inside `fit`. `seeds` may have no rows.
 */
export function climbSeeds(X: Matrix, seeds: Matrix, options: ClimbSeedsOptions): Climbs {
  const owner = 'climbSeeds';
  const native = climbArguments(owner, options, CLIMB_OPTIONS);
  const x = toFlat(X);
  const s = seedMatrix(seeds, x.nCols);
  return climbsOf(addon.climbSeeds(x.data, x.nRows, x.nCols, s.data, s.nRows, s.nCols, native));
}

/**
 * {@link climbSeeds} off the event loop (`X` and `seeds` are copied first); `signal` aborts it
 * and `onProgress` counts finished seeds, as for `fitAsync`.
 */
export async function climbSeedsAsync(X: Matrix, seeds: Matrix, options: ClimbSeedsOptions & AsyncOptions): Promise<Climbs> {
  const owner = 'climbSeedsAsync';
  const native = climbArguments(owner, options, [...CLIMB_OPTIONS, 'signal', 'onProgress']);
  const checked = checkAsyncOptions(owner, options.signal, options.onProgress);
  const x = toFlat(X);
  const s = seedMatrix(seeds, x.nCols);
  const result = await runTask(
    (control) => addon.climbSeedsAsync(x.data, x.nRows, x.nCols, s.data, s.nRows, s.nCols, native, control),
    checked,
  );
  return climbsOf(result);
}

/** An empty `[]` of seeds is 0 rows of X's width. */
function seedMatrix(seeds: Matrix, nCols: number) {
  const s = toFlat(seeds, 'seeds');
  return s.nRows === 0 ? { ...s, nCols } : s;
}

function climbsOf(native: NativeClimbs): Climbs {
  return {
    positions: native.positions,
    intensities: native.intensities,
    nIter: native.nIter,
    nFeatures: native.nFeatures,
    firstSeed: native.firstSeed,
  };
}

/**
 * The cluster centres, in `fit`'s order, from the climbs of all a fit's seeds, in any number of
 * runs given in any order (runs are put back in seed order by `firstSeed`), and `nIter`.
 */
export function mergeModes(climbs: readonly Climbs[], options: MergeModesOptions): Modes {
  const owner = 'mergeModes';
  rejectUnknown(options, ['bandwidth'], owner);
  const bandwidth = checkNumber('bandwidth', owner, options?.bandwidth) as number;
  if (!Array.isArray(climbs)) {
    throw typeError(`The climbs of ${owner} must be an array of Climbs. Got ${describe(climbs)} instead.`, { parameter: 'climbs' });
  }
  const native = climbs.map((c, i) => checkClimbs(c, `climbs[${i}]`));
  const modes = addon.mergeModes(native, bandwidth);
  return { clusterCenters: { data: modes.clusterCenters, shape: [modes.nClusters, modes.nFeatures] }, nIter: modes.nIter };
}

/** A Climbs object's JavaScript types (its values are the core's to check). */
function checkClimbs(c: unknown, name: string): NativeClimbs {
  const bad = (what: string): never => {
    throw typeError(`${name}.${what} is missing or of the wrong type (see the Climbs type).`, { parameter: 'climbs' });
  };
  if (c === null || typeof c !== 'object') bad('positions');
  const { positions, intensities, nIter, nFeatures, firstSeed } = c as Climbs;
  if (!(positions instanceof Float64Array)) bad('positions');
  if (!(intensities instanceof Float64Array)) bad('intensities');
  if (!(nIter instanceof Uint32Array)) bad('nIter');
  if (!Number.isInteger(nFeatures) || nFeatures < 0 || nFeatures > 2 ** 32 - 1) bad('nFeatures');
  if (typeof firstSeed !== 'number') bad('firstSeed');
  return { positions, intensities, nIter, nFeatures, firstSeed };
}

/**
 * The label of each row of `X`: the index of its nearest centre (lowest on ties), or `-1` when
 * `clusterAll` is false and no centre is within `bandwidth`, as `fit` labels its rows.
 */
export function assignLabels(X: Matrix, centers: Matrix, options: AssignLabelsOptions = {}): Int32Array {
  const owner = 'assignLabels';
  rejectUnknown(options, ['clusterAll', 'bandwidth', 'nJobs'], owner);
  const o = { clusterAll: true, bandwidth: null, nJobs: null, ...stripUndefined(options) };
  checkBoolean('clusterAll', owner, o.clusterAll);
  const bandwidth = checkNumber('bandwidth', owner, o.bandwidth, true) ?? undefined;
  const nJobs = checkNumber('nJobs', owner, o.nJobs, true) ?? undefined;
  const x = toFlat(X);
  const c = toFlat(centers, 'centers');
  return addon.assignLabels(x.data, x.nRows, x.nCols, c.data, c.nRows, c.nCols, { clusterAll: o.clusterAll, bandwidth, nJobs });
}
