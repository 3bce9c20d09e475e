// CSV/TSV input, read in a stream straight into one Float64Array: a tight loop over each
// line's bytes finds the cells and parses the chosen columns' numbers in place (no string per
// cell, no array per row). Lines with a quote character go to csv-parse (quoting rules,
// quoted delimiters and line breaks); everything else is the fast path.
//
// Lines: `--skip-rows N` physical lines are skipped first; then empty lines and lines starting
// with the comment character (`#`) are skipped. The first remaining line is the header when a
// non-empty cell of it is not a number (or as `--header` / `--no-header` say). The delimiter is
// `--delimiter`, tab for .tsv/.tab, else the most frequent of `,` `\t` `;` on that first line,
// else runs of spaces (numpy.savetxt's default).
import { parse } from 'csv-parse/sync';
import { resolveColumns } from './columns.js';
import { Float64Builder, Uint32Builder, type RowDataset } from './dataset.js';
import { CliError } from './errors.js';
import { cellText, parseNumber } from './numbers.js';

export interface TableOptions {
  /** The file's name in messages. */
  file: string;
  /** `--columns`: names, indices, ranges; null for every column. */
  columns?: string | null;
  /** `--weights`: one more column read after the chosen ones (with `columns`; without, every column is read). */
  weights?: string | null;
  /** `--skip-rows`: lines (CSV/TSV/JSONL) or rows skipped before the header or data. */
  skipRows?: number;
  /** `--header` (true) / `--no-header` (false); null or undefined: detect. */
  header?: boolean | null;
  /** `--drop-invalid`: skip rows with a missing or non-numeric chosen value instead of failing. */
  dropInvalid?: boolean;
  /** Where notes go (the CLI: stderr unless --quiet). */
  note?: (message: string) => void;
}

export interface CsvOptions extends TableOptions {
  /** `--delimiter`: one character; `' '` means runs of spaces and tabs; null: detect. */
  delimiter?: string | null;
  /** `--comment`: lines starting with it are skipped (default `#`); '' for none. */
  comment?: string | null;
  /** Tab by default (a .tsv/.tab file, or --format tsv). */
  tsv?: boolean;
}

const NL = 10;
const CR = 13;
const QUOTE = 34;
const SPACE = 32;
const TAB = 9;

const isBlank = (b: Uint8Array, s: number, e: number): boolean => {
  for (let i = s; i < e; i++) if (b[i] !== SPACE && b[i] !== TAB && b[i] !== CR) return false;
  return true;
};

/** Picks the delimiter of a line: the most frequent of `,` `\t` `;`, else space when it has one. */
export function sniffDelimiter(text: string, file: string): string {
  if (/\.(tsv|tab)(\.gz)?$/i.test(file)) return '\t';
  const firstLine = text.split(/\r?\n/).find((line) => line.trim() !== '' && !line.startsWith('#')) ?? '';
  return delimiterOf(firstLine);
}

function delimiterOf(line: string): string {
  let best = ',';
  let bestCount = 0;
  for (const candidate of [',', '\t', ';']) {
    const count = line.split(candidate).length - 1;
    if (count > bestCount) [best, bestCount] = [candidate, count];
  }
  if (bestCount === 0 && / /.test(line.trim())) return ' ';
  return best;
}

/** A delimiter or comment option value as one ASCII byte (`\t` and `tab` mean a tab). */
export function oneByte(option: string, value: string): number {
  const v = value === '\\t' || value.toLowerCase() === 'tab' ? '\t' : value.toLowerCase() === 'space' ? ' ' : value;
  if (v.length !== 1 || v.charCodeAt(0) > 127 || v === '\n' || v === '\r' || v === '"') {
    throw new CliError(`${option} '${value}': it must be one ASCII character other than a quote or a line break (\\t or tab for a tab)`);
  }
  return v.charCodeAt(0);
}

/**
 * Reads CSV/TSV bytes pushed in chunks. In `numbers` mode (the default) it builds the chosen
 * columns' values; in `records` mode it hands every data row's cells, as text, to `onRecord`
 * (the second pass of `--output`), with the same rules for lines, header and quoting.
 */
export class CsvReader {
  private readonly o: CsvOptions;
  private readonly onRecord: RecordCallback | null;
  private delim = -1;
  private whitespace = false;
  private readonly comment: number;
  private carry: Uint8Array | null = null;
  private line = 0; // the number of the line being read (1-based)
  private skipLeft: number;
  private started = false;
  private atStart = true; // BOM check
  // Quoted records spanning lines: the parts so far and the line they started on.
  private quoted: Uint8Array[] | null = null;
  private quotedLine = 0;
  private quoteCount = 0;

  private names: string[] | null = null;
  private headerLine = 0;
  private width = 0;
  private chosen: number[] = [];
  private want = new Int32Array(0);
  private k = 0;
  private readonly values = new Float64Builder();
  private rows = 0;
  private readonly lines: Uint32Builder | null;
  private droppedCount = 0;
  private droppedFirst = '';
  /** A doubtful header, told once the table has read well (an error about line 2 says more). */
  private headerNote: string | null = null;

  constructor(options: CsvOptions, onRecord: RecordCallback | null = null) {
    this.o = options;
    this.onRecord = onRecord;
    this.skipLeft = options.skipRows ?? 0;
    const comment = options.comment ?? '#';
    this.comment = comment === '' ? -1 : oneByte('--comment', comment);
    if (options.delimiter !== undefined && options.delimiter !== null) this.setDelimiter(String.fromCharCode(oneByte('--delimiter', options.delimiter)));
    else if (options.tsv) this.setDelimiter('\t');
    this.lines = options.dropInvalid ? new Uint32Builder() : null;
  }

  private setDelimiter(d: string): void {
    this.whitespace = d === ' ';
    this.delim = d.charCodeAt(0);
  }

  push(chunk: Uint8Array): void {
    let pos = 0;
    if (this.atStart && chunk.length > 0) {
      this.atStart = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) pos = 3;
    }
    if (this.carry) {
      const nl = chunk.indexOf(NL, pos);
      if (nl === -1) {
        this.carry = concat(this.carry, chunk.subarray(pos));
        return;
      }
      const joined = concat(this.carry, chunk.subarray(pos, nl));
      this.carry = null;
      this.onLine(joined, 0, joined.length);
      pos = nl + 1;
    }
    while (pos < chunk.length) {
      if (this.fast()) {
        pos = this.scanChunk(chunk, pos);
        if (this.atChunkEnd) break;
        continue;
      }
      const nl = chunk.indexOf(NL, pos);
      if (nl === -1) break;
      this.onLine(chunk, pos, nl);
      pos = nl + 1;
    }
    if (pos < chunk.length) this.carry = chunk.slice(pos);
  }

  /** The fast path applies: data lines of numbers, nothing pending. */
  private fast(): boolean {
    return this.started && this.quoted === null && this.skipLeft === 0 && this.onRecord === null && !this.whitespace;
  }

  private atChunkEnd = false;

  /**
   * The fast path over a whole chunk: one loop over its bytes finds the delimiters and line
   * breaks and parses the chosen cells in place. Returns where the unfinished last line starts
   * (\`atChunkEnd\`), or where to go on after a line that needs the slow path (a quote).
   */
  private scanChunk(b: Uint8Array, pos: number): number {
    const n = b.length;
    const d = this.delim;
    const want = this.want;
    const width = this.width;
    const k = this.k;
    const comment = this.comment;
    const values = this.values;
    let out = values.buffer;
    let lineStart = pos;
    this.atChunkEnd = false;
    while (lineStart < n) {
      const c0 = b[lineStart]!;
      if (c0 === NL || c0 === CR || c0 === comment || c0 === SPACE || c0 === TAB) {
        // Empty, comment or space-led line: the general path.
        const nl = b.indexOf(NL, lineStart);
        if (nl === -1) break;
        this.onLine(b, lineStart, nl);
        lineStart = nl + 1;
        if (!this.fast()) return lineStart;
        out = values.buffer;
        continue;
      }
      const base = values.length;
      if (base + k > out.length) out = values.reserve(k);
      let col = 0;
      let start = lineStart;
      let bad = -1;
      let i = lineStart;
      for (;;) {
        if (i === n) {
          this.atChunkEnd = true;
          return lineStart;
        }
        const c = b[i]!;
        if (c === d || c === NL) {
          if (col < width) {
            const f = want[col]!;
            if (f >= 0) {
              const v = parseNumber(b, start, c === NL && i > start && b[i - 1] === CR ? i - 1 : i);
              out[base + f] = v;
              if (v !== v && bad < 0) bad = col;
            }
          }
          col++;
          start = i + 1;
          if (c === NL) break;
        } else if (c === QUOTE) {
          const nl = b.indexOf(NL, i);
          if (nl === -1) {
            this.atChunkEnd = true;
            return lineStart;
          }
          this.onLine(b, lineStart, nl);
          return nl + 1;
        }
        i++;
      }
      this.line++;
      if (col === width && bad < 0) {
        values.length = base + k;
        this.rows++;
        this.lines?.push(this.line);
      } else {
        this.finishRow(col, bad, b, lineStart, i > lineStart && b[i - 1] === CR ? i - 1 : i);
      }
      lineStart = i + 1;
    }
    this.atChunkEnd = true;
    return lineStart;
  }

  /** The header's names (null without a header), once the first line is read. */
  get headerNames(): string[] | null {
    return this.names;
  }

  /** The number of columns, once the first line is read. */
  get columnCount(): number {
    return this.width;
  }

  /** Ends the input in records mode. */
  finishRecords(): void {
    if (this.carry) {
      const last = this.carry;
      this.carry = null;
      this.onLine(last, 0, last.length);
    }
    if (this.quoted) throw new CliError(`${this.o.file}: a quote opened on line ${this.quotedLine} is never closed`);
  }

  /** Ends the input; returns the dataset (numbers mode). */
  finish(): RowDataset {
    if (this.carry) {
      const last = this.carry;
      this.carry = null;
      this.onLine(last, 0, last.length);
    }
    const file = this.o.file;
    if (this.quoted) throw new CliError(`${file}: a quote opened on line ${this.quotedLine} is never closed`);
    if (!this.started) throw new CliError(`${file}: no data (the file is empty${this.o.skipRows ? ` after skipping ${this.o.skipRows} lines` : ''})`);
    if (this.rows === 0 && this.droppedCount === 0) {
      throw new CliError(this.names ? `${file}: no data rows after the header line` : `${file}: no data rows`);
    }
    if (this.rows === 0) throw new CliError(`${file}: every row was dropped by --drop-invalid (the first: ${this.droppedFirst})`);
    if (this.headerNote) this.o.note?.(this.headerNote);
    return {
      data: this.values.finish(),
      columnar: null,
      nRows: this.rows,
      nCols: this.k,
      columns: this.names ? this.chosen.map((j) => this.names![j]!) : null,
      allColumns: this.names,
      width: this.width,
      chosen: this.chosen,
      origins: this.lines ? { kind: 'line', values: this.lines.finish() } : null,
      dropped: this.droppedCount > 0 ? { count: this.droppedCount, first: this.droppedFirst } : null,
    };
  }

  private onLine(b: Uint8Array, s: number, e: number): void {
    this.line++;
    if (this.quoted) {
      this.continueQuoted(b, s, e);
      return;
    }
    if (this.skipLeft > 0) {
      this.skipLeft--;
      return;
    }
    if (e > s && b[e - 1] === CR) e--;
    if (s === e || (b[s] === this.comment && this.comment >= 0)) return;
    if ((b[s] === SPACE || b[s] === TAB) && isBlank(b, s, e)) return;
    if (!this.started) {
      this.firstLine(b, s, e);
      return;
    }
    if (this.onRecord) {
      this.recordLine(b, s, e);
      return;
    }
    if (this.whitespace) this.wsLine(b, s, e);
    else this.dataLine(b, s, e);
  }

  /** The first line: delimiter, header or not, and the chosen columns. */
  private firstLine(b: Uint8Array, s: number, e: number): void {
    if (b.subarray(s, e).includes(QUOTE)) {
      // A quoted header: gather it like any quoted record, then come back here.
      this.startQuoted(b, s, e);
      return;
    }
    const text = Buffer.from(b.buffer, b.byteOffset + s, e - s).toString('utf8');
    this.firstCells(splitPlain(text, this.ensureDelimiter(text)), b, s, e);
  }

  private ensureDelimiter(text: string): string {
    if (this.delim < 0) this.setDelimiter(delimiterOf(text));
    return this.whitespace ? ' ' : String.fromCharCode(this.delim);
  }

  private firstCells(cells: string[], b: Uint8Array | null, s: number, e: number): void {
    this.started = true;
    const file = this.o.file;
    const numeric = cells.map((c) => c !== '' && !Number.isNaN(parseText(c)));
    const isHeader = this.o.header ?? cells.some((c, j) => c !== '' && !numeric[j]);
    this.width = cells.length;
    if (isHeader) {
      this.names = cells;
      this.headerLine = this.line;
      const numbers = numeric.filter(Boolean).length;
      if (this.o.header == null && numbers > 0) {
        const shown = cells.join(String.fromCharCode(this.delim < 0 ? 44 : this.delim));
        this.headerNote = (
          `${file}: line ${this.line} (${shown.length > 60 ? `${shown.slice(0, 60)}…` : shown}) is read as the header, but ${numbers} of its ${cells.length} cells are numbers; if it is not a header, pass --no-header, or --skip-rows ${this.line} to skip it`
        );
      }
    }
    this.chosen = resolveColumns(this.o.columns, this.names, this.width, file, this.o.weights);
    this.k = this.chosen.length;
    this.want = new Int32Array(this.width).fill(-1);
    this.chosen.forEach((j, f) => (this.want[j] = f));
    if (!isHeader) {
      if (this.onRecord) this.onRecord(() => cells, this.line, null);
      else if (b) {
        if (this.whitespace) this.wsLine(b, s, e);
        else this.dataLine(b, s, e);
      } else this.cellsRow(cells, this.quotedLine);
    }
  }

  /** The fast path: one pass over the line's bytes, numbers parsed in place. */
  private dataLine(b: Uint8Array, s: number, e: number): void {
    const width = this.width;
    const want = this.want;
    const k = this.k;
    const d = this.delim;
    const out = this.values.reserve(k);
    const base = this.values.length;
    let col = 0;
    let start = s;
    let bad = -1;
    for (let i = s; i <= e; i++) {
      const c = i < e ? b[i]! : d;
      if (c === d) {
        if (col < width) {
          const f = want[col]!;
          if (f >= 0) {
            const v = parseNumber(b, start, i);
            out[base + f] = v;
            if (v !== v && bad < 0) bad = col;
          }
        }
        col++;
        start = i + 1;
      } else if (c === QUOTE) {
        this.startQuoted(b, s, e);
        return;
      }
    }
    this.finishRow(col, bad, b, s, e);
  }

  /** Whitespace-separated lines: cells are runs of characters other than spaces and tabs. */
  private wsLine(b: Uint8Array, s: number, e: number): void {
    const width = this.width;
    const want = this.want;
    const k = this.k;
    const out = this.values.reserve(k);
    const base = this.values.length;
    let col = 0;
    let bad = -1;
    let i = s;
    for (;;) {
      while (i < e && (b[i] === SPACE || b[i] === TAB)) i++;
      if (i >= e) break;
      const start = i;
      while (i < e && b[i] !== SPACE && b[i] !== TAB) {
        if (b[i] === QUOTE) {
          this.startQuoted(b, s, e);
          return;
        }
        i++;
      }
      if (col < width) {
        const f = want[col]!;
        if (f >= 0) {
          const v = parseNumber(b, start, i);
          out[base + f] = v;
          if (v !== v && bad < 0) bad = col;
        }
      }
      col++;
    }
    this.finishRow(col, bad, b, s, e);
  }

  private finishRow(cols: number, bad: number, b: Uint8Array | null, s: number, e: number, cells?: string[]): void {
    if (cols !== this.width) {
      this.invalid(this.widthMessage(cols), this.line);
      return;
    }
    if (bad >= 0) {
      const text = cells ? cells[bad]!.trim() : b ? cellText(...this.cellRange(b, s, e, bad)) : '';
      this.invalid(this.cellMessage(bad, text), this.line);
      return;
    }
    this.values.length += this.k;
    this.rows++;
    this.lines?.push(this.line);
  }

  private widthMessage(cols: number): string {
    const first = this.names ? `line ${this.headerLine} (the header)` : 'the first line';
    let hint = '';
    if (this.names && this.headerLine === (this.o.skipRows ?? 0) + 1 && this.rows === 0 && this.droppedCount === 0) {
      hint = `; if line ${this.headerLine} is not part of the table, skip it with --skip-rows ${this.headerLine}`;
    }
    return `line ${this.line} has ${cols} columns, but ${first} has ${this.width}${hint}`;
  }

  private cellMessage(j: number, text: string): string {
    const name = this.names?.[j] ? ` (${this.names[j]})` : '';
    const what = text === '' ? 'is empty' : `is '${text}', not a number`;
    return `line ${this.line}, column ${j}${name} ${what}`;
  }

  /** The byte range of cell `j` of a plain line (for the message about it). */
  private cellRange(b: Uint8Array, s: number, e: number, j: number): [Uint8Array, number, number] {
    if (this.whitespace) {
      const cells = Buffer.from(b.buffer, b.byteOffset + s, e - s).toString('latin1').trim().split(/[ \t]+/);
      const text = Buffer.from(cells[j] ?? '', 'latin1');
      return [text, 0, text.length];
    }
    let col = 0;
    let start = s;
    for (let i = s; i <= e; i++) {
      if (i === e || b[i] === this.delim) {
        if (col === j) return [b, start, i];
        col++;
        start = i + 1;
      }
    }
    return [b, e, e];
  }

  private invalid(message: string, line: number): void {
    if (!this.o.dropInvalid) throw new CliError(`${this.o.file}: ${message}`);
    if (this.droppedCount++ === 0) this.droppedFirst = message;
    void line;
  }

  // ---- quoted records (csv-parse)

  private startQuoted(b: Uint8Array, s: number, e: number): void {
    this.quoted = [];
    this.quotedLine = this.line;
    this.quoteCount = 0;
    this.addQuotedPart(b, s, e);
  }

  private continueQuoted(b: Uint8Array, s: number, e: number): void {
    this.addQuotedPart(b, s, e);
  }

  private addQuotedPart(b: Uint8Array, s: number, e: number): void {
    const part = b.slice(s, e);
    for (const c of part) if (c === QUOTE) this.quoteCount++;
    this.quoted!.push(part);
    if (this.quoteCount % 2 === 1) return; // a quoted field goes on past this line break
    const text = Buffer.concat(this.quoted!.map((p, i) => (i === 0 ? p : concat(Uint8Array.of(NL), p)))).toString('utf8').replace(/\r$/, '');
    this.quoted = null;
    const line = this.quotedLine;
    const delimiter = this.started ? (this.whitespace ? ' ' : String.fromCharCode(this.delim)) : this.ensureDelimiter(text);
    let cells: string[];
    try {
      const records = parse(text, { delimiter, trim: true, relax_column_count: true, skip_empty_lines: false }) as string[][];
      cells = records[0] ?? [];
      if (this.whitespace) cells = cells.filter((c) => c !== '');
    } catch (error) {
      throw new CliError(`${this.o.file}: line ${line}: ${(error as Error).message.replace(/^Invalid Record Length.*|^[A-Z_]+: /, '')}`);
    }
    const saved = this.line;
    this.line = line;
    try {
      if (!this.started) this.firstCells(cells, null, 0, 0);
      else if (this.onRecord) this.onRecord(() => cells, line, null);
      else this.cellsRow(cells, line);
    } finally {
      this.line = saved;
    }
  }

  /** A data row given as text cells (quoted records). */
  private cellsRow(cells: string[], line: number): void {
    const out = this.values.reserve(this.k);
    const base = this.values.length;
    let bad = -1;
    for (let j = 0; j < Math.min(cells.length, this.width); j++) {
      const f = this.want[j]!;
      if (f < 0) continue;
      const v = parseText(cells[j]!);
      out[base + f] = v;
      if (v !== v && bad < 0) bad = j;
    }
    const saved = this.line;
    this.line = line;
    this.finishRow(cells.length, bad, null, 0, 0, cells);
    this.line = saved;
  }

  /** Records mode: every data row's cells as text. */
  private recordLine(b: Uint8Array, s: number, e: number): void {
    if (b.subarray(s, e).includes(QUOTE)) {
      this.startQuoted(b, s, e);
      return;
    }
    const text = Buffer.from(b.buffer, b.byteOffset + s, e - s).toString('utf8');
    const delimiter = this.whitespace ? ' ' : String.fromCharCode(this.delim);
    this.onRecord!(() => splitPlain(text, delimiter), this.line, { text, delimiter });
  }
}

/**
 * Records mode: a data row's cells (computed on demand), its line number, and for an unquoted
 * line its text and delimiter (so a writer with the same delimiter can copy it as it is).
 */
export type RecordCallback = (cells: () => string[], line: number, raw: { text: string; delimiter: string } | null) => void;

/** Cells of an unquoted line, trimmed; `' '` splits on runs of spaces and tabs. */
function splitPlain(text: string, delimiter: string): string[] {
  if (delimiter === ' ') return text.trim().split(/[ \t]+/);
  return text.split(delimiter).map((c) => c.trim());
}

/** A cell's number by the same grammar as the byte parser. */
export function parseText(text: string): number {
  const bytes = Buffer.from(text, 'utf8');
  return parseNumber(bytes, 0, bytes.length);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Parses a whole CSV/TSV text (tests, small inputs). */
export function parseCsv(text: string, file: string, options: Omit<CsvOptions, 'file'> = {}): RowDataset {
  const reader = new CsvReader({ tsv: /\.(tsv|tab)$/i.test(file), ...options, file });
  reader.push(Buffer.from(text, 'utf8'));
  return reader.finish();
}
