/** Thrown when a fitted attribute or `predict` is used before `fit`. */
export class NotFittedError extends Error {
  constructor(estimator = 'MeanShift') {
    super(
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
 * The JS error a caller expects for an error from the native core: invalid input or
 * options (napi status `InvalidArg`) become a `RangeError`, an abort (`Cancelled`) an
 * {@link AbortError}, everything else (e.g. "No point was within bandwidth") a plain `Error`.
 */
export function fromNative(error: unknown): unknown {
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    if (code === 'InvalidArg') return new RangeError(error.message);
    if (code === 'Cancelled') return new AbortError();
    return new Error(error.message);
  }
  return error;
}

/** Re-throws an error from the native core as {@link fromNative} maps it. */
export function rethrowNative(error: unknown): never {
  throw fromNative(error);
}

/** Calls into the native core, mapping its errors (see {@link rethrowNative}). */
export function callNative<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    rethrowNative(error);
  }
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
