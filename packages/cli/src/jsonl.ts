// JSON Lines input (one JSON value per line): rows (`[1.5, 2]`) or records
// (`{"x": 1.5, "y": 2}`, column names from the first record's keys). Read in a stream: a
// line that is an array of numbers, or an object whose values are numbers, null, true or false,
// is parsed from its bytes straight into the output (no object per line; keys compared as bytes
// with the first record's); any other line goes through JSON.parse.
import { resolveColumns } from './columns.js';
import type { TableOptions } from './csv.js';
import type { RowDataset } from './dataset.js';
import { CliError } from './errors.js';
import { rowValues } from './json.js';
import { cellText, parseNumber } from './numbers.js';
import { RowSink } from './rows.js';

const NL = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const QUOTE = 34;
const COMMA = 44;
const COLON = 58;
const BACKSLASH = 92;
const OPEN_SQUARE = 91;
const CLOSE_SQUARE = 93;
const OPEN_CURLY = 123;
const CLOSE_CURLY = 125;

const isSpace = (c: number): boolean => c === SPACE || c === TAB || c === CR;

export class JsonlReader {
  private readonly o: TableOptions;
  private readonly onRecord: ((value: unknown, line: number) => void) | null;
  private carry: Uint8Array | null = null;
  private line = 0;
  private skipLeft: number;
  private started = false;
  private names: string[] | null = null;
  private keyBytes: Uint8Array[] = [];
  private byName = new Map<string, number>();
  private width = 0;
  private chosen: number[] = [];
  /** For each input column, the feature it feeds (-1: not chosen). */
  private want = new Int32Array(0);
  private sink: RowSink | null = null;

  constructor(options: TableOptions, onRecord: ((value: unknown, line: number) => void) | null = null) {
    this.o = options;
    this.onRecord = onRecord;
    this.skipLeft = options.skipRows ?? 0;
  }

  push(chunk: Uint8Array): void {
    let pos = 0;
    if (this.carry) {
      const nl = chunk.indexOf(NL);
      if (nl === -1) {
        this.carry = Buffer.concat([this.carry, chunk]);
        return;
      }
      const joined = Buffer.concat([this.carry, chunk.subarray(0, nl)]);
      this.carry = null;
      this.onLine(joined, 0, joined.length);
      pos = nl + 1;
    }
    // Lines are short: a loop finds their ends faster than a native indexOf call per line.
    const n = chunk.length;
    for (let i = pos; i < n; i++) {
      if (chunk[i] === NL) {
        this.onLine(chunk, pos, i);
        pos = i + 1;
      }
    }
    if (pos < n) this.carry = chunk.slice(pos);
  }

  finish(): RowDataset | null {
    if (this.carry) {
      const last = this.carry;
      this.carry = null;
      this.onLine(last, 0, last.length);
    }
    if (this.onRecord) return null;
    if (!this.started || !this.sink) throw new CliError(`${this.o.file}: no data (no JSON lines${this.o.skipRows ? ` after skipping ${this.o.skipRows} lines` : ''})`);
    const names = this.names;
    return this.sink.finish({ columns: names ? this.chosen.map((j) => names[j]!) : null, allColumns: names, width: this.width, chosen: this.chosen });
  }

  private onLine(b: Uint8Array, s: number, e: number): void {
    this.line++;
    if (this.skipLeft > 0) {
      this.skipLeft--;
      return;
    }
    if (s === 0 && this.line === 1 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) s = 3;
    while (s < e && isSpace(b[s]!)) s++;
    while (e > s && isSpace(b[e - 1]!)) e--;
    if (s === e) return;
    if (this.onRecord) {
      this.onRecord(this.parseLine(b, s, e), this.line);
      return;
    }
    if (!this.started) this.start(this.parseLine(b, s, e));
    const sink = this.sink!;
    const out = sink.row();
    const base = sink.values.length;
    const fast = this.names ? this.fastRecord(b, s, e, out, base) : this.fastArray(b, s, e, out, base);
    if (fast === true) {
      sink.keep(this.line);
      return;
    }
    if (fast !== false) {
      sink.invalid(fast);
      return;
    }
    // Not a simple line: the general path.
    const reason = rowValues(this.parseLine(b, s, e), this.chosen, this.names, this.width, out, base, `line ${this.line}`);
    if (reason === null) sink.keep(this.line);
    else sink.invalid(reason);
  }

  private parseLine(b: Uint8Array, s: number, e: number): unknown {
    const text = Buffer.from(b.buffer, b.byteOffset + s, e - s).toString('utf8');
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new CliError(`${this.o.file}: line ${this.line} is not valid JSON: ${(error as Error).message}`);
    }
  }

  /** The first value: rows (arrays) or records (objects), and the chosen columns. */
  private start(first: unknown): void {
    this.started = true;
    const file = this.o.file;
    if (Array.isArray(first)) {
      if (first.length === 0) throw new CliError(`${file}: line ${this.line} is an empty array`);
      this.width = first.length;
    } else if (first !== null && typeof first === 'object') {
      this.names = Object.keys(first);
      if (this.names.length === 0) throw new CliError(`${file}: line ${this.line} is an empty object`);
      this.width = this.names.length;
      this.keyBytes = this.names.map((n) => Buffer.from(n, 'utf8'));
      this.names.forEach((n, j) => this.byName.set(n, j));
    } else {
      throw new CliError(`${file}: line ${this.line} is ${JSON.stringify(first)}; each line must be an array of numbers or an object (a record)`);
    }
    this.chosen = resolveColumns(this.o.columns, this.names, this.width, file, this.o.weights);
    this.want = new Int32Array(this.width).fill(-1);
    this.chosen.forEach((j, f) => (this.want[j] = f));
    this.sink = new RowSink(this.o, this.chosen.length, 'line');
  }

  /**
   * `[n, n, ...]` from bytes: true when read, a reason when a value is not a number, false when
   * the line is not that simple (strings, nesting, odd spacing): the caller uses JSON.parse.
   */
  private fastArray(b: Uint8Array, s: number, e: number, out: Float64Array, base: number): boolean | string {
    if (b[s] !== OPEN_SQUARE || b[e - 1] !== CLOSE_SQUARE) return false;
    const want = this.want;
    let col = 0;
    let start = s + 1;
    let bad = -1;
    let badStart = 0;
    let badEnd = 0;
    for (let i = s + 1; i < e; i++) {
      const c = b[i]!;
      if (c === COMMA || i === e - 1) {
        if (col < this.width) {
          const f = want[col]!;
          if (f >= 0) {
            const v = parseNumber(b, start, i);
            if (v !== v && bad < 0) [bad, badStart, badEnd] = [col, start, i];
            out[base + f] = v;
          }
        }
        col++;
        start = i + 1;
      } else if (c === QUOTE || c === OPEN_SQUARE || c === OPEN_CURLY) return false;
    }
    if (col === 1 && start === e && isEmptyBetween(b, s + 1, e - 1)) col = 0;
    if (col !== this.width) return `line ${this.line} has ${col} values, but the first line has ${this.width}; every line needs the same number`;
    if (bad >= 0) return `line ${this.line}, column ${bad} is ${jsonLiteral(b, badStart, badEnd)}, not a number`;
    return true;
  }

  /** `{"key": value, ...}` with scalar values from bytes; same results as {@link fastArray}. */
  private fastRecord(b: Uint8Array, s: number, e: number, out: Float64Array, base: number): boolean | string {
    if (b[s] !== OPEN_CURLY || b[e - 1] !== CLOSE_CURLY) return false;
    const k = this.chosen.length;
    for (let f = 0; f < k; f++) out[base + f] = Number.NaN;
    let seen = 0;
    let i = s + 1;
    let position = 0;
    let bad = -1;
    let badStart = 0;
    let badEnd = 0;
    const end = e - 1;
    while (i < end) {
      while (i < end && isSpace(b[i]!)) i++;
      if (i === end) break;
      if (b[i] !== QUOTE) return false;
      const keyStart = ++i;
      while (i < end && b[i] !== QUOTE) {
        if (b[i] === BACKSLASH) return false;
        i++;
      }
      const keyEnd = i++;
      while (i < end && isSpace(b[i]!)) i++;
      if (b[i] !== COLON) return false;
      i++;
      const valueStart = i;
      while (i < end && b[i] !== COMMA) {
        const c = b[i]!;
        if (c === QUOTE || c === OPEN_SQUARE || c === OPEN_CURLY) return false;
        i++;
      }
      const valueEnd = i++;
      // Which column: the same key as the first record's at this position, else by name.
      let j = -1;
      const expected = this.keyBytes[position];
      if (expected && sameBytes(b, keyStart, keyEnd, expected)) j = position;
      else j = this.byName.get(Buffer.from(b.buffer, b.byteOffset + keyStart, keyEnd - keyStart).toString('utf8')) ?? -1;
      position++;
      if (j < 0) continue;
      const f = this.want[j]!;
      if (f < 0) continue;
      const v = parseNumber(b, valueStart, valueEnd);
      if (v !== v && bad < 0) [bad, badStart, badEnd] = [j, valueStart, valueEnd];
      out[base + f] = v;
      seen++;
    }
    if (bad >= 0) {
      return `line ${this.line}, column ${bad} (${this.names![bad]}) is ${jsonLiteral(b, badStart, badEnd)}, not a number`;
    }
    if (seen < k) {
      // A chosen key is missing (or repeated): name the first missing one.
      for (let f = 0; f < k; f++) {
        if (Number.isNaN(out[base + f]!)) {
          const j = this.chosen[f]!;
          return `line ${this.line}, column ${j} (${this.names![j]}) is missing`;
        }
      }
    }
    return true;
  }
}

function sameBytes(b: Uint8Array, s: number, e: number, expected: Uint8Array): boolean {
  if (e - s !== expected.length) return false;
  for (let i = 0; i < expected.length; i++) if (b[s + i] !== expected[i]) return false;
  return true;
}

function isEmptyBetween(b: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (!isSpace(b[i]!)) return false;
  return true;
}

/** A scalar's text for messages: `null`, `true`, or the text that is not a number. */
function jsonLiteral(b: Uint8Array, s: number, e: number): string {
  const text = cellText(b, s, e);
  return text === 'null' ? 'null' : text === '' ? 'empty' : `'${text}'`;
}

/** Reads JSON Lines text at once (tests, small inputs). */
export function parseJsonl(text: string, file: string, options: Omit<TableOptions, 'file'> = {}): RowDataset {
  const reader = new JsonlReader({ ...options, file });
  reader.push(Buffer.from(text, 'utf8'));
  return reader.finish()!;
}
