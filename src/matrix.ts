import { describe, typeError, withFields } from './errors.js';

/** A row-major matrix read in place: the fast form. */
export interface DenseMatrix {
  data: Float64Array | Float32Array;
  shape: [number, number] | readonly [number, number];
}

/**
 * Any accepted matrix: rows of numbers, rows of `Float64Array`/`Float32Array`,
 * or `{ data, shape }` (row-major, read without a copy).
 */
export type Matrix = number[][] | readonly (readonly number[])[] | (Float64Array | Float32Array)[] | DenseMatrix;

/** A matrix in the form the native core reads: flat data and its shape. */
export interface FlatMatrix {
  data: Float64Array | Float32Array;
  nRows: number;
  nCols: number;
}

const isFloatArray = (v: unknown): v is Float64Array | Float32Array =>
  v instanceof Float64Array || v instanceof Float32Array;

/** A shape entry's type (its value is the core's rule: a whole number ≥ 0). */
function checkDimension(name: string, which: string, value: unknown): number {
  if (typeof value !== 'number') {
    throw typeError(`${name}.shape[${which}] must be a number. Got ${describe(value)} instead.`, { parameter: name });
  }
  return value;
}

/**
 * Normalises any {@link Matrix} to flat row-major data. `{ data, shape }` is passed
 * through untouched; row forms are copied once into one typed array (`Float32Array`
 * when every row is one, else `Float64Array`). Only what JavaScript alone sees is
 * checked here (types, ragged rows); the shape against the data, NaN and infinity
 * are the core's rules, reported with the row and column.
 */
export function toFlat(X: unknown, name = 'X'): FlatMatrix {
  if (Array.isArray(X)) return fromRows(X, name);
  if (X !== null && typeof X === 'object' && !ArrayBuffer.isView(X) && 'data' in X && 'shape' in X) {
    const { data, shape } = X as { data: unknown; shape: unknown };
    if (!isFloatArray(data)) {
      throw typeError(`${name}.data must be a Float64Array or Float32Array. Got ${describe(data)} instead.`, { parameter: name });
    }
    if (!Array.isArray(shape) || shape.length !== 2) {
      throw typeError(`${name}.shape must be [nSamples, nFeatures]. Got ${describe(shape)} instead.`, { parameter: name });
    }
    return { data, nRows: checkDimension(name, '0', shape[0]), nCols: checkDimension(name, '1', shape[1]) };
  }
  if (isFloatArray(X)) {
    throw typeError(
      `${name} is a flat ${X.constructor.name}: pass { data: ${name}, shape: [nSamples, nFeatures] } so its shape is known.`,
      { parameter: name },
    );
  }
  throw typeError(
    `${name} must be a matrix: number[][], an array of Float64Array/Float32Array rows, or { data, shape }. Got ${describe(X)} instead.`,
    { parameter: name },
  );
}

function fromRows(rows: readonly unknown[], name: string): FlatMatrix {
  const nRows = rows.length;
  if (nRows === 0) return { data: new Float64Array(0), nRows: 0, nCols: 0 };
  const first = rows[0];
  if (!Array.isArray(first) && !isFloatArray(first)) {
    throw typeError(`${name} row 0 must be an array of numbers or a Float64Array/Float32Array. Got ${describe(first)} instead.`, {
      parameter: name,
      row: 0,
    });
  }
  const nCols = first.length;
  const allFloat32 = rows.every((r) => r instanceof Float32Array);
  const data = allFloat32 ? new Float32Array(nRows * nCols) : new Float64Array(nRows * nCols);
  for (let i = 0; i < nRows; i++) {
    const row = rows[i];
    if (isFloatArray(row)) {
      if (row.length !== nCols) throw raggedRow(name, i, row.length, nCols);
      data.set(row, i * nCols);
      continue;
    }
    if (!Array.isArray(row)) {
      throw typeError(`${name} row ${i} must be an array of numbers or a Float64Array/Float32Array. Got ${describe(row)} instead.`, {
        parameter: name,
        row: i,
      });
    }
    if (row.length !== nCols) throw raggedRow(name, i, row.length, nCols);
    for (let j = 0; j < nCols; j++) {
      const v: unknown = row[j];
      if (typeof v !== 'number') {
        throw typeError(`${name}[${i}][${j}] must be a number. Got ${describe(v)} instead.`, { parameter: name, row: i, column: j });
      }
      data[i * nCols + j] = v;
    }
  }
  return { data, nRows, nCols };
}

function raggedRow(name: string, row: number, length: number, expected: number): RangeError {
  return withFields(
    new RangeError(`${name} row ${row} has ${length} values, but row 0 has ${expected}: every row must have the same number of features.`),
    { code: 'ERR_INVALID_SHAPE', parameter: name, row },
  );
}

/** Splits flat row-major values into `number[][]`. */
export function toRows(data: ArrayLike<number>, nCols: number): number[][] {
  const rows: number[][] = [];
  if (nCols === 0) return rows;
  for (let start = 0; start < data.length; start += nCols) {
    rows.push(Array.from({ length: nCols }, (_, j) => data[start + j] as number));
  }
  return rows;
}
