// The command's readers on their own: the byte-level number parser against Number(), chunk
// boundaries anywhere, --columns specs, quoted CSV, JSON Lines' fast path against JSON.parse,
// and --standardize against scikit-learn's StandardScaler.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveColumns } from '../packages/cli/src/columns.js';
import { CsvReader, parseCsv } from '../packages/cli/src/csv.js';
import { CliError } from '../packages/cli/src/errors.js';
import { JsonlReader, parseJsonl } from '../packages/cli/src/jsonl.js';
import { parseNumber } from '../packages/cli/src/numbers.js';
import { columnScaling, standardize } from '../packages/cli/src/scale.js';
import { fixture } from './helpers.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const num = (text: string): number => parseNumber(bytes(text), 0, bytes(text).length);

function expectCliError(work: () => unknown, message: string | RegExp): void {
  let caught: unknown;
  try {
    work();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(CliError);
  expect((caught as Error).message).toMatch(message);
}

describe('parseNumber: the same double as Number() on the text', () => {
  it('every way a double is written (shortest, fixed, exponent, 17 and 19 significant digits)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 0, max: 20 }), (v, digits) => {
        const texts = [String(v), v.toExponential(), v.toPrecision(17), v.toExponential(Math.min(digits, 18)), v.toPrecision(Math.max(1, digits))];
        if (Math.abs(v) < 1e21) texts.push(v.toFixed(Math.min(digits, 20)));
        for (const text of texts) {
          // Overflow to ±Infinity is not a finite number: invalid, like text.
          const expected = Number.isFinite(Number(text)) ? Number(text) : Number.NaN;
          expect(Object.is(num(text), expected), text).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('short decimals as spreadsheets and CSV exports write them, signs, spaces, leading zeros', () => {
    for (const text of ['0', '-0', '+1', '007', '1.', '.5', '-.5', '0.1', '0.30000000000000004', '123456789012345', '1234567890123456789', '1e22', '1e23', '1e-22', '4.9e-324', '1.7976931348623157e308', '2.2250738585072014E-308', ' 1.5 ', '\t2\t', '3.0\r']) {
      expect(Object.is(num(text), Number(text.trim())), text).toBe(true);
    }
  });

  it('rejects what is not a number in the grammar (NaN for the caller to report)', () => {
    for (const text of ['', ' ', 'abc', 'NaN', 'nan', 'inf', 'Infinity', '-', '.', 'e5', '1e', '1e+', '1.2.3', '0x10', '1_000', '1,5', '"1"', 'null', '1e400', '-1e400', '1 2']) {
      expect(Number.isNaN(num(text)), text).toBe(true);
    }
  });
});

describe('CSV reader', () => {
  const text = '# comment\nx,y,z\n1,2,3\n\n"4",5.5,6\n7,8,"9"\r\n10,11,12';

  it('gives the same result for any chunk boundaries', () => {
    const whole = parseCsv(text, 'a.csv');
    expect(Array.from(whole.data)).toEqual([1, 2, 3, 4, 5.5, 6, 7, 8, 9, 10, 11, 12]);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: text.length - 1 }), { maxLength: 6 }), (cuts) => {
        const reader = new CsvReader({ file: 'a.csv' });
        const b = bytes(text);
        let start = 0;
        for (const cut of [...new Set(cuts)].sort((p, q) => p - q)) {
          reader.push(b.subarray(start, cut));
          start = cut;
        }
        reader.push(b.subarray(start));
        const d = reader.finish();
        expect(Array.from(d.data)).toEqual(Array.from(whole.data));
        expect(d.columns).toEqual(['x', 'y', 'z']);
      }),
      { numRuns: 300 },
    );
  });

  it('quoted cells: delimiters, quotes and line breaks inside; line numbers stay right', () => {
    const d = parseCsv('name,x\n"a, ""b""",1\n"multi\nline",2\nplain,3\n', 'q.csv', { columns: 'x' });
    expect(Array.from(d.data)).toEqual([1, 2, 3]);
    expectCliError(() => parseCsv('name,x\n"a\nb",1\nc,oops\n', 'q.csv', { columns: 'x' }), "q.csv: line 4, column 1 (x) is 'oops', not a number");
  });

  it('--skip-rows, --header, --no-header, --delimiter, --comment and runs of spaces', () => {
    expect(parseCsv('junk line\nx;y\n1;2\n', 'a.csv', { skipRows: 1 }).columns).toEqual(['x', 'y']);
    expect(Array.from(parseCsv('1,2\n3,4\n', 'a.csv', { header: true }).data)).toEqual([3, 4]);
    expectCliError(() => parseCsv('x,y\n1,2\n', 'a.csv', { header: false }), "a.csv: line 1, column 0 is 'x', not a number");
    expect(Array.from(parseCsv('1|2\n3|4\n', 'a.csv', { delimiter: '|' }).data)).toEqual([1, 2, 3, 4]);
    expect(Array.from(parseCsv('% note\n#1,2\n', 'a.csv', { comment: '%', header: false, columns: '1' }).data)).toEqual([2]);
    expect(Array.from(parseCsv('  1   2   3\n4 5 6  \n', 'a.txt').data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(() => parseCsv('1,2', 'a.csv', { delimiter: 'ab' })).toThrow(/--delimiter 'ab'/);
  });

  it('--drop-invalid keeps the line numbers of the kept rows and counts the others', () => {
    const d = parseCsv('x,y\n1,2\n3,\n5,6\n7\n9,x\n11,12\n', 'a.csv', { dropInvalid: true });
    expect(Array.from(d.data)).toEqual([1, 2, 5, 6, 11, 12]);
    expect(Array.from(d.origins!.values)).toEqual([2, 4, 7]);
    expect(d.dropped).toEqual({ count: 3, first: 'line 3, column 1 (y) is empty' });
  });
});

describe('--columns', () => {
  const names = ['alcohol', 'malic acid', 'ash', 'x-y', '7'];

  it('names, indices, ranges of either, in the order given', () => {
    expect(resolveColumns(null, names, 5, 'f')).toEqual([0, 1, 2, 3, 4]);
    expect(resolveColumns('0-2', names, 5, 'f')).toEqual([0, 1, 2]);
    expect(resolveColumns('ash,alcohol', names, 5, 'f')).toEqual([2, 0]);
    expect(resolveColumns('malic acid-x-y', names, 5, 'f')).toEqual([1, 2, 3]);
    expect(resolveColumns('x-y', names, 5, 'f')).toEqual([3]); // a name with a dash is the name
    expect(resolveColumns('7', names, 5, 'f')).toEqual([4]); // a name before an index
    expect(resolveColumns(' 4 , 0 ', null, 5, 'f')).toEqual([4, 0]);
  });

  it('errors list the names or the number of columns', () => {
    expectCliError(() => resolveColumns('sugar', names, 5, 'w.csv'), "--columns sugar: w.csv has no column 'sugar'; its columns are: alcohol, malic acid, ash, x-y, 7");
    expectCliError(() => resolveColumns('5', null, 5, 'w.csv'), '--columns 5: w.csv has 5 columns, numbered 0 to 4; there is no column 5');
    expectCliError(() => resolveColumns('0,,1', null, 5, 'w.csv'), /an empty item/);
  });
});

describe('JSON Lines: the byte-level fast path agrees with JSON.parse', () => {
  it('random rows and records, any spacing', () => {
    const value = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }), fc.integer());
    fc.assert(
      fc.property(fc.array(fc.tuple(value, value, value), { minLength: 1, maxLength: 20 }), fc.boolean(), fc.boolean(), (rows, records, spaced) => {
        const lines = rows.map((r) =>
          records ? JSON.stringify({ a: r[0], b: r[1], c: r[2] }, null, spaced ? 1 : undefined).replace(/\n/g, '') : JSON.stringify(r, null, spaced ? 1 : undefined).replace(/\n/g, ''),
        );
        const d = parseJsonl(lines.join('\n'), 'a.jsonl', { columns: records ? 'c,a' : '2,0' });
        expect(Array.from(d.data)).toEqual(rows.flatMap((r) => [r[2] === 0 ? 0 : r[2], r[0] === 0 ? 0 : r[0]]));
      }),
      { numRuns: 300 },
    );
  });

  it('chunks split anywhere, --skip-rows, and what is not a row', () => {
    const text = '{"x": 1, "y": 2}\n{"y": 4, "x": 3}\n\n{"x": 5, "y": 6, "z": "s"}\n';
    const reader = new JsonlReader({ file: 'a.jsonl' });
    for (const c of bytes(text)) reader.push(Uint8Array.of(c));
    expect(Array.from(reader.finish()!.data)).toEqual([1, 2, 3, 4, 5, 6]);
    // The column names (and their order) come from the first record read.
    expect(Array.from(parseJsonl(text, 'a.jsonl', { skipRows: 1 }).data)).toEqual([4, 3, 6, 5]);
    expectCliError(() => parseJsonl('"text"\n', 'a.jsonl'), 'a.jsonl: line 1 is "text"; each line must be an array of numbers or an object (a record)');
    expectCliError(() => parseJsonl('[1,2]\n[1]\n', 'a.jsonl'), 'a.jsonl: line 2 has 1 values, but the first line has 2');
    expectCliError(() => parseJsonl('{"x": 1}\n{"x": true}\n', 'a.jsonl'), "a.jsonl: line 2, column 0 (x) is 'true', not a number");
  });
});

describe("--standardize: scikit-learn's StandardScaler", () => {
  interface Case {
    name: string;
    scalerMean?: number[];
    scalerScale?: number[];
  }
  const wine = fixture<{ cases: Case[] }>('cli_datasets').cases.find((c) => c.scalerMean)!;

  it('mean_ and scale_ of the wine data', () => {
    const text = readFileSync(new URL('./fixtures/datasets/wine_data.csv', import.meta.url), 'utf8');
    const d = parseCsv(text, 'wine_data.csv', { skipRows: 1, columns: '0-12' });
    const { scaling, dataset } = standardize(d);
    scaling.mean.forEach((m, j) => expect(m).toBe(wine.scalerMean![j]));
    scaling.scale.forEach((s, j) => expect(s).toBe(wine.scalerScale![j]));
    // z-scores: mean 0, population standard deviation 1.
    for (const column of dataset.columnar!.map((c) => Array.from(c))) {
      const mean = column.reduce((a, b) => a + b, 0) / column.length;
      expect(Math.abs(mean)).toBeLessThan(1e-12);
      expect(Math.sqrt(column.reduce((a, b) => a + (b - mean) ** 2, 0) / column.length)).toBeCloseTo(1, 12);
    }
  });

  it('a constant column is centred and its scale is 1, even when its mean is not exact', () => {
    expect(columnScaling(new Float64Array(10).fill(0.1))).toEqual({ mean: 0.09999999999999999, scale: 1 });
    expect(columnScaling([2, 2, 2])).toEqual({ mean: 2, scale: 1 });
    expect(columnScaling([1, 2, 3, 4])).toEqual({ mean: 2.5, scale: Math.sqrt(1.25) });
  });
});
