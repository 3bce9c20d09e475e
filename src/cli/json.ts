// JSON input: an array of rows ([[x, y], ...]), an array of numbers (one feature), or
// {"data": [...], "shape": [n, d]} with flat row-major data (or {"data": rows}).
import { CliError } from './errors.js';
import type { Dataset } from './dataset.js';

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 30 ? `${value.slice(0, 30)}…` : value)}`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

function fromRows(rows: unknown[], file: string): Dataset {
  if (rows.length === 0) throw new CliError(`${file}: no data (empty array)`);
  if (!Array.isArray(rows[0])) {
    // [1, 2, 3]: one feature per sample.
    const data = new Float64Array(rows.length);
    rows.forEach((v, i) => {
      if (typeof v !== 'number') throw new CliError(`${file}: item ${i} is ${kind(v)}, not a number (expected an array of rows or of numbers)`);
      data[i] = v;
    });
    return { data, nRows: rows.length, nCols: 1, columns: null };
  }
  const nCols = (rows[0] as unknown[]).length;
  if (nCols === 0) throw new CliError(`${file}: row 0 is empty`);
  const data = new Float64Array(rows.length * nCols);
  rows.forEach((row, i) => {
    if (!Array.isArray(row)) throw new CliError(`${file}: row ${i} is ${kind(row)}, not an array of numbers`);
    if (row.length !== nCols) {
      throw new CliError(`${file}: row ${i} has ${row.length} values, but row 0 has ${nCols}; every row needs the same number`);
    }
    row.forEach((v, j) => {
      if (typeof v !== 'number') throw new CliError(`${file}: row ${i}, column ${j} is ${kind(v)}, not a number`);
      data[i * nCols + j] = v;
    });
  });
  return { data, nRows: rows.length, nCols, columns: null };
}

function fromDense(value: { data?: unknown; shape?: unknown }, file: string): Dataset {
  const { data, shape } = value;
  if (!Array.isArray(data)) throw new CliError(`${file}: "data" must be an array, got ${kind(data)}`);
  if (shape === undefined) return fromRows(data, file);
  if (
    !Array.isArray(shape) ||
    shape.length !== 2 ||
    !shape.every((n) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0)
  ) {
    throw new CliError(`${file}: "shape" must be [nSamples, nFeatures] (two non-negative integers), got ${JSON.stringify(shape)}`);
  }
  const [nRows, nCols] = shape as [number, number];
  if (nRows * nCols !== data.length) {
    throw new CliError(`${file}: "data" has ${data.length} values, but "shape" [${nRows}, ${nCols}] needs ${nRows * nCols}`);
  }
  if (nRows === 0 || nCols === 0) throw new CliError(`${file}: no data (shape [${nRows}, ${nCols}])`);
  const out = new Float64Array(data.length);
  data.forEach((v, k) => {
    if (typeof v !== 'number') {
      throw new CliError(`${file}: data[${k}] (row ${Math.floor(k / nCols)}, column ${k % nCols}) is ${kind(v)}, not a number`);
    }
    out[k] = v;
  });
  return { data: out, nRows, nCols, columns: null };
}

export function parseJson(text: string, file: string): Dataset {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new CliError(`${file}: invalid JSON: ${(error as Error).message}`);
  }
  if (Array.isArray(value)) return fromRows(value, file);
  if (value !== null && typeof value === 'object' && 'data' in value) return fromDense(value, file);
  throw new CliError(`${file}: expected an array of rows or {"data": [...], "shape": [n, d]}, got ${kind(value)}`);
}
