// The CLI's parts on their own: .npy/CSV/JSON readers, writers, the SVG plot, the progress bar.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCsv, sniffDelimiter } from '../packages/cli/src/csv.js';
import { CliError } from '../packages/cli/src/errors.js';
import { parseJson } from '../packages/cli/src/json.js';
import { parseNpy } from '../packages/cli/src/npy.js';
import { ONE_MARK_PER_POINT_UP_TO, clusterColours, scatterSvg } from '../packages/cli/src/plot.js';
import { ProgressBar, formatDuration } from '../packages/cli/src/progress.js';
import { formatCenters, formatLabels } from '../packages/cli/src/write.js';
import { float64Bytes, npyBytes, parseSvg } from './cli-helpers.js';

const npyFixture = (name: string): Uint8Array => readFileSync(new URL(`./fixtures/npy/${name}`, import.meta.url));
const { small, ints } = JSON.parse(readFileSync(new URL('./fixtures/npy/small.json', import.meta.url), 'utf8')) as {
  small: number[][];
  ints: number[][];
};

function expectCliError(work: () => unknown, ...parts: (string | RegExp)[]): void {
  let caught: unknown;
  try {
    work();
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected a CliError').toBeInstanceOf(CliError);
  for (const part of parts) expect((caught as Error).message).toMatch(part);
}

describe('.npy reader, files written by numpy.save (scripts/fixtures/npy.py)', () => {
  it('reads float64 C-order exactly: clusters.npy equals clusters.csv', () => {
    const npy = parseNpy(npyFixture('clusters.npy'), 'clusters.npy');
    const csv = parseCsv(readFileSync(new URL('./fixtures/npy/clusters.csv', import.meta.url), 'utf8'), 'clusters.csv');
    expect([npy.nRows, npy.nCols]).toEqual([300, 2]);
    expect(npy.data).toBeInstanceOf(Float64Array);
    expect(Array.from(npy.data)).toEqual(Array.from(csv.data));
    expect(csv.columns).toEqual(['x', 'y']);
  });

  it.each([
    ['v2.npy', (v: number) => v],
    ['f8-big-endian.npy', (v: number) => v],
    ['f4.npy', Math.fround],
  ])('%s', (file, expected) => {
    const m = parseNpy(npyFixture(file), file);
    expect([m.nRows, m.nCols]).toEqual([12, 2]);
    expect(Array.from(m.data)).toEqual(small.flat().map(expected));
    if (file === 'f4.npy') expect(m.data).toBeInstanceOf(Float32Array);
  });

  it.each(['i8.npy', 'i4.npy', 'u1.npy'])('integers: %s', (file) => {
    const m = parseNpy(npyFixture(file), file);
    expect(Array.from(m.data)).toEqual(ints.flat());
  });

  it('float16 and 1-D (one feature)', () => {
    const half = parseNpy(npyFixture('f2.npy'), 'f2.npy');
    half.data.forEach((v, i) => expect(Math.abs(v - small.flat()[i]!)).toBeLessThan(5e-3));
    const column = parseNpy(npyFixture('1d.npy'), '1d.npy');
    expect([column.nRows, column.nCols]).toEqual([12, 1]);
    expect(Array.from(column.data)).toEqual(small.map((r) => r[0]));
  });

  it.each([
    ['fortran.npy', /Fortran-order/, /ascontiguousarray/],
    ['complex.npy', /unsupported \.npy dtype '<c16' \(complex numbers\)/, /astype/],
    ['strings.npy', /unsupported \.npy dtype '<U1' \(strings\)/],
    ['structured.npy', /unsupported \.npy dtype \[\('x', '<f8'\), \('y', '<f8'\)\]/, /structured/],
    ['3d.npy', /1-D or 2-D/, /\(2, 2, 2\)/],
  ])('refuses %s and says why', (file, ...messages) => {
    expectCliError(() => parseNpy(npyFixture(file), file), file, ...messages);
  });
});

describe('.npy reader, hand-made files', () => {
  const values = [1.5, -2, 3.25, 4, 5, 6];

  it('reads any header alignment, versions 1 to 3, and Python 2 shapes', () => {
    for (const align of [1, 16, 64]) {
      for (const version of [1, 2, 3] as const) {
        const m = parseNpy(npyBytes('<f8', [3, 2], float64Bytes(values), { version, align }), 'x.npy');
        expect([m.nRows, m.nCols, Array.from(m.data)]).toEqual([3, 2, values]);
      }
    }
    const bytes = npyBytes('<f8', [3, 2], float64Bytes(values));
    const text = new TextDecoder('latin1').decode(bytes).replace('(3, 2)', '(3L,2L)');
    const m = parseNpy(Uint8Array.from(text, (c) => c.charCodeAt(0)), 'py2.npy');
    expect([m.nRows, m.nCols]).toEqual([3, 2]);
  });

  it('reads big-endian and bool', () => {
    expect(Array.from(parseNpy(npyBytes('>f8', [6], float64Bytes(values, false)), 'b.npy').data)).toEqual(values);
    expect(Array.from(parseNpy(npyBytes('|b1', [2, 2], Uint8Array.from([1, 0, 0, 1])), 'b.npy').data)).toEqual([1, 0, 0, 1]);
  });

  it('names the problem with a bad file', () => {
    expectCliError(() => parseNpy(new TextEncoder().encode('x,y\n1,2\n'), 'a.npy'), 'a.npy', /not a valid \.npy file/, /numpy\.save/);
    expectCliError(() => parseNpy(npyBytes('<f8', [3, 2], float64Bytes(values.slice(0, 5))), 't.npy'), /truncated/, /48 bytes/);
    const v9 = npyBytes('<f8', [3, 2], float64Bytes(values));
    v9[6] = 9;
    expectCliError(() => parseNpy(v9, 'v9.npy'), /version 9\.0 is not supported/);
    expectCliError(() => parseNpy(npyBytes('<f16', [1], new Uint8Array(16)), 'l.npy'), /'<f16' \(extended precision float\)/);
    expectCliError(() => parseNpy(npyBytes('|O', [1], new Uint8Array(8)), 'o.npy'), /'\|O' \(Python objects\)/);
    expectCliError(() => parseNpy(npyBytes('<M8[ns]', [1], new Uint8Array(8)), 'd.npy'), /dates\/times/);
  });
});

describe('CSV reader', () => {
  it('detects the header, the delimiter, comments, BOM and CRLF', () => {
    expect(parseCsv('x,y\n1,2\n3,4\n', 'a.csv')).toMatchObject({ nRows: 2, nCols: 2, columns: ['x', 'y'] });
    expect(parseCsv('1,2\n3,4\n', 'a.csv')).toMatchObject({ nRows: 2, columns: null });
    const tsv = parseCsv('\uFEFFa\tb\r\n1\t2\r\n\r\n3\t4\r\n', 'a.tsv');
    expect([tsv.columns, Array.from(tsv.data)]).toEqual([['a', 'b'], [1, 2, 3, 4]]);
    expect(Array.from(parseCsv('# x;y\n1;2\n-3.5e1;.5\n', 'a.csv').data)).toEqual([1, 2, -35, 0.5]);
    // numpy.savetxt's defaults: space-separated, '%.18e'.
    const saved = parseCsv('1.000000000000000000e+00 2.500000000000000000e+00\n', 'a.txt');
    expect([saved.nCols, Array.from(saved.data)]).toEqual([2, [1, 2.5]]);
    expect(parseCsv(' 1 , 2 \n', 'a.csv').data[1]).toBe(2);
    expect(sniffDelimiter('a\tb,c\tdd\n', 'x.csv')).toBe('\t');
    expect(sniffDelimiter('1,2', 'x.tab')).toBe('\t');
  });

  it('names the line and column of a bad cell', () => {
    expectCliError(() => parseCsv('x,y\n1,2\n3,abc\n', 'd.csv'), "d.csv: line 3, column 1 (y) is 'abc', not a number");
    expectCliError(() => parseCsv('1,2\n\n# note\n3,\n', 'd.csv'), 'd.csv: line 4, column 1 is empty');
    expectCliError(() => parseCsv('1,2\n3,NaN\n', 'd.csv'), "line 2, column 1 is 'NaN'");
    expectCliError(() => parseCsv('1,2\n3,4,5\n', 'd.csv'), 'd.csv: line 2 has 3 columns, but the first line has 2');
    expectCliError(() => parseCsv('1,"2\n3,4\n', 'd.csv'), /quote .* never closed/);
    expectCliError(() => parseCsv('', 'e.csv'), 'e.csv: no data');
    expectCliError(() => parseCsv('x,y\n', 'h.csv'), 'no data rows after the header');
  });
});

describe('JSON reader', () => {
  it('reads rows, a flat column, and {data, shape}', () => {
    expect(parseJson('[[1,2],[3,4]]', 'a.json')).toMatchObject({ nRows: 2, nCols: 2 });
    expect(parseJson('[1,2,3]', 'a.json')).toMatchObject({ nRows: 3, nCols: 1 });
    const dense = parseJson('{"data":[1,2,3,4,5,6],"shape":[3,2]}', 'a.json');
    expect([dense.nRows, dense.nCols, Array.from(dense.data)]).toEqual([3, 2, [1, 2, 3, 4, 5, 6]]);
    expect(parseJson('{"data":[[1,2]]}', 'a.json')).toMatchObject({ nRows: 1, nCols: 2 });
  });

  it('names what is wrong', () => {
    expectCliError(() => parseJson('[[1,2],[3]]', 'b.json'), 'b.json: row 1 has 1 values, but row 0 has 2');
    expectCliError(() => parseJson('[[1,2],[3,"4"]]', 'b.json'), 'b.json: row 1, column 1 is the string "4", not a number');
    expectCliError(() => parseJson('{"data":[1,2,3],"shape":[2,2]}', 'b.json'), '"data" has 3 values, but "shape" [2, 2] needs 4');
    expectCliError(() => parseJson('{"data":[1,2],"shape":[2]}', 'b.json'), '"shape" must be [nSamples, nFeatures]');
    expectCliError(() => parseJson('{"x":1}', 'b.json'), 'expected an array of rows or of records, or {"data"');
    expectCliError(() => parseJson('[[1,2],', 'b.json'), 'b.json: invalid JSON');
    expectCliError(() => parseJson('[]', 'b.json'), 'no data');
  });
});

describe('writers', () => {
  it('labels and centres as CSV and JSON', () => {
    expect(formatLabels(Int32Array.from([0, 1, -1]), '.csv')).toBe('label\n0\n1\n-1\n');
    expect(formatLabels(Int32Array.from([0, 1, -1]), '.json')).toBe('[0,1,-1]\n');
    expect(formatCenters([[0.1, 2], [3, 1 / 3]], ['a', 'b,c'], '.csv')).toBe('a,"b,c"\n0.1,2\n3,0.3333333333333333\n');
    expect(JSON.parse(formatCenters([[0.1, 2]], ['a', 'b'], '.json'))).toEqual([[0.1, 2]]);
  });
});

describe('scatter plot (SVG)', () => {
  const data = [0, 0, 0.1, 0.2, 5, 5, 5.1, 4.9, 9, 1, 2, 2];
  const labels = Int32Array.from([0, 0, 1, 1, -1, 0]);
  const svg = scatterSvg({
    data,
    nCols: 2,
    dims: [0, 1],
    labels,
    centers: [
      [0.05, 0.1],
      [5.05, 4.95],
    ],
    title: 'Estimated number of clusters = 2',
    xLabel: 'a < b & c',
    yLabel: 'y',
  });

  it('is valid XML with a mark per point, a colour per cluster, grey orphans, centres, title and labels', () => {
    const parsed = parseSvg(svg);
    expect(parsed).toMatchObject({ width: 800, height: 600, title: 'Estimated number of clusters = 2', xLabel: 'a < b & c', yLabel: 'y', centers: 2 });
    expect(parsed.clusters.map((c) => [c.label, c.marks])).toEqual([
      [-1, 1],
      [0, 3],
      [1, 2],
    ]);
    const [orphans, c0, c1] = parsed.clusters;
    expect(new Set([orphans!.fill, c0!.fill, c1!.fill]).size).toBe(3);
    expect([c0!.fill, c1!.fill]).toEqual(clusterColours(2));
  });

  it('draws a large N as at most one mark per cluster and pixel', () => {
    const n = 200_000;
    const big = new Float64Array(n * 2);
    const bigLabels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      bigLabels[i] = i % 3;
      big[2 * i] = (i % 3) * 10 + Math.sin(i) * 3;
      big[2 * i + 1] = (i % 3) * 10 + Math.cos(i * 1.7) * 3;
    }
    const centers = [0, 1, 2].map((k) => [k * 10, k * 10]);
    const start = performance.now();
    const text = scatterSvg({ data: big, nCols: 2, dims: [0, 1], labels: bigLabels, centers, title: 't', xLabel: 'x', yLabel: 'y' });
    const elapsed = performance.now() - start;
    const parsed = parseSvg(text);
    const marks = parsed.clusters.reduce((s, c) => s + c.marks, 0);
    expect(parsed.clusters.map((c) => c.count)).toEqual([66_667, 66_667, 66_666]);
    expect(marks).toBeGreaterThan(1000);
    expect(marks).toBeLessThan(n / 2);
    expect(text.length).toBeLessThan(60 * marks + 20_000);
    expect(elapsed).toBeLessThan(5_000);
    expect(ONE_MARK_PER_POINT_UP_TO).toBeLessThan(n);
  });

  it('has K distinct colours for many clusters', () => {
    for (const k of [1, 3, 10, 11, 40]) expect(new Set(clusterColours(k)).size).toBe(k);
  });
});

describe('progress bar', () => {
  function fakeStream(columns = 80) {
    const writes: string[] = [];
    return { writes, stream: { isTTY: true, columns, write: (s: string) => (writes.push(s), true) } };
  }

  it('shows done/total, rate and ETA, fitted to the terminal width', () => {
    let now = 0;
    const { stream } = fakeStream();
    const bar = new ProgressBar(stream, { now: () => now });
    now = 2000;
    const line = bar.render(2500, 10_000, 80);
    expect(line).toMatch(/^fitting \[=+> +\] 2,500\/10,000 seeds {2}1,250\/s {2}ETA 6s$/);
    expect(line.length).toBeLessThanOrEqual(79);
    expect(bar.render(2500, 10_000, 30).length).toBeLessThanOrEqual(29);
    expect(bar.render(10_000, 10_000, 80)).toMatch(/\[=+\] .*ETA 0s/);
  });

  it('redraws at most every 100 ms, always the last step, and erases itself', () => {
    let now = 0;
    const { writes, stream } = fakeStream();
    const bar = new ProgressBar(stream, { now: () => now });
    bar.update(1, 100);
    now = 50;
    bar.update(2, 100);
    now = 150;
    bar.update(3, 100);
    now = 160;
    bar.update(100, 100);
    bar.done();
    expect(writes.length).toBe(4);
    expect(writes.every((w) => w.startsWith('\r'))).toBe(true);
    expect(writes[3]).toBe('\r\x1b[K');
  });

  it('formats durations', () => {
    expect([formatDuration(4.4), formatDuration(65), formatDuration(3725), formatDuration(Infinity)]).toEqual(['4s', '1m 05s', '1h 02m', '?']);
  });
});
