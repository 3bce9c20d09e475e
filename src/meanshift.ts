import { describe, NotFittedError, withFields } from './errors.js';
import { type FlatMatrix, type Matrix, toFlat, toRows } from './matrix.js';
import { addon, type NativeFit, type NativeFitOptions } from './binding.js';
import {
  checkNumber,
  checkString,
  type ClusterAssignment,
  type Kernel,
  MEAN_SHIFT_DEFAULTS,
  type MeanShiftOptions,
  type ResolvedMeanShiftOptions,
  rejectUnknown,
  resolveMeanShiftOptions,
  type SampleWeight,
  stripUndefined,
  toSampleWeight,
} from './options.js';
import { type AsyncOptions, checkAsyncOptions, runTask } from './async.js';

const OPTION_NAMES = Object.keys(MEAN_SHIFT_DEFAULTS);
const ASYNC_OPTION_NAMES = ['signal', 'onProgress'];
const PREDICT_OPTION_NAMES = ['clusterAssignment'];
const FIT_OPTION_NAMES = ['sampleWeight'];

/** `fit`'s second argument: what belongs to the data, not to the estimator. */
export interface FitOptions {
  /**
   * One weight per row of X (finite, >= 0, not all 0): a step moves to the weighted mean, a bin's
   * frequency is its weight, and a row of weight 0 seeds nothing but is labelled. Whole weights
   * give the result of the rows repeated that many times.
   */
  sampleWeight?: SampleWeight | null;
}
const JSON_FORMAT = 'fast-meanshift/MeanShift';

/** What `meanShift` returns. */
export interface MeanShiftResult {
  clusterCenters: number[][];
  labels: Int32Array;
  nIter: number;
}

/** The serialised form of a model (`toJSON` / `fromJSON`). */
export interface MeanShiftJSON {
  format: typeof JSON_FORMAT;
  version: 1;
  params: Omit<ResolvedMeanShiftOptions, 'seeds'> & { seeds: number[][] | null };
  fitted: {
    clusterCenters: number[][];
    labels: number[];
    nIter: number;
    nFeaturesIn: number;
    bandwidth: number;
    /** A model fitted with `clusterAssignment: 'attractor'`: what `predict` climbs over. */
    attractor?: {
      X: number[][];
      nSeeds: number;
      maxIter: number;
      clusterAll: boolean;
      /** Absent in models saved before kernels and weights: 'flat', 3 and none. */
      kernel?: Kernel;
      kernelCutoff?: number;
      sampleWeight?: number[] | null;
    };
  } | null;
}

/** `predict`'s options. */
export interface PredictOptions {
  /** Default: the `clusterAssignment` the model was fitted with. */
  clusterAssignment?: ClusterAssignment;
}

/**
 * What an attractor `predict` climbs over: the training data (a copy) and the fit's settings.
 * Kept only by a model fitted with `clusterAssignment: 'attractor'`.
 */
interface AttractorBasis {
  x: FlatMatrix;
  /** The training rows' weights (`null`: none given). */
  sampleWeight: Float64Array | null;
  nSeeds: number;
  maxIter: number;
  clusterAll: boolean;
  kernel: Kernel;
  kernelCutoff: number;
}

interface Fitted {
  centers: Float64Array;
  nClusters: number;
  nFeatures: number;
  labels: Int32Array;
  nIter: number;
  bandwidth: number;
  clusterAssignment: ClusterAssignment;
  attractor: AttractorBasis | null;
}

/** Emits the warnings scikit-learn would (e.g. bin seeding fell back to the data). */
export function emitWarnings(warnings: readonly string[]): void {
  for (const message of warnings) process.emitWarning(message, { type: 'UserWarning', code: 'FAST_MEANSHIFT' });
}

/** The native fit's arguments, from validated inputs (and the sample weights, as a Float64Array). */
export function nativeFitOptions(o: ResolvedMeanShiftOptions, sampleWeight?: Float64Array): NativeFitOptions {
  const seeds: FlatMatrix | null = o.seeds === null ? null : toFlat(o.seeds, 'seeds');
  return [
    o.bandwidth ?? undefined,
    seeds ? Float64Array.from(seeds.data) : undefined,
    seeds?.nRows,
    o.binSeeding,
    o.minBinFreq,
    o.clusterAll,
    o.maxIter,
    o.nJobs ?? undefined,
    o.clusterAssignment,
    o.kernel,
    o.kernelCutoff,
    sampleWeight,
  ];
}

/** What an attractor model keeps of its training data: the rows and their weights. */
interface KeptData {
  x: FlatMatrix;
  sampleWeight: Float64Array | null;
}

/**
 * The training data an attractor model keeps: `x` itself when `toFlat` built it from rows (no
 * one else holds it), else a copy (the caller may change its typed array after `fit`); the same
 * for the weights (`given` as passed, `weights` as converted).
 */
function keptBasis(X: Matrix, x: FlatMatrix, given: unknown, weights: Float64Array | undefined): KeptData {
  const data = Array.isArray(X) ? x : { ...x, data: x.data.slice() };
  const sampleWeight = weights === undefined ? null : weights === given ? weights.slice() : weights;
  return { x: data, sampleWeight };
}

/** The fitted state of a native result for `nFeatures` features, its warnings emitted; `kept` for attractor models. */
function fittedFrom(result: NativeFit, nFeatures: number, o: ResolvedMeanShiftOptions, kept: KeptData | null): Fitted {
  const [centers, labels, nIter, bandwidth, nSeeds, warnings] = result;
  if (warnings) emitWarnings(warnings);
  return {
    centers,
    nClusters: centers.length / nFeatures,
    nFeatures,
    labels,
    nIter,
    bandwidth,
    clusterAssignment: o.clusterAssignment,
    attractor: kept && {
      ...kept,
      nSeeds,
      maxIter: o.maxIter,
      clusterAll: o.clusterAll,
      kernel: o.kernel,
      kernelCutoff: o.kernelCutoff,
    },
  };
}

/**
 * Mean shift clustering with scikit-learn's semantics (`sklearn.cluster.MeanShift`).
 *
 * ```ts
 * const ms = new MeanShift({ bandwidth: 2 }).fit(X);
 * ms.clusterCenters; ms.labels; ms.predict([[0, 0]]);
 * ```
 */
export class MeanShift {
  #options: MeanShiftOptions;
  #fitted: Fitted | null = null;

  constructor(options: MeanShiftOptions = {}) {
    rejectUnknown(options, OPTION_NAMES, 'MeanShift');
    this.#options = stripUndefined(options);
  }

  /** Finds the clusters of `X` (its rows weighing `sampleWeight`); options are validated here. */
  fit(X: Matrix, fitOptions: FitOptions = {}): this {
    rejectUnknown(fitOptions, FIT_OPTION_NAMES, 'MeanShift.fit');
    const resolved = resolveMeanShiftOptions(this.#options);
    const sampleWeight = toSampleWeight(fitOptions.sampleWeight, 'MeanShift');
    const x = toFlat(X);
    const options = nativeFitOptions(resolved, sampleWeight);
    const result = addon.fit(x.data, x.nRows, x.nCols, options);
    const kept = resolved.clusterAssignment === 'attractor' ? keptBasis(X, x, fitOptions.sampleWeight, sampleWeight) : null;
    this.#fitted = fittedFrom(result, x.nCols, resolved, kept);
    return this;
  }

  /**
   * `fit` off the event loop: the climbs run on a thread pool while JavaScript keeps running.
   * `X` (and `seeds`) are copied before the work starts, so they may change as soon as this
   * returns; options are validated here. Same results as `fit`, bit for bit.
   *
   * Rejects with an {@link AbortError} when `signal` aborts (at once if it already has);
   * `onProgress` receives `{ done, total }` seeds (see {@link AsyncOptions}).
   */
  async fitAsync(X: Matrix, options: AsyncOptions & FitOptions = {}): Promise<this> {
    rejectUnknown(options, [...ASYNC_OPTION_NAMES, ...FIT_OPTION_NAMES], 'MeanShift.fitAsync');
    const checked = checkAsyncOptions('MeanShift.fitAsync', options.signal, options.onProgress);
    const resolved = resolveMeanShiftOptions(this.#options);
    const sampleWeight = toSampleWeight(options.sampleWeight, 'MeanShift');
    const x = toFlat(X);
    const fitOptions = nativeFitOptions(resolved, sampleWeight);
    // Copied now: the caller may change X while the fit runs.
    const kept = resolved.clusterAssignment === 'attractor' ? keptBasis(X, x, options.sampleWeight, sampleWeight) : null;
    const result = await runTask((control) => addon.fitAsync(x.data, x.nRows, x.nCols, fitOptions, control), checked);
    this.#fitted = fittedFrom(result, x.nCols, resolved, kept);
    return this;
  }

  /**
   * The cluster of each row. `'nearestCentroid'`: the nearest centre (lowest index on ties), never
   * `-1`. `'attractor'` (a model fitted with it): each row climbs over the training data as `fit`'s
   * seeds did and takes the first centre within the bandwidth of its climb's end, so a training
   * row gets its `fit` label; with the fit's `clusterAll: false`, `-1` when the climb found no
   * training point or ended beyond the bandwidth of every centre.
   */
  predict(X: Matrix, options: PredictOptions = {}): Int32Array {
    rejectUnknown(options, PREDICT_OPTION_NAMES, 'MeanShift.predict');
    const fitted = this.#requireFitted();
    const given = options.clusterAssignment;
    const assignment = checkString('clusterAssignment', 'MeanShift', given === undefined ? fitted.clusterAssignment : given);
    const x = toFlat(X);
    // setParams checks values at the next fit; predict reads nJobs now, so it checks it now.
    const nJobs = checkNumber('nJobs', 'MeanShift', this.#options.nJobs ?? null, true) ?? undefined;
    if (assignment !== 'attractor') {
      // The core checks the value ('nearestCentroid' or an error).
      return addon.predict(x.data, x.nRows, x.nCols, fitted.centers, fitted.nFeatures, nJobs, assignment);
    }
    const basis = fitted.attractor;
    if (basis === null) {
      throw new NotFittedError(
        'MeanShift',
        "This MeanShift instance was fitted with clusterAssignment 'nearestCentroid', which keeps no training data. " +
          "Fit it with clusterAssignment: 'attractor' to predict attractors.",
      );
    }
    const { x: training, nSeeds, maxIter, clusterAll, kernel, kernelCutoff, sampleWeight } = basis;
    return addon.predictAttractors(x.data, x.nRows, x.nCols, training.data, training.nRows, training.nCols, fitted.centers, {
      bandwidth: fitted.bandwidth,
      maxIter,
      clusterAll,
      nSeeds,
      nJobs,
      kernel,
      kernelCutoff,
      sampleWeight: sampleWeight ?? undefined,
    });
  }

  /** `fit(X).labels`: may hold `-1` when `clusterAll` is false. */
  fitPredict(X: Matrix, fitOptions: FitOptions = {}): Int32Array {
    return this.fit(X, fitOptions).labels;
  }

  /** The options, defaults filled in. */
  getParams(): Required<MeanShiftOptions> {
    return { ...MEAN_SHIFT_DEFAULTS, ...this.#options } as Required<MeanShiftOptions>;
  }

  /** Changes options (checked for unknown names now, for values at the next `fit`). */
  setParams(options: Partial<MeanShiftOptions>): this {
    rejectUnknown(options, OPTION_NAMES, 'MeanShift.setParams');
    // An option set to undefined goes back to its default.
    this.#options = stripUndefined({ ...this.#options, ...options });
    return this;
  }

  /** Cluster centres, by decreasing density (`cluster_centers_`). */
  get clusterCenters(): number[][] {
    const fitted = this.#requireFitted();
    return toRows(fitted.centers, fitted.nFeatures);
  }

  /** The cluster of each training row (`labels_`); `-1` for orphans when `clusterAll` is false. */
  get labels(): Int32Array {
    return this.#requireFitted().labels;
  }

  /** The largest number of iterations any seed completed (`n_iter_`). */
  get nIter(): number {
    return this.#requireFitted().nIter;
  }

  /** The number of features seen by `fit` (`n_features_in_`). */
  get nFeaturesIn(): number {
    return this.#requireFitted().nFeatures;
  }

  /** The bandwidth `fit` used: the option, or the estimate when it was `null`. */
  get bandwidthUsed(): number {
    return this.#requireFitted().bandwidth;
  }

  /** A plain object that `JSON.stringify` turns into a model `fromJSON` restores exactly. */
  toJSON(): MeanShiftJSON {
    const params = this.getParams();
    let seeds: number[][] | null = null;
    if (params.seeds !== null) {
      const flat = toFlat(params.seeds, 'seeds');
      seeds = toRows(flat.data, flat.nCols);
    }
    const fitted = this.#fitted;
    return {
      format: JSON_FORMAT,
      version: 1,
      params: { ...(params as ResolvedMeanShiftOptions), seeds },
      fitted: fitted && {
        clusterCenters: toRows(fitted.centers, fitted.nFeatures),
        labels: Array.from(fitted.labels),
        nIter: fitted.nIter,
        nFeaturesIn: fitted.nFeatures,
        bandwidth: fitted.bandwidth,
        ...(fitted.attractor && {
          attractor: {
            X: toRows(fitted.attractor.x.data, fitted.attractor.x.nCols),
            nSeeds: fitted.attractor.nSeeds,
            maxIter: fitted.attractor.maxIter,
            clusterAll: fitted.attractor.clusterAll,
            kernel: fitted.attractor.kernel,
            kernelCutoff: fitted.attractor.kernelCutoff,
            sampleWeight: fitted.attractor.sampleWeight && Array.from(fitted.attractor.sampleWeight),
          },
        }),
      },
    };
  }

  /** Restores a model saved with `toJSON` (the object, or its JSON text). */
  static fromJSON(json: unknown): MeanShift {
    const data: unknown = typeof json === 'string' ? JSON.parse(json) : json;
    if (data === null || typeof data !== 'object' || (data as { format?: unknown }).format !== JSON_FORMAT) {
      throw invalidJson(new TypeError(`MeanShift.fromJSON expects an object made by MeanShift.toJSON (format '${JSON_FORMAT}').`));
    }
    const { version, params, fitted } = data as Partial<MeanShiftJSON>;
    if (version !== 1) throw invalidJson(new RangeError(`MeanShift.fromJSON supports version 1. Got ${describe(version)} instead.`));
    const model = new MeanShift((params ?? {}) as MeanShiftOptions);
    addon.checkFitOptions(nativeFitOptions(resolveMeanShiftOptions(model.#options)));
    if (fitted !== null && fitted !== undefined) model.#fitted = restoreFitted(fitted);
    return model;
  }

  #requireFitted(): Fitted {
    if (this.#fitted === null) throw new NotFittedError();
    return this.#fitted;
  }
}

/** An error of `fromJSON` (`'ERR_INVALID_MODEL_JSON'`), naming the field when one is bad. */
function invalidJson<E extends Error>(error: E, field?: string): E {
  return withFields(error, { code: 'ERR_INVALID_MODEL_JSON', ...(field === undefined ? {} : { parameter: field }) });
}

function restoreFitted(fitted: NonNullable<MeanShiftJSON['fitted']>): Fitted {
  const bad = (what: string): never => {
    throw invalidJson(new TypeError(`MeanShift.fromJSON: 'fitted.${what}' is missing or invalid.`), `fitted.${what}`);
  };
  const { clusterCenters, labels, nIter, nFeaturesIn, bandwidth } = fitted;
  if (!Number.isInteger(nFeaturesIn) || nFeaturesIn < 1) bad('nFeaturesIn');
  if (!Number.isInteger(nIter) || nIter < 0) bad('nIter');
  if (typeof bandwidth !== 'number' || !(bandwidth >= 0) || !Number.isFinite(bandwidth)) bad('bandwidth');
  if (!Array.isArray(clusterCenters) || clusterCenters.length === 0) bad('clusterCenters');
  const centers = toFlat(clusterCenters, 'fitted.clusterCenters');
  if (centers.nCols !== nFeaturesIn || !centers.data.every(Number.isFinite)) bad('clusterCenters');
  if (!Array.isArray(labels) || !labels.every((l) => Number.isInteger(l) && l >= -1 && l < centers.nRows)) {
    bad('labels');
  }
  let attractor: AttractorBasis | null = null;
  if (fitted.attractor !== undefined) {
    const saved = fitted.attractor ?? ({} as Partial<NonNullable<typeof fitted.attractor>>);
    const { X, nSeeds, maxIter, clusterAll, kernel = 'flat', kernelCutoff = 3, sampleWeight = null } = saved;
    if (!Array.isArray(X) || X.length === 0) bad('attractor.X');
    const x = toFlat(X!, 'fitted.attractor.X');
    if (x.nCols !== nFeaturesIn || !x.data.every(Number.isFinite)) bad('attractor.X');
    if (!Number.isInteger(nSeeds) || nSeeds! < 1) bad('attractor.nSeeds');
    if (!Number.isInteger(maxIter) || maxIter! < 0) bad('attractor.maxIter');
    if (typeof clusterAll !== 'boolean') bad('attractor.clusterAll');
    if (typeof kernel !== 'string') bad('attractor.kernel');
    if (typeof kernelCutoff !== 'number') bad('attractor.kernelCutoff');
    // The values' ranges are the core's rules, checked when predict climbs.
    if (sampleWeight !== null && (!Array.isArray(sampleWeight) || sampleWeight.length !== x.nRows || !sampleWeight.every((w) => typeof w === 'number'))) {
      bad('attractor.sampleWeight');
    }
    attractor = {
      x,
      nSeeds: nSeeds!,
      maxIter: maxIter!,
      clusterAll: clusterAll!,
      kernel,
      kernelCutoff,
      sampleWeight: sampleWeight === null ? null : Float64Array.from(sampleWeight),
    };
  }
  return {
    centers: Float64Array.from(centers.data),
    nClusters: centers.nRows,
    nFeatures: nFeaturesIn,
    labels: Int32Array.from(labels),
    nIter,
    bandwidth,
    // Only a model fitted with 'attractor' keeps what an attractor prediction climbs over.
    clusterAssignment: attractor === null ? 'nearestCentroid' : 'attractor',
    attractor,
  };
}

/** `sklearn.cluster.mean_shift`: fits and returns centres, labels and the iteration count. */
export function meanShift(X: Matrix, options: MeanShiftOptions & FitOptions = {}): MeanShiftResult {
  // Unknown names are the constructor's to reject, as before there were fit options.
  const { sampleWeight, ...params } = options ?? {};
  return resultOf(new MeanShift(params).fit(X, { sampleWeight }));
}

/**
 * {@link meanShift} off the event loop, with `signal` and `onProgress` among the options
 * (see {@link MeanShift.fitAsync}).
 */
export async function meanShiftAsync(
  X: Matrix,
  options: MeanShiftOptions & FitOptions & AsyncOptions = {},
): Promise<MeanShiftResult> {
  rejectUnknown(options, [...OPTION_NAMES, ...FIT_OPTION_NAMES, ...ASYNC_OPTION_NAMES], 'meanShiftAsync');
  const { signal, onProgress, sampleWeight, ...params } = options;
  return resultOf(await new MeanShift(params).fitAsync(X, { signal, onProgress, sampleWeight }));
}

function resultOf(model: MeanShift): MeanShiftResult {
  return { clusterCenters: model.clusterCenters, labels: model.labels, nIter: model.nIter };
}
