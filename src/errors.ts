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
 * Re-throws an error from the native core as the JS error a caller expects:
 * invalid input or options (napi status `InvalidArg`) become a `RangeError`,
 * everything else (e.g. "No point was within bandwidth") a plain `Error`.
 */
export function rethrowNative(error: unknown): never {
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    if (code === 'InvalidArg') throw new RangeError(error.message);
    throw new Error(error.message);
  }
  throw error;
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
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  if (typeof value === 'function') return 'a function';
  return `an object (${Object.prototype.toString.call(value)})`;
}
