// JSON input: an array of rows ([[x, y], ...]), an array of numbers (one feature), an array of
// objects (records: the column names are the first record's keys; a null or missing value is
// invalid), or {"data": [...], "shape": [n, d]} with flat row-major data (or {"data": rows}).
import { resolveColumns } from './columns.js';
import type { TableOptions } from './csv.js';
import type { RowDataset } from './dataset.js';
import { CliError } from './errors.js';
import { RowSink, kind, selectRows } from './rows.js';

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The rows of a parsed JSON document, as read (for `--output`), and their column names. */
export interface JsonRows {
  rows: unknown[];
  /** Record keys of the first row, or null for arrays of rows/numbers. */
  names: string[] | null;
  /** Values per row (arrays of rows, {data, shape}), or 1 for an array of numbers. */
  width: number;
}

/** The document's rows: validates its overall shape, not the values. */
export function jsonRows(value: unknown, file: string): JsonRows {
  if (Array.isArray(value)) {
    if (value.length === 0) throw new CliError(`${file}: no data (empty array)`);
    const first = value[0];
    if (isRecord(first)) {
      const names = Object.keys(first);
      if (names.length === 0) throw new CliError(`${file}: row 0 is an empty object`);
      return { rows: value, names, width: names.length };
    }
    if (Array.isArray(first)) {
      if (first.length === 0) throw new CliError(`${file}: row 0 is empty`);
      return { rows: value, names: null, width: first.length };
    }
    return { rows: value.map((v) => [v]), names: null, width: 1 };
  }
  if (isRecord(value) && 'data' in value) {
    const { data, shape } = value;
    if (!Array.isArray(data)) throw new CliError(`${file}: "data" must be an array, got ${kind(data)}`);
    if (shape === undefined) return jsonRows(data, file);
    if (!Array.isArray(shape) || shape.length !== 2 || !shape.every((n) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0)) {
      throw new CliError(`${file}: "shape" must be [nSamples, nFeatures] (two non-negative integers), got ${JSON.stringify(shape)}`);
    }
    const [nRows, nCols] = shape as [number, number];
    if (nRows * nCols !== data.length) {
      throw new CliError(`${file}: "data" has ${data.length} values, but "shape" [${nRows}, ${nCols}] needs ${nRows * nCols}`);
    }
    if (nRows === 0 || nCols === 0) throw new CliError(`${file}: no data (shape [${nRows}, ${nCols}])`);
    const rows = Array.from({ length: nRows }, (_, i) => data.slice(i * nCols, (i + 1) * nCols));
    return { rows, names: null, width: nCols };
  }
  throw new CliError(`${file}: expected an array of rows or of records, or {"data": [...], "shape": [n, d]}, got ${kind(value)}`);
}

export function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new CliError(`${file}: invalid JSON: ${(error as Error).message}`);
  }
}

/**
 * One JSON value as a row's numbers: writes the chosen values at `out[base + f]` and returns
 * null, or the reason the row is invalid (`row 3, column 1 (x) is null, not a number`).
 */
export function rowValues(
  row: unknown,
  chosen: readonly number[],
  names: readonly string[] | null,
  width: number,
  out: Float64Array,
  base: number,
  where: string,
): string | null {
  let reason: string | null = null;
  if (names) {
    if (!isRecord(row)) return `${where} is ${kind(row)}, not an object like the first record`;
    for (let f = 0; f < chosen.length; f++) {
      const name = names[chosen[f]!]!;
      const v = row[name];
      if (typeof v === 'number' && Number.isFinite(v)) out[base + f] = v;
      else reason ??= `${where}, column ${chosen[f]} (${name}) is ${kind(v)}, not a number`;
    }
    return reason;
  }
  if (!Array.isArray(row)) return `${where} is ${kind(row)}, not an array of numbers`;
  if (row.length !== width) return `${where} has ${row.length} values, but row 0 has ${width}; every row needs the same number`;
  for (let f = 0; f < chosen.length; f++) {
    const v: unknown = row[chosen[f]!];
    if (typeof v === 'number' && Number.isFinite(v)) out[base + f] = v;
    else reason ??= `${where}, column ${chosen[f]} is ${kind(v)}, not a number`;
  }
  return reason;
}

export function parseJson(text: string, file: string, options: Omit<TableOptions, 'file'> = {}): RowDataset {
  const o: TableOptions = { ...options, file };
  const value = parseJsonText(text, file);
  // {data, shape} with numbers only: straight into one typed array.
  if (isRecord(value) && Array.isArray(value.data) && value.shape !== undefined && value.data.every((v) => typeof v === 'number')) {
    const { width, rows } = jsonRows(value, file);
    const chosen = resolveColumns(o.columns, null, width, file, o.weights);
    return selectRows({ data: Float64Array.from(value.data as number[]), nRows: rows.length, nCols: width, names: null }, o, chosen);
  }
  const { rows, names, width } = jsonRows(value, file);
  const chosen = resolveColumns(o.columns, names, width, file, o.weights);
  const sink = new RowSink(o, chosen.length, 'row');
  for (let i = o.skipRows ?? 0; i < rows.length; i++) {
    const out = sink.row();
    const reason = rowValues(rows[i], chosen, names, width, out, sink.values.length, `row ${i}`);
    if (reason === null) sink.keep(i);
    else sink.invalid(reason);
  }
  return sink.finish({ columns: names ? chosen.map((j) => names[j]!) : null, allColumns: names, width, chosen });
}
