// CSV/TSV input through csv-parse: delimiter from the extension or the first line, an
// optional header (a first row that is not all numbers), `#` comment lines (numpy.savetxt
// writes its header as one), and every other cell a finite number, or an error that
// names the line and column.
import { parse } from 'csv-parse/sync';
import { CliError } from './errors.js';
import type { Dataset } from './dataset.js';

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Picks the delimiter: tab for .tsv/.tab, else the most frequent of `,` `\t` `;` on the first data line. */
export function sniffDelimiter(text: string, file: string): string {
  if (/\.(tsv|tab)$/i.test(file)) return '\t';
  const firstLine = text.split(/\r?\n/).find((line) => line.trim() !== '' && !line.startsWith('#')) ?? '';
  let best = ',';
  let bestCount = 0;
  for (const candidate of [',', '\t', ';']) {
    const count = firstLine.split(candidate).length - 1;
    if (count > bestCount) [best, bestCount] = [candidate, count];
  }
  // One column and no delimiter at all: numpy.savetxt's default is a space.
  if (bestCount === 0 && / /.test(firstLine.trim())) return ' ';
  return best;
}

interface Row {
  record: string[];
  info: { lines: number };
}

export function parseCsv(text: string, file: string): Dataset {
  const delimiter = sniffDelimiter(text, file);
  let rows: Row[];
  try {
    rows = parse(text, {
      delimiter,
      bom: true,
      comment: '#',
      comment_no_infix: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
    }) as unknown as Row[];
  } catch (error) {
    throw csvError(error, file);
  }
  if (rows.length === 0) throw new CliError(`${file}: no data (the file is empty)`);

  const first = rows[0]!.record;
  const hasHeader = first.some((cell) => !NUMBER.test(cell));
  const columns = hasHeader ? first : null;
  const body = hasHeader ? rows.slice(1) : rows;
  const nCols = first.length;
  if (body.length === 0) throw new CliError(`${file}: no data rows after the header line`);

  const data = new Float64Array(body.length * nCols);
  for (let i = 0; i < body.length; i++) {
    const { record, info } = body[i]!;
    for (let j = 0; j < nCols; j++) {
      const cell = record[j]!;
      if (!NUMBER.test(cell)) throw badCell(file, info.lines, j, cell, columns);
      data[i * nCols + j] = Number(cell);
    }
  }
  return { data, nRows: body.length, nCols, columns };
}

function badCell(file: string, line: number, j: number, cell: string, columns: string[] | null): CliError {
  const name = columns?.[j] ? ` (${columns[j]})` : '';
  const what = cell === '' ? 'is empty' : `is '${cell.length > 40 ? `${cell.slice(0, 40)}…` : cell}', not a number`;
  return new CliError(`${file}: line ${line}, column ${j + 1}${name} ${what}`);
}

function csvError(error: unknown, file: string): CliError {
  const e = error as { code?: string; message?: string; lines?: number; record?: unknown[]; columns?: unknown };
  if (e.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH') {
    const expected = /expect (\d+)/.exec(e.message ?? '')?.[1];
    return new CliError(
      `${file}: line ${e.lines} has ${e.record?.length ?? '?'} columns, but the first line has ${expected}; every row needs the same number of columns`,
    );
  }
  if (e.code === 'CSV_QUOTE_NOT_CLOSED') {
    return new CliError(`${file}: a quote opened before line ${e.lines} is never closed`);
  }
  // csv-parse's messages already say "... at line N"; drop its error-code prefix.
  return new CliError(`${file}: invalid CSV: ${e.message ?? String(error)}`);
}
