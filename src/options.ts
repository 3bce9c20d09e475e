import { describe } from './errors.js';
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
}

/** Every option with its default. */
export const MEAN_SHIFT_DEFAULTS = {
  bandwidth: null,
  seeds: null,
  binSeeding: false,
  minBinFreq: 1,
  clusterAll: true,
  maxIter: 300,
  nJobs: null,
} as const satisfies Required<MeanShiftOptions>;

export type ResolvedMeanShiftOptions = {
  -readonly [K in keyof MeanShiftOptions]-?: Exclude<MeanShiftOptions[K], undefined>;
};

/** Throws a `TypeError` naming any option `options` has that `known` does not list. */
export function rejectUnknown(options: unknown, known: readonly string[], owner: string): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`The options of ${owner} must be an object. Got ${describe(options)} instead.`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new TypeError(`Unknown option '${key}' for ${owner}. Valid options are: ${known.join(', ')}.`);
    }
  }
}

function parameterError(name: string, owner: string, rule: string, got: unknown): TypeError | RangeError {
  const message = `The '${name}' parameter of ${owner} must be ${rule}. Got ${describe(got)} instead.`;
  return typeof got === 'number' ? new RangeError(message) : new TypeError(message);
}

/** An integer within `[min, max]`, else a TypeError/RangeError in scikit-learn's wording. */
export function checkInt(name: string, owner: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `[${min}, inf)` : `[${min}, ${max}]`;
    throw parameterError(name, owner, `an int in the range ${range}`, value);
  }
  return value;
}

export function checkBoolean(name: string, owner: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new TypeError(`The '${name}' parameter of ${owner} must be a boolean. Got ${describe(value)} instead.`);
  }
  return value;
}

/** `null` or a non-zero integer (joblib's `n_jobs`). */
export function checkNJobs(owner: string, value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value === 0 || Math.abs(value) > 1e6) {
    throw parameterError('nJobs', owner, 'a non-zero int or null (null and -1 use all cores)', value);
  }
  return value;
}

/** Fills defaults and checks every option value (run when `fit` runs, as scikit-learn does). */
export function resolveMeanShiftOptions(options: MeanShiftOptions): ResolvedMeanShiftOptions {
  const owner = 'MeanShift';
  const o = { ...MEAN_SHIFT_DEFAULTS, ...stripUndefined(options) } as ResolvedMeanShiftOptions;
  if (o.bandwidth !== null && !(typeof o.bandwidth === 'number' && o.bandwidth > 0 && Number.isFinite(o.bandwidth))) {
    throw parameterError('bandwidth', owner, 'a float in the range (0.0, inf) or null', o.bandwidth);
  }
  checkBoolean('binSeeding', owner, o.binSeeding);
  checkInt('minBinFreq', owner, o.minBinFreq, 1);
  checkBoolean('clusterAll', owner, o.clusterAll);
  checkInt('maxIter', owner, o.maxIter, 0, 2 ** 32 - 1);
  o.nJobs = checkNJobs(owner, o.nJobs);
  return o;
}

export function stripUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}
