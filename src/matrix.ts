import { describe, typeError, withFields } from './errors.js';

/** A row-major matrix read in place: the fast form. */
export interface DenseMatrix {
  data: Float64Array | Float32Array;
  shape: [number, number] | readonly [number, number];
}

/**
 * One typed array per feature, all of the same length (column-major), as Apache Arrow,
 * DuckDB and Polars hand data out. Read without building rows: the columns are
 * interleaved into one flat typed array (`Float32Array` when every column is one).
 */
export interface ColumnMatrix {
  columns: readonly (Float64Array | Float32Array)[];
}

/**
 * Any accepted matrix: rows of numbers, rows of `Float64Array`/`Float32Array`,
 * `{ data, shape }` (row-major, read without a copy) or `{ columns }` (one typed array per feature).
 */
export type Matrix = number[][] | readonly (readonly number[])[] | (Float64Array | Float32Array)[] | DenseMatrix | ColumnMatrix;

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
  if (X !== null && typeof X === 'object' && !ArrayBuffer.isView(X) && 'columns' in X) {
    return fromColumns((X as { columns: unknown }).columns, name);
  }
  if (isFloatArray(X)) {
    throw typeError(
      `${name} is a flat ${X.constructor.name}: pass { data: ${name}, shape: [nSamples, nFeatures] } so its shape is known.`,
      { parameter: name },
    );
  }
  throw typeError(
    `${name} must be a matrix: number[][], an array of Float64Array/Float32Array rows, { data, shape } or { columns }. Got ${describe(X)} instead.`,
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

/**
 * `{ columns }`: one typed array per feature, interleaved into one row-major typed array
 * (no rows are built). A single column is used as it is.
 */
function fromColumns(columns: unknown, name: string): FlatMatrix {
  if (!Array.isArray(columns)) {
    throw new TypeError(`${name}.columns must be an array of Float64Array/Float32Array columns. Got ${describe(columns)} instead.`);
  }
  const nCols = columns.length;
  for (let j = 0; j < nCols; j++) {
    const column: unknown = columns[j];
    if (!isFloatArray(column)) {
      throw new TypeError(`${name}.columns[${j}] must be a Float64Array or Float32Array. Got ${describe(column)} instead.`);
    }
    if (column.length !== (columns[0] as Float64Array | Float32Array).length) {
      throw new RangeError(
        `${name}.columns[${j}] has ${column.length} values, but ${name}.columns[0] has ${(columns[0] as Float64Array).length}: every column must have the same number of samples.`,
      );
    }
  }
  if (nCols === 0) return { data: new Float64Array(0), nRows: 0, nCols: 0 };
  const cols = columns as (Float64Array | Float32Array)[];
  const nRows = cols[0]!.length;
  if (nCols === 1) return { data: cols[0]!, nRows, nCols };
  const allFloat32 = cols.every((c) => c instanceof Float32Array);
  const data = allFloat32 ? new Float32Array(nRows * nCols) : new Float64Array(nRows * nCols);
  for (let j = 0; j < nCols; j++) {
    const column = cols[j]!;
    for (let i = 0, k = j; i < nRows; i++, k += nCols) data[k] = column[i]!;
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
