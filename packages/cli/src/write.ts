import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { extname } from 'node:path';
import { CliError, describeFsError } from './errors.js';

/** Checks an output path's extension against what the option can write, before any work is done. */
export function checkOutput(option: string, file: string, allowed: readonly string[]): string {
  const ext = extname(file).toLowerCase();
  if (!allowed.includes(ext)) {
    throw new CliError(`${option} ${file}: unsupported file type '${ext || '(no extension)'}'; use ${allowed.join(' or ')}`);
  }
  return ext;
}

export function writeOutput(file: string, content: string | Uint8Array): void {
  try {
    writeFileSync(file, content);
  } catch (error) {
    throw describeFsError(error, 'write', file);
  }
}

/** A CSV field: quoted when it holds a delimiter, quote or newline. */
function field(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Labels as CSV (a `label` header, one per line, input order) or a JSON array. With `origins`
 * (rows were dropped by --drop-invalid), each label comes with its row's line number or row
 * index: CSV `line,label` (or `row,label`), JSON `[{"line": 3, "label": 0}, ...]`.
 */
export function formatLabels(labels: Int32Array, ext: string, origins: { kind: 'line' | 'row'; values: Uint32Array } | null = null): string {
  if (origins) {
    const { kind, values } = origins;
    if (ext === '.json') return `[${Array.from(labels, (l, i) => `{"${kind}":${values[i]},"label":${l}}`).join(',')}]\n`;
    const lines = new Array<string>(labels.length + 1);
    lines[0] = `${kind},label`;
    for (let i = 0; i < labels.length; i++) lines[i + 1] = `${values[i]},${labels[i]}`;
    return `${lines.join('\n')}\n`;
  }
  if (ext === '.json') return `${JSON.stringify(Array.from(labels))}\n`;
  const lines = new Array<string>(labels.length + 1);
  lines[0] = 'label';
  for (let i = 0; i < labels.length; i++) lines[i + 1] = String(labels[i]);
  return `${lines.join('\n')}\n`;
}

/** A value of an input row as CSV/TSV text. */
function asText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString();
  return JSON.stringify(v, (_, x: unknown) => (typeof x === 'bigint' ? Number(x) : x));
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A value of an input row as a JSON value: CSV cells that are numbers become numbers, empty ones null. */
function asJson(v: unknown): unknown {
  if (typeof v === 'string') {
    const t = v.trim();
    if (t === '') return null;
    if (NUMBER.test(t)) {
      const n = Number(t);
      if (Number.isFinite(n)) return n;
    }
    return v;
  }
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : String(v);
  if (v === undefined) return null;
  return v;
}

/**
 * `--output FILE`: the input rows as read with a label column appended, written as CSV, TSV
 * or JSON Lines by FILE's extension, in batches (a file of millions of rows never sits in
 * memory as one string). Without column names, CSV/TSV get no header and JSON Lines arrays.
 */
export class RowWriter {
  private fd: number;
  private parts: string[] = [];
  private size = 0;
  private names: string[] | null = null;
  private readonly sep: string;
  private labelName = 'label';

  constructor(
    private readonly file: string,
    private readonly ext: string,
  ) {
    this.sep = ext === '.tsv' ? '\t' : ',';
    try {
      this.fd = openSync(file, 'w');
    } catch (error) {
      throw describeFsError(error, 'write', file);
    }
  }

  private field(text: string): string {
    if (this.sep === '\t') return text.replace(/[\t\n\r]/g, ' ');
    return field(text);
  }

  header(names: string[] | null): void {
    this.names = names;
    if (!names) return;
    while (names.includes(this.labelName)) this.labelName = `${this.labelName}_`;
    if (this.ext !== '.jsonl') this.push(`${[...names, this.labelName].map((n) => this.field(n)).join(this.sep)}\n`);
  }

  /**
   * One row and its label. `values` is called only when needed: a CSV/TSV line read with the
   * output's delimiter (`raw`) is copied as it is, with the label appended.
   */
  row(valuesOf: () => readonly unknown[], label: number, raw: { text: string; delimiter: string } | null = null): void {
    if (raw && raw.delimiter === this.sep && this.ext !== '.jsonl') {
      this.push(`${raw.text}${this.sep}${label}\n`);
      return;
    }
    const values = valuesOf();
    if (this.ext === '.jsonl') {
      if (this.names) {
        const record: Record<string, unknown> = {};
        this.names.forEach((n, j) => (record[n] = asJson(values[j])));
        record[this.labelName] = label;
        this.push(`${JSON.stringify(record)}\n`);
      } else this.push(`${JSON.stringify([...values.map(asJson), label])}\n`);
      return;
    }
    let line = '';
    for (const v of values) line += `${this.field(asText(v))}${this.sep}`;
    this.push(`${line}${label}\n`);
  }

  private push(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    if (this.size > 1 << 20) this.flush();
  }

  private flush(): void {
    try {
      writeSync(this.fd, this.parts.join(''));
    } catch (error) {
      throw describeFsError(error, 'write', this.file);
    }
    this.parts = [];
    this.size = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/**
 * Centres as CSV (one per line, header = the input's column names or `x0,x1,…`)
 * or JSON (an array of rows). Numbers are written in full (shortest round trip).
 */
export function formatCenters(centers: number[][], columns: readonly string[], ext: string): string {
  if (ext === '.json') return `${JSON.stringify(centers)}\n`;
  const lines = [columns.map(field).join(','), ...centers.map((row) => row.map(String).join(','))];
  return `${lines.join('\n')}\n`;
}
