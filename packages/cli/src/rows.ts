// Collecting the chosen values row by row into one Float64Array, with `--drop-invalid`'s
// bookkeeping (the kept rows' line numbers or row indices, the count and first reason of the
// dropped ones). Shared by the JSON, JSON Lines and in-memory (.npy) readers.
import { Float64Builder, Uint32Builder, type Dataset, type RowDataset } from './dataset.js';
import type { TableOptions } from './csv.js';
import { CliError } from './errors.js';

/** What a JSON value is, for messages: `null`, `the string "4"`, `an array`. */
export function kind(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'missing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 30 ? `${value.slice(0, 30)}…` : value)}`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

export class RowSink {
  readonly values = new Float64Builder();
  rows = 0;
  private readonly origins: Uint32Builder | null;
  private droppedCount = 0;
  private droppedFirst = '';

  constructor(
    private readonly o: TableOptions,
    readonly k: number,
    private readonly originKind: 'line' | 'row',
  ) {
    this.origins = o.dropInvalid ? new Uint32Builder() : null;
  }

  /** Room for one more row; write its k values at `values.length + f`. */
  row(): Float64Array {
    return this.values.reserve(this.k);
  }

  /** Keeps the row just written; `origin` is its line number or row index. */
  keep(origin: number): void {
    this.values.length += this.k;
    this.rows++;
    this.origins?.push(origin);
  }

  /** A row that cannot be used: an error, or dropped and counted with --drop-invalid. */
  invalid(message: string): void {
    if (!this.o.dropInvalid) throw new CliError(`${this.o.file}: ${message}`);
    if (this.droppedCount++ === 0) this.droppedFirst = message;
  }

  finish(fields: Pick<Dataset, 'columns' | 'allColumns' | 'width' | 'chosen'>): RowDataset {
    if (this.rows === 0) {
      if (this.droppedCount > 0) throw new CliError(`${this.o.file}: every row was dropped by --drop-invalid (the first: ${this.droppedFirst})`);
      throw new CliError(`${this.o.file}: no data rows${this.o.skipRows ? ` after skipping ${this.o.skipRows}` : ''}`);
    }
    return {
      data: this.values.finish(),
      columnar: null,
      nRows: this.rows,
      nCols: this.k,
      ...fields,
      origins: this.origins ? { kind: this.originKind, values: this.origins.finish() } : null,
      dropped: this.droppedCount > 0 ? { count: this.droppedCount, first: this.droppedFirst } : null,
    };
  }
}

/**
 * The chosen columns of an in-memory row-major matrix (.npy, JSON `{data, shape}`), rows from
 * `skipRows` on; NaN and ±Infinity are invalid values. Returns the input unchanged when every
 * column is chosen in order, no row is skipped and every value is finite.
 */
export function selectRows(
  all: { data: Float64Array | Float32Array; nRows: number; nCols: number; names: string[] | null },
  o: TableOptions,
  chosen: number[],
): RowDataset {
  const { data, nRows, nCols, names } = all;
  const skip = Math.min(o.skipRows ?? 0, nRows);
  const identity = skip === 0 && chosen.length === nCols && chosen.every((j, f) => j === f);
  let finite = true;
  if (identity && !o.dropInvalid) {
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i]!)) {
        finite = false;
        break;
      }
    }
    if (finite) {
      return { data, columnar: null, nRows, nCols, columns: names, allColumns: names, width: nCols, chosen, origins: null, dropped: null };
    }
  }
  const k = chosen.length;
  const sink = new RowSink(o, k, 'row');
  for (let i = skip; i < nRows; i++) {
    const out = sink.row();
    const base = sink.values.length;
    let bad = -1;
    for (let f = 0; f < k; f++) {
      const v = data[i * nCols + chosen[f]!]!;
      out[base + f] = v;
      if (bad < 0 && !Number.isFinite(v)) bad = f;
    }
    if (bad >= 0) {
      const j = chosen[bad]!;
      sink.invalid(`row ${i}, column ${j}${names?.[j] ? ` (${names[j]})` : ''} is ${data[i * nCols + j]}; mean shift needs finite values`);
    } else sink.keep(i);
  }
  const result = sink.finish({ columns: names ? chosen.map((j) => names[j]!) : null, allColumns: names, width: nCols, chosen });
  if (data instanceof Float32Array) result.data = Float32Array.from(result.data!);
  return result;
}
