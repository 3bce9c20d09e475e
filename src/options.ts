import { describe, throwTypeError, typeError, withFields } from './errors.js';
import type { Matrix } from './matrix.js';

/** `MeanShift`'s parameters: scikit-learn's, in camelCase. */
export interface MeanShiftOptions {
  /** Kernel radius. `null`: `estimateBandwidth` on all samples (quadratic in N). */
  bandwidth?: number | null;
  /** Starting points of the climbs; `null`: bin seeds or every sample. */
  seeds?: Matrix | null;
  /** Seed from a grid of cells of size `bandwidth` instead of from every sample. */
  binSeeding?: boolean;
  /** With `binSeeding`: only cells holding at least this many points seed. */
  minBinFreq?: number;
  /** `false`: samples farther than `bandwidth` from every centre get label `-1`. */
  clusterAll?: boolean;
  /** Most iterations per seed. */
  maxIter?: number;
  /** Threads: `null` or `-1` all cores, `k > 0` exactly k, `k < -1` all but `-k - 1`. */
  nJobs?: number | null;
  /**
   * How samples get their label. `'nearestCentroid'` (scikit-learn's): the nearest centre.
   * `'attractor'`: the centre of the mode the sample's own climb reaches (the first centre within
   * `bandwidth` of the climb's end); the model then keeps a copy of `X` for `predict`.
   */
  clusterAssignment?: ClusterAssignment;
  /**
   * How the points within reach pull a climb step: `'flat'` (scikit-learn's mean), `'gaussian'`
   * (`exp(-d²/2h²)` within `kernelCutoff × bandwidth`) or `'epanechnikov'` (`1 - d²/h²` within the bandwidth).
   */
  kernel?: Kernel;
  /** The Gaussian kernel's reach, in bandwidths. */
  kernelCutoff?: number;
}

/** The values of `clusterAssignment`. */
export type ClusterAssignment = 'nearestCentroid' | 'attractor';

/** A climb step's kernel (see {@link MeanShiftOptions.kernel}). */
export type Kernel = 'flat' | 'gaussian' | 'epanechnikov';

/** One weight per row of X: finite, >= 0, not all 0. */
export type SampleWeight = Float64Array | Float32Array | readonly number[];

/** Every option with its default. */
export const MEAN_SHIFT_DEFAULTS = {
  bandwidth: null,
  seeds: null,
  binSeeding: false,
  minBinFreq: 1,
  clusterAll: true,
  maxIter: 300,
  nJobs: null,
  clusterAssignment: 'nearestCentroid',
  kernel: 'flat',
  kernelCutoff: 3,
} as const satisfies Required<MeanShiftOptions>;

export type ResolvedMeanShiftOptions = {
  -readonly [K in keyof MeanShiftOptions]-?: Exclude<MeanShiftOptions[K], undefined>;
};

/** Throws a TypeError (`'ERR_UNKNOWN_OPTION'`) naming any option `options` has that `known` does not list. */
export function rejectUnknown(options: unknown, known: readonly string[], owner: string): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw typeError(`The options of ${owner} must be an object. Got ${describe(options)} instead.`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw withFields(new TypeError(`Unknown option '${key}' for ${owner}. Valid options are: ${known.join(', ')}.`), {
        code: 'ERR_UNKNOWN_OPTION',
        parameter: key,
      });
    }
  }
}

// Only the JavaScript type of a value is checked here; its range is the core's rule
// (crates/meanshift/src/params.rs), checked when the value reaches it.

/** A number (or `null` when `nullable`), else the parameter's TypeError. */
export function checkNumber(name: string, owner: string, value: unknown, nullable = false): number | null {
  if (typeof value === 'number' || (nullable && value === null)) return value;
  throwTypeError(owner, name, value);
}

/** A string, else the parameter's TypeError (which values are allowed is the core's rule). */
export function checkString(name: string, owner: string, value: unknown): string {
  if (typeof value === 'string') return value;
  throwTypeError(owner, name, value);
}

export function checkBoolean(name: string, owner: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw typeError(`The '${name}' parameter of ${owner} must be a boolean. Got ${describe(value)} instead.`, { parameter: name });
  }
  return value;
}

/** Fills defaults and checks every option's type (run when `fit` runs, as scikit-learn does). */
export function resolveMeanShiftOptions(options: MeanShiftOptions, owner = 'MeanShift'): ResolvedMeanShiftOptions {
  const o = { ...MEAN_SHIFT_DEFAULTS, ...stripUndefined(options) } as ResolvedMeanShiftOptions;
  checkNumber('bandwidth', owner, o.bandwidth, true);
  checkBoolean('binSeeding', owner, o.binSeeding);
  checkNumber('minBinFreq', owner, o.minBinFreq);
  checkBoolean('clusterAll', owner, o.clusterAll);
  checkNumber('maxIter', owner, o.maxIter);
  checkNumber('nJobs', owner, o.nJobs, true);
  checkString('clusterAssignment', owner, o.clusterAssignment);
  checkString('kernel', owner, o.kernel);
  checkNumber('kernelCutoff', owner, o.kernelCutoff);
  return o;
}

/**
 * `sampleWeight` as the Float64Array the core reads (a Float64Array as is, without a copy), or
 * `undefined` when absent. Only the JavaScript types are checked here; the values (finite, >= 0,
 * one per row, not all 0) are the core's rule.
 */
export function toSampleWeight(value: unknown, owner: string): Float64Array | undefined {
  if (value === undefined || value === null) return undefined;
  if (value instanceof Float64Array) return value;
  if (value instanceof Float32Array) return Float64Array.from(value);
  if (!Array.isArray(value)) throwTypeError(owner, 'sampleWeight', value);
  const weights = new Float64Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const w: unknown = value[i];
    if (typeof w !== 'number') {
      throw typeError(`sampleWeight[${i}] must be a number. Got ${describe(w)} instead.`, { parameter: 'sampleWeight', row: i });
    }
    weights[i] = w;
  }
  return weights;
}

export function stripUndefined<T extends object>(options: T): Partial<T> {
  // A loop, not Object.fromEntries(Object.entries(...)): no array per entry (every fit does this twice).
  const kept: Record<string, unknown> = {};
  for (const key of Object.keys(options)) {
    const value = (options as Record<string, unknown>)[key];
    if (value !== undefined) kept[key] = value;
  }
  return kept as Partial<T>;
}
