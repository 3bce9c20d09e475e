// The errors the library throws. Errors about values come from the native core, built by the
// binding (src/js_error.rs) with their `code` and fields; this file builds the few that only
// JavaScript can see (a value's type, unknown options, ragged rows, not fitted, aborted) in
// the same shape. The codes are listed in the README ("Errors").
import { addon } from './binding.js';

/** The stable codes of the errors the library throws. */
export type ErrorCode =
  | 'ERR_INVALID_ARG_TYPE'
  | 'ERR_UNKNOWN_OPTION'
  | 'ERR_OUT_OF_RANGE'
  | 'ERR_EMPTY_INPUT'
  | 'ERR_INVALID_SHAPE'
  | 'ERR_NON_FINITE'
  | 'ERR_INVALID_WEIGHT'
  | 'ERR_FEATURE_MISMATCH'
  | 'ERR_TOO_LARGE'
  | 'ERR_NO_POINT_WITHIN_BANDWIDTH'
  | 'ERR_NO_BIN_SEEDS'
  | 'ERR_NOT_FITTED'
  | 'ERR_INVALID_MODEL_JSON'
  | 'ERR_INVALID_BUFFER'
  | 'ERR_THREAD_POOL'
  | 'ERR_INTERNAL'
  | 'ABORT_ERR';

/**
 * What every error of the library carries besides its message: `code`, and where it applies
 * `parameter` (the option or matrix, camelCase, e.g. `'bandwidth'`, `'X'`), `row` and
 * `column` (0-based) of a bad value in a matrix.
 */
export interface ErrorFields {
  code: ErrorCode;
  parameter?: string;
  row?: number;
  column?: number;
  /** `'ERR_NO_POINT_WITHIN_BANDWIDTH'`: the bandwidth used. */
  bandwidth?: number;
  /** `'ERR_NO_BIN_SEEDS'`: the bin size and the minimum count no bin reached. */
  binSize?: number;
  minBinFreq?: number;
}

/** `error` with `fields` set on it. */
export function withFields<E extends Error>(error: E, fields: ErrorFields): E & ErrorFields {
  return Object.assign(error, fields);
}

/** Thrown when a fitted attribute or `predict` is used before `fit` (`code` `'ERR_NOT_FITTED'`). */
export class NotFittedError extends Error {
  readonly code = 'ERR_NOT_FITTED';

  constructor(estimator = 'MeanShift', message?: string) {
    super(
      message ??
        `This ${estimator} instance is not fitted yet. Call 'fit' with appropriate arguments before using this estimator.`,
    );
    this.name = 'NotFittedError';
  }
}

/**
 * How an async call (`fitAsync`, `meanShiftAsync`, `estimateBandwidthAsync`) rejects when its
 * `signal` aborts: `name` is `'AbortError'` and `code` `'ABORT_ERR'`, as in Node's own APIs, and
 * `cause` is the signal's `reason`.
 */
export class AbortError extends Error {
  readonly code = 'ABORT_ERR';

  constructor(message = 'The operation was aborted.', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AbortError';
  }
}

/**
 * Throws the TypeError for a parameter of `owner` whose value has the wrong JavaScript type,
 * worded from the core's rule for the parameter (the binding builds it).
 */
export function throwTypeError(owner: string, parameter: string, value: unknown): never {
  addon.throwParameterTypeError(owner, parameter, describe(value));
  throw new Error('unreachable: throwParameterTypeError returned');
}

/** A TypeError with code `'ERR_INVALID_ARG_TYPE'` for what no core rule describes. */
export function typeError(message: string, fields: Omit<ErrorFields, 'code'> = {}): TypeError & ErrorFields {
  return withFields(new TypeError(message), { code: 'ERR_INVALID_ARG_TYPE', ...fields });
}

/** A short, readable rendering of an invalid value for error messages. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'bigint') return `${value}n (a bigint)`;
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `${/^[AEIOU]/.test(value.constructor.name) ? 'an' : 'a'} ${value.constructor.name}`;
  if (typeof value === 'function') return 'a function';
  return `an object (${Object.prototype.toString.call(value)})`;
}
