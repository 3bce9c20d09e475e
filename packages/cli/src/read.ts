// Where the data comes from: a path or `-` (standard input), gzip-compressed or not, in one of
// the formats below (from the extension, `--format`, or for standard input from its first
// bytes). CSV/TSV/JSON Lines are parsed in a stream; JSON, .npy and Arrow are read whole;
// Parquet files are read by ranges (the chosen columns only).
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { arrowRows, parquetRows, readArrow, readParquet } from './columnar.js';
import { CsvReader, type CsvOptions } from './csv.js';
import type { Dataset } from './dataset.js';
import { CliError, describeFsError } from './errors.js';
import { jsonRows, parseJson, parseJsonText } from './json.js';
import { JsonlReader } from './jsonl.js';
import { parseNpy } from './npy.js';
import { resolveColumns } from './columns.js';
import { selectRows } from './rows.js';

export const FORMATS = ['csv', 'tsv', 'json', 'jsonl', 'npy', 'parquet', 'arrow'] as const;
export type Format = (typeof FORMATS)[number];

export const INPUT_FORMATS = '.csv, .tsv, .txt, .json, .jsonl, .npy, .parquet, .arrow/.feather (also .gz), or - for standard input';

const BY_EXTENSION: Record<string, Format> = {
  '.csv': 'csv',
  '.txt': 'csv',
  '.dat': 'csv',
  '.tsv': 'tsv',
  '.tab': 'tsv',
  '.json': 'json',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.npy': 'npy',
  '.parquet': 'parquet',
  '.pq': 'parquet',
  '.arrow': 'arrow',
  '.arrows': 'arrow',
  '.feather': 'arrow',
  '.ipc': 'arrow',
};

export interface ReadOptions extends CsvOptions {
  /** `--format`: when the extension (or standard input) does not say. */
  format?: Format | null;
  /** Keep standard input's bytes for a second pass (`--output`). */
  keepBytes?: boolean;
}

/** What was read and how, for the second pass (`--output`) and the printout. */
export interface Input {
  name: string;
  path: string;
  format: Format;
  gzip: boolean;
  /** Standard input's bytes (decompressed), kept when asked. */
  bytes: Uint8Array | null;
}

const isGzipName = (path: string): boolean => /\.gz$/i.test(path);

/** The format from a path's extension (ignoring .gz), or null. */
export function formatOfPath(path: string): Format | null {
  const name = isGzipName(path) ? path.slice(0, -3) : path;
  return BY_EXTENSION[extname(name).toLowerCase()] ?? null;
}

/** Guesses the format of standard input from its first bytes (decompressed). */
export function sniffFormat(head: Uint8Array): Format {
  const text = Buffer.from(head.subarray(0, 8)).toString('latin1');
  if (text.startsWith('\x93NUMPY')) return 'npy';
  if (text.startsWith('PAR1')) return 'parquet';
  if (text.startsWith('ARROW1') || (head[0] === 0xff && head[1] === 0xff && head[2] === 0xff && head[3] === 0xff)) return 'arrow';
  const start = Buffer.from(head.subarray(0, 65536)).toString('utf8').replace(/^\uFEFF/, '');
  const trimmed = start.trimStart();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    // JSON Lines when the first line is a whole JSON value and another line follows.
    const lines = trimmed.split('\n');
    if (lines.length > 1 && lines.slice(1).some((l) => l.trim() !== '')) {
      try {
        JSON.parse(lines[0]!);
        return 'jsonl';
      } catch {
        return 'json';
      }
    }
    return 'json';
  }
  return 'csv';
}

/** The chunks of a file or of standard input, gunzipped when `gzip`. */
function byteStream(path: string, name: string, gzip: boolean, first: Uint8Array[] = [], rest?: AsyncIterator<Uint8Array>): AsyncIterable<Uint8Array> {
  let raw: AsyncIterable<Uint8Array>;
  if (rest) {
    raw = (async function* () {
      yield* first;
      for (;;) {
        const next = await rest.next();
        if (next.done) return;
        yield next.value;
      }
    })();
  } else raw = createReadStream(path, { highWaterMark: 1 << 22 });
  if (!gzip) return wrapErrors(raw, name);
  const gunzip = createGunzip({ chunkSize: 1 << 20 });
  const piped = Readable.from(raw).on('error', (e) => gunzip.destroy(e)).pipe(gunzip);
  return wrapErrors(piped, name, true);
}

async function* wrapErrors(stream: AsyncIterable<Uint8Array>, name: string, gzip = false): AsyncIterable<Uint8Array> {
  try {
    for await (const chunk of stream) yield chunk;
  } catch (error) {
    if (error instanceof CliError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (gzip && (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR' || code === 'Z_STREAM_ERROR' || /incorrect header|unexpected end/i.test((error as Error).message))) {
      throw new CliError(`${name}: not valid gzip data (${(error as Error).message})`);
    }
    throw describeFsError(error, 'read', name);
  }
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of chunks) parts.push(c);
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/** Checks the path and settles the format and compression (sniffing standard input). */
async function open(path: string, o: ReadOptions): Promise<{ input: Input; chunks: AsyncIterable<Uint8Array> }> {
  if (path === '-') {
    const name = 'standard input';
    const it = (process.stdin as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
    const head = await it.next();
    const first = head.done ? [] : [head.value];
    const gzip = first[0]?.[0] === 0x1f && first[0]?.[1] === 0x8b;
    let chunks = byteStream(path, name, gzip, first, it);
    let format = o.format ?? null;
    if (!format) {
      // Peek at the (decompressed) first chunk, then hand it back.
      const ci = chunks[Symbol.asyncIterator]();
      const peek = await ci.next();
      const peeked = peek.done ? [] : [peek.value];
      format = peek.done ? 'csv' : sniffFormat(peek.value);
      chunks = (async function* () {
        yield* peeked;
        for (;;) {
          const next = await ci.next();
          if (next.done) return;
          yield next.value;
        }
      })();
    }
    return { input: { name, path, format, gzip, bytes: null }, chunks };
  }
  const format = o.format ?? formatOfPath(path);
  if (!format) {
    const ext = extname(path).toLowerCase();
    throw new CliError(`${path}: unknown input type '${ext || '(no extension)'}'; use ${INPUT_FORMATS}, or say which with --format ${FORMATS.join('|')}`);
  }
  try {
    if (statSync(path).isDirectory()) throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
  } catch (error) {
    throw describeFsError(error, 'read', path);
  }
  // A gzip file without .gz (e.g. data.csv from a download) is read all the same.
  const gzip = isGzipName(path) || startsWithGzipMagic(path);
  return { input: { name: path, path, format, gzip, bytes: null }, chunks: byteStream(path, path, gzip) };
}

function startsWithGzipMagic(path: string): boolean {
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    const head = new Uint8Array(2);
    return readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } catch (error) {
    throw describeFsError(error, 'read', path);
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

const TEXT_ONLY: [keyof ReadOptions, string][] = [
  ['delimiter', '--delimiter'],
  ['comment', '--comment'],
  ['header', '--header/--no-header'],
];

/** Reads INPUT's chosen columns (see {@link ReadOptions}). */
export async function readDataset(path: string, o: ReadOptions): Promise<{ dataset: Dataset; input: Input }> {
  const { input, chunks } = await open(path, o);
  const { format, name } = input;
  const options = { ...o, file: name };
  if (format !== 'csv' && format !== 'tsv') {
    for (const [key, flag] of TEXT_ONLY) {
      if (o[key] !== undefined && o[key] !== null) throw new CliError(`${flag} applies to CSV/TSV input, and ${name} is ${format.toUpperCase()}`);
    }
  }
  const kept: Uint8Array[] | null = o.keepBytes && path === '-' ? [] : null;
  const tee = async function* (source: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
    for await (const c of source) {
      kept?.push(c);
      yield c;
    }
  };
  let dataset: Dataset;
  if (format === 'csv' || format === 'tsv' || format === 'jsonl') {
    const reader = format === 'jsonl' ? new JsonlReader(options) : new CsvReader({ ...options, tsv: format === 'tsv' });
    for await (const chunk of tee(chunks)) reader.push(chunk);
    dataset = reader.finish()!;
  } else if (format === 'parquet' && path !== '-' && !input.gzip) {
    dataset = await readParquet({ path }, options);
  } else {
    const bytes = await collect(tee(chunks));
    if (format === 'parquet') dataset = await readParquet({ bytes }, options);
    else if (format === 'arrow') dataset = await readArrow(bytes, options);
    else if (format === 'npy') {
      const all = parseNpy(bytes, name);
      const chosen = resolveColumns(o.columns, null, all.nCols, name, o.weights);
      dataset = selectRows({ data: all.data!, nRows: all.nRows, nCols: all.nCols, names: null }, options, chosen);
    } else dataset = parseJson(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8'), name, options);
  }
  if (kept) input.bytes = kept.length === 1 ? kept[0]! : Buffer.concat(kept);
  return { dataset, input };
}

/**
 * The second pass of `--output`: every row of the input as read (after --skip-rows, the header
 * and comments), with its line number (text formats) or row index, and the column names.
 */
export async function readRecords(
  input: Input,
  o: ReadOptions,
  onNames: (names: string[] | null, width: number) => void,
  onRow: (values: () => unknown[], origin: number, raw?: { text: string; delimiter: string } | null) => void,
): Promise<void> {
  const { format, name, path } = input;
  const options = { ...o, file: name, columns: null, dropInvalid: true, note: undefined };
  const chunks: AsyncIterable<Uint8Array> =
    input.bytes !== null
      ? (async function* () {
          yield input.bytes!;
        })()
      : byteStream(path, name, input.gzip);
  const skip = o.skipRows ?? 0;
  const rows = (names: string[] | null, all: unknown[][]): void => {
    onNames(names, names?.length ?? all[0]?.length ?? 0);
    for (let i = skip; i < all.length; i++) onRow(() => all[i]!, i);
  };
  if (format === 'csv' || format === 'tsv') {
    let named = false;
    const reader = new CsvReader({ ...options, tsv: format === 'tsv' }, (cells, line, raw) => {
      if (!named) {
        named = true;
        onNames(reader.headerNames, reader.columnCount);
      }
      onRow(cells, line, raw);
    });
    for await (const chunk of chunks) reader.push(chunk);
    reader.finishRecords();
  } else if (format === 'jsonl') {
    let names: string[] | null | undefined;
    const reader = new JsonlReader({ ...options }, (value, line) => {
      if (names === undefined) {
        names = value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : null;
        onNames(names, names ? names.length : Array.isArray(value) ? value.length : 1);
      }
      onRow(() => (names ? names.map((n) => (value as Record<string, unknown>)[n]) : Array.isArray(value) ? value : [value]), line);
    });
    for await (const chunk of chunks) reader.push(chunk);
    reader.finish();
  } else if (format === 'parquet') {
    const { names, rows: all } = await parquetRows(input.bytes === null && !input.gzip ? { path } : { bytes: await collect(chunks) }, name);
    rows(names, all);
  } else {
    const bytes = await collect(chunks);
    if (format === 'arrow') {
      const { names, rows: all } = await arrowRows(bytes, name);
      rows(names, all);
    } else if (format === 'npy') {
      const all = parseNpy(bytes, name);
      const data = all.data!;
      onNames(null, all.nCols);
      for (let i = skip; i < all.nRows; i++) onRow(() => Array.from(data.subarray(i * all.nCols, (i + 1) * all.nCols)), i);
    } else {
      const { rows: all, names } = jsonRows(parseJsonText(Buffer.from(bytes).toString('utf8'), name), name);
      onNames(names, names?.length ?? (Array.isArray(all[0]) ? (all[0] as unknown[]).length : 1));
      for (let i = skip; i < all.length; i++) {
        const r = all[i];
        onRow(() => (names ? names.map((n) => (r as Record<string, unknown>)?.[n]) : Array.isArray(r) ? r : [r]), i);
      }
    }
  }
}
