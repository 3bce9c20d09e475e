// Option-value parsers for commander: each rejects a bad value with a sentence that
// commander prints after the option's name ("error: option '--bandwidth <B>' argument
// '-1' is invalid. It must be a number greater than 0.").
import { InvalidArgumentError } from 'commander';

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!NUMBER.test(value.trim()) || !(n > 0) || !Number.isFinite(n)) {
    throw new InvalidArgumentError('It must be a number greater than 0.');
  }
  return n;
}

export function quantile(value: string): number {
  const n = Number(value);
  if (!NUMBER.test(value.trim()) || !(n >= 0 && n <= 1)) {
    throw new InvalidArgumentError('It must be a number from 0 to 1 (the tutorial uses 0.2).');
  }
  return n;
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\+?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError('It must be a whole number of at least 1.');
  }
  return n;
}

/** joblib's n_jobs: k > 0 threads, -1 all cores, -2 all but one, …; 0 is an error. */
export function jobs(value: string): number {
  const n = Number(value);
  if (!/^[+-]?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n === 0) {
    throw new InvalidArgumentError('It must be a whole number other than 0: k threads, or -1 for all cores.');
  }
  return n;
}

/** `I,J`: the two (0-based) feature indices to plot. */
export function dims(value: string): [number, number] {
  const parts = value.split(',').map((s) => s.trim());
  if (parts.length !== 2 || !parts.every((p) => /^\d+$/.test(p))) {
    throw new InvalidArgumentError('It must be two feature indices from 0, like 0,1.');
  }
  const [i, j] = parts.map(Number) as [number, number];
  if (i === j) throw new InvalidArgumentError('The two features must differ.');
  return [i, j];
}

/** `--kernel K`: one of the library's kernels. */
export function kernel(value: string): 'flat' | 'gaussian' | 'epanechnikov' {
  const k = value.trim().toLowerCase();
  if (k !== 'flat' && k !== 'gaussian' && k !== 'epanechnikov') {
    throw new InvalidArgumentError('It must be flat, gaussian or epanechnikov.');
  }
  return k;
}

/** `--skip-rows N`: a whole number of at least 0. */
export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!/^\+?\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError('It must be a whole number of at least 0.');
  }
  return n;
}
