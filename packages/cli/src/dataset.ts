import type { Matrix } from 'fast-meanshift';

/**
 * The chosen columns of an input file, ready for the library: row-major values (`data`) or one
 * typed array per feature (`columnar`, from Parquet and Arrow), their shape and names, and where
 * each kept row came from when rows were dropped.
 */
export interface Dataset {
  /** Row-major values of the chosen columns, `nCols` per row; null when the data is columnar. */
  data: Float64Array | Float32Array | null;
  /** One typed array per chosen column (Parquet, Arrow); null when the data is row-major. */
  columnar: (Float64Array | Float32Array)[] | null;
  nRows: number;
  nCols: number;
  /** The chosen columns' names (header, record keys, schema), or null when the input has none. */
  columns: string[] | null;
  /** Every column of the input, by name when it has names (for messages and `--output`). */
  allColumns?: string[] | null;
  /** How many columns the input has. */
  width?: number;
  /** What the chosen columns were, as 0-based indices into the input's columns. */
  chosen?: number[];
  /**
   * Where each kept row came from when `--drop-invalid` is on: 1-based line numbers (`line`,
   * text formats) or 0-based row indices (`row`); null when every row was kept as is.
   */
  origins?: { kind: 'line' | 'row'; values: Uint32Array } | null;
  /** Rows skipped by `--drop-invalid`, and the first one's reason. */
  dropped?: { count: number; first: string } | null;
}

/** A dataset whose values are row-major (every reader but Parquet and Arrow). */
export type RowDataset = Dataset & { data: Float64Array | Float32Array };

/** The name of feature `j` (0-based): its column's name, else `column N` (its index in the input, as --columns counts). */
export function columnName(dataset: Pick<Dataset, 'columns' | 'chosen'>, j: number): string {
  const name = dataset.columns?.[j];
  return name !== undefined && name !== '' ? name : `column ${dataset.chosen?.[j] ?? j}`;
}

/** The dataset as the library takes it: `{ data, shape }` or `{ columns }` (no copy either way). */
export function matrixOf(d: Dataset): Matrix {
  if (d.columnar) return { columns: d.columnar };
  return { data: d.data!, shape: [d.nRows, d.nCols] };
}

/** The dataset without its feature `j` (a copy of the values for row-major data). */
export function withoutColumn(d: Dataset, j: number): Dataset {
  const keep = (_: unknown, k: number): boolean => k !== j;
  let data: Float64Array | null = null;
  if (d.data) {
    const nCols = d.nCols - 1;
    data = new Float64Array(d.nRows * nCols);
    for (let i = 0, o = 0; i < d.nRows; i++) {
      for (let k = 0; k < d.nCols; k++) if (k !== j) data[o++] = d.data[i * d.nCols + k]!;
    }
  }
  return {
    ...d,
    data,
    columnar: d.columnar ? d.columnar.filter(keep) : null,
    nCols: d.nCols - 1,
    columns: d.columns ? d.columns.filter(keep) : null,
    chosen: d.chosen ? d.chosen.filter(keep) : undefined,
  };
}

/** Column `j` of the dataset as a typed array (a copy for row-major data). */
export function columnOf(d: Dataset, j: number): Float64Array | Float32Array {
  if (d.columnar) return d.columnar[j]!;
  const out = new Float64Array(d.nRows);
  const data = d.data!;
  for (let i = 0, k = j; i < d.nRows; i++, k += d.nCols) out[i] = data[k]!;
  return out;
}

/** A growable Float64Array: appends without a JavaScript array per row. */
export class Float64Builder {
  buffer: Float64Array;
  length = 0;
  constructor(capacity = 1 << 16) {
    this.buffer = new Float64Array(capacity);
  }
  reserve(extra: number): Float64Array {
    if (this.length + extra > this.buffer.length) {
      let capacity = this.buffer.length * 2;
      while (capacity < this.length + extra) capacity *= 2;
      const grown = new Float64Array(capacity);
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    return this.buffer;
  }
  /** The values, trimmed (copied when more than a fifth of the buffer is unused). */
  finish(): Float64Array {
    if (this.length * 1.25 < this.buffer.length) return this.buffer.slice(0, this.length);
    return this.buffer.subarray(0, this.length);
  }
}

/** A growable Uint32Array (line numbers of kept rows). */
export class Uint32Builder {
  buffer = new Uint32Array(1 << 12);
  length = 0;
  push(value: number): void {
    if (this.length === this.buffer.length) {
      const grown = new Uint32Array(this.buffer.length * 2);
      grown.set(this.buffer);
      this.buffer = grown;
    }
    this.buffer[this.length++] = value;
  }
  finish(): Uint32Array {
    return this.buffer.slice(0, this.length);
  }
}
