// Parquet (hyparquet, with hyparquet-compressors for zstd, gzip, brotli and lz4) and Arrow IPC
// / Feather (flechette, with lz4js and fzstd for compressed record batches): the chosen columns
// are read column by column into typed arrays and handed to the library as `{ columns }`.
// Integer columns, int64 included, become numbers; nulls are invalid values (an error naming
// the row and column, or a dropped row with --drop-invalid).
// The readers load on first use: a CSV run never loads them.
import type { Table } from '@uwdata/flechette';
import type { AsyncBuffer, FileMetaData } from 'hyparquet';
import { resolveColumns } from './columns.js';
import type { TableOptions } from './csv.js';
import { Uint32Builder, type Dataset } from './dataset.js';
import { CliError } from './errors.js';

/** Where a columnar file's bytes are: a path read by ranges, or bytes in memory (stdin, .gz). */
export type ColumnarSource = { path: string } | { bytes: Uint8Array };

/** A column's values as a typed array; null values as NaN. */
type ColumnValues = Float64Array | Float32Array;

/**
 * The chosen columns (resolved by name or index against `names`), nulls checked, rows from
 * `skipRows` on, and rows with an invalid value dropped or reported.
 */
function finishColumns(names: string[], chosen: number[], columns: ColumnValues[], o: TableOptions): Dataset {
  const file = o.file;
  const skip = Math.min(o.skipRows ?? 0, columns[0]?.length ?? 0);
  let cols = skip > 0 ? columns.map((c) => c.subarray(skip)) : columns;
  const nRows = cols[0]?.length ?? 0;
  if (nRows === 0) throw new CliError(`${file}: no data rows${skip ? ` after skipping ${skip}` : ''}`);
  // Rows with a null (NaN) or non-finite value in a chosen column.
  let bad: Uint8Array | null = null;
  let badCount = 0;
  let first = '';
  cols.forEach((col, f) => {
    for (let i = 0; i < nRows; i++) {
      if (!Number.isFinite(col[i]!)) {
        const message = `row ${i + skip}, column ${chosen[f]} (${names[chosen[f]!]}) is ${Number.isNaN(col[i]!) ? 'null' : col[i]}, not a number`;
        if (!o.dropInvalid) throw new CliError(`${file}: ${message}`);
        bad ??= new Uint8Array(nRows);
        if (!bad[i]) {
          if (badCount === 0) first = message;
          bad[i] = 1;
          badCount++;
        }
      }
    }
  });
  let origins: Dataset['origins'] = null;
  if (o.dropInvalid) {
    const kept = new Uint32Builder();
    for (let i = 0; i < nRows; i++) if (!bad?.[i]) kept.push(i + skip);
    origins = { kind: 'row', values: kept.finish() };
    if (bad) {
      const keep = origins.values;
      if (keep.length === 0) throw new CliError(`${file}: every row was dropped by --drop-invalid (the first: ${first})`);
      cols = cols.map((c) => {
        const out = c instanceof Float32Array ? new Float32Array(keep.length) : new Float64Array(keep.length);
        for (let r = 0; r < keep.length; r++) out[r] = c[keep[r]! - skip]!;
        return out;
      });
    }
  }
  return {
    data: null,
    columnar: cols,
    nRows: cols[0]!.length,
    nCols: cols.length,
    columns: chosen.map((j) => names[j]!),
    allColumns: names,
    width: names.length,
    chosen,
    origins,
    dropped: badCount > 0 ? { count: badCount, first } : null,
  };
}

function asyncBufferOf(bytes: Uint8Array): AsyncBuffer {
  return {
    byteLength: bytes.byteLength,
    // A copy: a Node Buffer's .buffer is its whole (pooled) memory, not the slice.
    slice: (start: number, end?: number) => new Uint8Array(bytes.subarray(start, end)).buffer,
  };
}

interface ParquetColumn {
  name: string;
  /** Why the column cannot be a feature, or null. */
  notNumeric: string | null;
  float32: boolean;
}

function parquetColumns(metadata: FileMetaData, parquetSchema: typeof import('hyparquet').parquetSchema): ParquetColumn[] {
  return parquetSchema(metadata).children.map((child) => {
    const e = child.element;
    const logical = e.logical_type?.type;
    const converted = e.converted_type;
    let notNumeric: string | null = null;
    if (child.children.length > 0) notNumeric = 'a nested (list, map or struct) column';
    else if (logical === 'DATE' || logical === 'TIME' || logical === 'TIMESTAMP' || /^(DATE|TIME|TIMESTAMP)/.test(converted ?? '')) {
      notNumeric = 'dates or times';
    } else if (logical === 'STRING' || converted === 'UTF8' || logical === 'ENUM' || logical === 'JSON' || logical === 'UUID') notNumeric = 'strings';
    else if (!['DOUBLE', 'FLOAT', 'INT32', 'INT64'].includes(e.type ?? '') && logical !== 'DECIMAL' && converted !== 'DECIMAL') {
      notNumeric = e.type === 'BOOLEAN' ? 'booleans' : `${e.type ?? 'no'} values`;
    }
    return { name: e.name, notNumeric, float32: e.type === 'FLOAT' };
  });
}

function notNumericError(file: string, j: number, name: string, what: string): CliError {
  return new CliError(`${file}: column ${j} (${name}) holds ${what}, not numbers; choose numeric columns with --columns`);
}

/** Reads the chosen columns of a Parquet file. */
export async function readParquet(source: ColumnarSource, o: TableOptions): Promise<Dataset> {
  const file = o.file;
  const { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema } = await import('hyparquet');
  const { compressors } = await import('hyparquet-compressors');
  let buffer: AsyncBuffer;
  let metadata: FileMetaData;
  try {
    buffer = 'path' in source ? await asyncBufferFromFile(source.path) : asyncBufferOf(source.bytes);
    metadata = await parquetMetadataAsync(buffer);
  } catch (error) {
    throw new CliError(`${file}: not a readable Parquet file (${(error as Error).message})`);
  }
  const info = parquetColumns(metadata, parquetSchema);
  const names = info.map((c) => c.name);
  const chosen = resolveColumns(o.columns, names, names.length, file, o.weights);
  for (const j of chosen) if (info[j]!.notNumeric) throw notNumericError(file, j, names[j]!, info[j]!.notNumeric!);
  const nRows = Number(metadata.num_rows);
  const allFloat32 = chosen.every((j) => info[j]!.float32);
  const columns = chosen.map(() => (allFloat32 ? new Float32Array(nRows) : new Float64Array(nRows)).fill(Number.NaN));
  const feature = new Map(chosen.map((j, f) => [names[j]!, f]));
  try {
    await parquetRead({
      file: buffer,
      metadata,
      columns: chosen.map((j) => names[j]!),
      compressors,
      onChunk: ({ columnName, columnData, rowStart }) => {
        const out = columns[feature.get(columnName)!]!;
        const n = Math.min(columnData.length, nRows - rowStart);
        if (columnData instanceof Float64Array || columnData instanceof Float32Array || columnData instanceof Int32Array) {
          out.set(columnData.subarray(0, n), rowStart);
          return;
        }
        for (let i = 0; i < n; i++) {
          const v: unknown = columnData[i];
          out[rowStart + i] = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : Number.NaN;
        }
      },
    });
  } catch (error) {
    throw new CliError(`${file}: not a readable Parquet file (${(error as Error).message})`);
  }
  return finishColumns(names, chosen, columns, o);
}

let flechette: typeof import('@uwdata/flechette') | null = null;

/** flechette, with LZ4 frame and ZSTD record batches (pyarrow.feather writes LZ4 by default). */
async function loadFlechette(): Promise<typeof import('@uwdata/flechette')> {
  if (flechette) return flechette;
  const f = await import('@uwdata/flechette');
  const { default: lz4 } = await import('lz4js');
  const { decompress: zstd } = await import('fzstd');
  const unsupported = (): Uint8Array => {
    throw new Error('writing compressed Arrow data is not supported');
  };
  // Fresh, aligned copies: flechette makes Float64Array views on the decoded bytes.
  f.setCompressionCodec(f.CompressionType.LZ4_FRAME, { encode: unsupported, decode: (bytes) => Uint8Array.from(lz4.decompress(bytes)) });
  f.setCompressionCodec(f.CompressionType.ZSTD, { encode: unsupported, decode: (bytes) => zstd(bytes).slice() });
  flechette = f;
  return f;
}

// Arrow type ids (Arrow's Type enum): Int = 2, Float = 3, Decimal = 7.
const ARROW_INT = 2;
const ARROW_FLOAT = 3;
const ARROW_DECIMAL = 7;

/** Reads the chosen columns of an Arrow IPC file or stream (Feather v2). */
export async function readArrow(bytes: Uint8Array, o: TableOptions): Promise<Dataset> {
  const file = o.file;
  const { tableFromIPC } = await loadFlechette();
  let table: Table;
  try {
    // Typed-array views need aligned bytes: copy when the buffer is not 8-byte aligned.
    table = tableFromIPC(bytes.byteOffset % 8 === 0 ? bytes : bytes.slice());
  } catch (error) {
    const message = (error as Error).message;
    const v1 = bytes[0] === 0x46 && bytes[1] === 0x45 && bytes[2] === 0x41 && bytes[3] === 0x31; // FEA1
    throw new CliError(
      `${file}: not a readable Arrow IPC / Feather file (${v1 ? 'Feather version 1; rewrite it with pyarrow.feather.write_feather, which writes version 2' : message})`,
    );
  }
  const fields = table.schema.fields;
  const names = fields.map((f) => f.name);
  const chosen = resolveColumns(o.columns, names, names.length, file, o.weights);
  const columns: ColumnValues[] = chosen.map((j) => {
    const field = fields[j]!;
    const typeId = field.type.typeId as number;
    if (typeId !== ARROW_INT && typeId !== ARROW_FLOAT && typeId !== ARROW_DECIMAL) {
      throw notNumericError(file, j, names[j]!, arrowTypeName(typeId));
    }
    const column = table.getChildAt(j)!;
    const values = column.toArray() as ArrayLike<unknown>;
    const float32 = values instanceof Float32Array;
    const out = float32 ? new Float32Array(column.length) : new Float64Array(column.length);
    if (column.nullCount === 0 && (values instanceof Float64Array || float32)) out.set(values as Float64Array);
    else {
      for (let i = 0; i < column.length; i++) {
        const v = column.nullCount > 0 ? column.at(i) : values[i];
        out[i] = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : Number.NaN;
      }
    }
    return out;
  });
  // float32 kept only when every chosen column is float32 (the library's rule, stated here too).
  const cols = columns.every((c) => c instanceof Float32Array) ? columns : columns.map((c) => (c instanceof Float32Array ? Float64Array.from(c) : c));
  return finishColumns(names, chosen, cols, o);
}

function arrowTypeName(typeId: number): string {
  const known = new Map<number, string>([
    [1, 'nulls'], [4, 'binary data'], [5, 'strings'], [6, 'booleans'], [8, 'dates'], [9, 'times'], [10, 'timestamps'],
    [11, 'intervals'], [12, 'lists'], [13, 'structs'], [14, 'unions'], [17, 'maps'], [18, 'durations'], [20, 'large strings'],
    [-1, 'dictionary-encoded values'],
  ]);
  return known.get(typeId) ?? `values of Arrow type ${typeId}`;
}

/** Every row of a Parquet file as read (for --output): values in column order. */
export async function parquetRows(source: ColumnarSource, file: string): Promise<{ names: string[]; rows: unknown[][] }> {
  const { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema } = await import('hyparquet');
  const { compressors } = await import('hyparquet-compressors');
  try {
    const buffer = 'path' in source ? await asyncBufferFromFile(source.path) : asyncBufferOf(source.bytes);
    const metadata = await parquetMetadataAsync(buffer);
    const names = parquetSchema(metadata).children.map((c) => c.element.name);
    let rows: unknown[][] = [];
    await parquetRead({ file: buffer, metadata, compressors, onComplete: (r) => (rows = r as unknown[][]) });
    return { names, rows };
  } catch (error) {
    throw new CliError(`${file}: not a readable Parquet file (${(error as Error).message})`);
  }
}

/** Every row of an Arrow file as read (for --output). */
export async function arrowRows(bytes: Uint8Array, file: string): Promise<{ names: string[]; rows: unknown[][] }> {
  const { tableFromIPC } = await loadFlechette();
  const table = tableFromIPC(bytes.byteOffset % 8 === 0 ? bytes : bytes.slice());
  const names = table.schema.fields.map((f) => f.name);
  const children = names.map((_, j) => table.getChildAt(j)!);
  const rows = Array.from({ length: table.numRows }, (_, i) => children.map((c) => c.at(i)));
  void file;
  return { names, rows };
}
