// The command on data files nobody here wrote (issue 14): scikit-learn's own iris.csv and
// wine_data.csv (a line of counts first, the class as the last column), and the same data
// through every input path (standard input, gzip, TSV, JSON, JSON Lines, .npy, Parquet,
// Feather, Arrow streams). Labels are scikit-learn's (scripts/fixtures/generate.py).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeanShift } from '../src/index.js';
import { CLI, float64Bytes, npyBytes, requireBuiltCli, run } from './cli-helpers.js';
import { fixture } from './helpers.js';

interface DatasetCase {
  name: string;
  file: string;
  args: string[];
  quantile: number;
  nSamples: number | null;
  standardize: boolean;
  bandwidth: number;
  nRows: number;
  nFeatures: number;
  scalerMean?: number[];
  scalerScale?: number[];
  clusterCenters: number[][];
  sizes: number[];
  labels: number[];
  nIter: number;
}

const { cases } = fixture<{ cases: DatasetCase[] }>('cli_datasets');
const data = (name: string): string => join(__dirname, 'fixtures', 'datasets', name);
const tmp = mkdtempSync(join(tmpdir(), 'fast-meanshift-data-'));
const at = (name: string): string => join(tmp, name);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const IRIS_NAMES = ['sepal length', 'sepal width', 'petal length', 'petal width'];
// iris.csv's rows, as numbers (line 1 is "150,4,setosa,versicolor,virginica").
const irisText = readFileSync(data('iris.csv'), 'utf8');
const iris = irisText.trim().split('\n').slice(1).map((line) => line.split(',').map(Number));
// The 9-cluster case is the most sensitive to the input: every other path is checked against it.
const iris9 = cases.find((c) => c.name === 'iris, quantile 0.1')!;

interface Summary {
  rows: number;
  features: string[];
  columns: number[];
  standardized: boolean;
  scaling?: { mean: number[]; scale: number[] };
  bandwidth: number;
  nClusters: number;
  clusters: { label: number; size: number; center: number[] }[];
  nIter: number;
  droppedRows: number;
  format: string;
  timeMs: Record<string, number>;
}

/** Runs `cluster INPUT ...args --json --labels L` (optionally with stdin); returns the summary and labels. */
function cluster(input: string, args: string[], stdin?: Uint8Array | string): { summary: Summary; labels: number[]; stderr: string } {
  const labelsFile = at(`labels-${Math.random().toString(36).slice(2)}.json`);
  const all = ['cluster', input, ...args, '--json', '--labels', labelsFile];
  const r = stdin === undefined ? run(all, tmp) : runWithInput(all, stdin);
  expect(r.code, `${all.join(' ')}\n${r.stderr}`).toBe(0);
  return { summary: JSON.parse(r.stdout) as Summary, labels: JSON.parse(readFileSync(labelsFile, 'utf8')) as number[], stderr: r.stderr };
}

function runWithInput(args: string[], input: Uint8Array | string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: tmp, input, encoding: 'utf8', env: { ...process.env, FAST_MEANSHIFT_DEBUG: '' }, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Exit 1, one `error:` line on stderr, nothing on stdout; returns the line. */
function oneLineError(args: string[], stdin?: string): string {
  const r = stdin === undefined ? run(args, tmp) : runWithInput(args, stdin);
  expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(1);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(r.stderr).not.toMatch(/\n\s+at |node:internal/);
  return lines[0]!;
}

beforeAll(() => requireBuiltCli());

describe("scikit-learn's iris.csv and wine_data.csv give scikit-learn's labels", () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const { summary, labels } = cluster(data(c.file), c.args);
    expect(labels).toEqual(c.labels);
    expect(summary.rows).toBe(c.nRows);
    expect(summary.features).toHaveLength(c.nFeatures);
    expect(summary.bandwidth).toBeCloseTo(c.bandwidth, 12);
    expect(summary.nClusters).toBe(c.clusterCenters.length);
    expect(summary.clusters.map((k) => k.size)).toEqual(c.sizes);
    expect(summary.nIter).toBe(c.nIter);
    expect(summary.standardized).toBe(c.standardize);
    // Centres in the input's units: 1e-6 × bandwidth in standard units, times each column's scale.
    summary.clusters.forEach((k, i) =>
      k.center.forEach((v, j) => {
        const tolerance = 1e-6 * c.bandwidth * (c.scalerScale?.[j] ?? 1);
        expect(Math.abs(v - c.clusterCenters[i]![j]!), `centre ${i}, feature ${j}`).toBeLessThanOrEqual(tolerance);
      }),
    );
    if (c.standardize) {
      // StandardScaler's mean_ and scale_.
      summary.scaling!.mean.forEach((m, j) => expect(m).toBeCloseTo(c.scalerMean![j]!, 12));
      summary.scaling!.scale.forEach((s, j) => expect(s / c.scalerScale![j]!).toBeCloseTo(1, 14));
    }
  });

  it('prints a line per cluster (size and centre) and says the features were standardized', () => {
    const wine = cases.find((c) => c.name === 'wine, standardized, quantile 0.2')!;
    const r = run(['cluster', data('wine_data.csv'), ...wine.args], tmp);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Estimated number of clusters = 6\n/);
    expect(r.stdout).toContain(`bandwidth = ${wine.bandwidth} (estimated: quantile 0.2 on all of 178 samples), on standardized features`);
    expect(r.stdout).toContain('features = columns 0-12 (13 of 14 columns), standardized');
    wine.sizes.forEach((size, i) => {
      const centre = wine.clusterCenters[i]!.map((v) => String(Number(v.toPrecision(6)))).join(', ');
      expect(r.stdout).toContain(`cluster ${i}: ${size} point${size === 1 ? '' : 's'}, centre (${centre})`);
    });
  });

  it('iris.csv as it is: the count line is read as a header, and a note says so', () => {
    const r = run(['cluster', data('iris.csv'), '--bandwidth', '1'], tmp);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('features = 150, 4, setosa, versicolor, virginica (5 of 5 columns)');
    expect(r.stderr).toBe(
      `note: ${data('iris.csv')}: line 1 (150,4,setosa,versicolor,virginica) is read as the header, but 2 of its 5 cells are numbers; if it is not a header, pass --no-header, or --skip-rows 1 to skip it\n`,
    );
  });

  it('wine_data.csv as it is: one line that says to skip the count line', () => {
    expect(oneLineError(['cluster', data('wine_data.csv')])).toBe(
      `error: ${data('wine_data.csv')}: line 2 has 14 columns, but line 1 (the header) has 5; if line 1 is not part of the table, skip it with --skip-rows 1`,
    );
  });
});

describe('every input path gives the same labels as iris.csv', () => {
  const args = ['--columns', '0-3', '--quantile', '0.1'];
  const byName = ['--columns', IRIS_NAMES.join(','), '--quantile', '0.1'];
  const expectIris = (input: string, extra: string[], stdin?: Uint8Array | string): Summary => {
    const { labels, summary } = cluster(input, extra, stdin);
    expect(labels).toEqual(iris9.labels);
    expect(summary.bandwidth).toBeCloseTo(iris9.bandwidth, 12);
    return summary;
  };

  it('standard input (-), as CSV and gzip-compressed', () => {
    expectIris('-', iris9.args, irisText);
    expectIris('-', iris9.args, gzipSync(irisText));
  });

  it('.csv.gz and a gzip file without .gz', () => {
    writeFileSync(at('iris.csv.gz'), gzipSync(irisText));
    expectIris('iris.csv.gz', iris9.args);
    writeFileSync(at('iris-gzipped.csv'), gzipSync(irisText));
    expectIris('iris-gzipped.csv', iris9.args);
  });

  it('TSV, semicolons with --delimiter, comments with --comment, CRLF, a header by name', () => {
    writeFileSync(at('iris.tsv'), `${IRIS_NAMES.join('\t')}\tclass\n${iris.map((r) => r.join('\t')).join('\n')}\n`);
    expectIris('iris.tsv', byName);
    writeFileSync(at('iris.txt'), `% measured in cm\r\n${iris.map((r) => r.join(';')).join('\r\n')}\r\n`);
    expectIris('iris.txt', ['--delimiter', ';', '--comment', '%', ...args]);
  });

  it('quoted CSV: a quoted name with a comma and a line break, numbers in quotes', () => {
    const lines = iris.map((r, i) => `${i % 2 ? `"${r[0]}"` : r[0]},${r.slice(1, 4).join(',')},"class ${r[4]}, ""${i}""${i === 5 ? '\nsecond line' : ''}"`);
    writeFileSync(at('quoted.csv'), `${[...IRIS_NAMES, 'note'].join(',')}\n${lines.join('\n')}\n`);
    expectIris('quoted.csv', ['--columns', '0-3', '--quantile', '0.1']);
  });

  it('JSON: rows, records and {data, shape}', () => {
    writeFileSync(at('rows.json'), JSON.stringify(iris));
    expectIris('rows.json', args);
    const records = iris.map((r) => Object.fromEntries([...IRIS_NAMES.map((n, j) => [n, r[j]]), ['class', r[4]]]));
    writeFileSync(at('records.json'), JSON.stringify(records));
    expectIris('records.json', ['--columns', 'sepal length-petal width', '--quantile', '0.1']);
    writeFileSync(at('dense.json'), JSON.stringify({ data: iris.flat(), shape: [150, 5] }));
    expectIris('dense.json', args);
  });

  it('JSON Lines: rows and records (fast path and JSON.parse path), from a file, gzip and standard input', () => {
    writeFileSync(at('rows.jsonl'), `${iris.map((r) => JSON.stringify(r)).join('\n')}\n`);
    expectIris('rows.jsonl', args);
    const records = iris.map((r) => JSON.stringify({ ...Object.fromEntries(IRIS_NAMES.map((n, j) => [n, r[j]])), class: r[4] }));
    writeFileSync(at('records.jsonl'), `${records.join('\n')}\n`);
    expectIris('records.jsonl', byName);
    writeFileSync(at('records.jsonl.gz'), gzipSync(`${records.join('\n')}\n`));
    expectIris('records.jsonl.gz', byName);
    expectIris('-', byName, `${records.join('\n')}\n`);
    // Keys in another order, spaces, a string value in another column: not the fast path.
    const odd = iris.map((r) => JSON.stringify({ species: `s${r[4]}`, ...Object.fromEntries([...IRIS_NAMES].reverse().map((n) => [n, r[IRIS_NAMES.indexOf(n)]])) }, null, 1).replace(/\n/g, ''));
    writeFileSync(at('odd.jsonl'), `${odd.join('\n')}\n`);
    expectIris('odd.jsonl', byName);
  });

  it('.npy (numpy.save) with --columns', () => {
    writeFileSync(at('iris.npy'), npyBytes('<f8', [150, 5], float64Bytes(iris.flat())));
    expectIris('iris.npy', args);
  });

  it.each(['iris.parquet', 'iris-zstd.parquet', 'iris.feather', 'iris-zstd.feather', 'iris.arrows'])('%s (pyarrow), by index and by name', (file) => {
    const summary = expectIris(data(file), args);
    expect(summary.features).toEqual(IRIS_NAMES);
    expectIris(data(file), ['--columns', 'sepal length-petal width', '--quantile', '0.1']);
  });

  it('Parquet and Arrow on standard input (sniffed from their first bytes) and with --format', () => {
    expectIris('-', args, readFileSync(data('iris.parquet')));
    expectIris('-', args, readFileSync(data('iris.feather')));
    expectIris('-', ['--format', 'arrow', ...args], readFileSync(data('iris.arrows')));
    writeFileSync(at('iris.data'), readFileSync(data('iris.parquet')));
    expectIris('iris.data', ['--format', 'parquet', ...args]);
  });

  it('the int64 column of a Parquet file is read as numbers', () => {
    const { summary } = cluster(data('iris.parquet'), ['--columns', 'target', '--bandwidth', '0.5']);
    // Equal sizes: scikit-learn orders the modes by (size, position) descending.
    expect(summary.clusters.map((k) => [k.center[0], k.size])).toEqual([
      [2, 50],
      [1, 50],
      [0, 50],
    ]);
  });
});

describe('--drop-invalid', () => {
  const bad = new Map([
    [3, 'NA'],
    [17, ''],
    [60, 'abc'],
  ]);
  // Line numbers are 1-based and line 1 is a header: data row i is on line i + 2.
  const text = `${IRIS_NAMES.join(',')},class\n${iris.map((r, i) => (bad.has(i) ? [r[0], bad.get(i), ...r.slice(2)] : r).join(',')).join('\n')}\n`;
  const keptRows = iris.map((r, i) => [i, r] as const).filter(([i]) => !bad.has(i));
  const reference = new MeanShift({ bandwidth: 0.6 }).fit(keptRows.map(([, r]) => r.slice(0, 4)));

  it('without it, the first bad value is an error naming its line and column', () => {
    writeFileSync(at('holes.csv'), text);
    expect(oneLineError(['cluster', 'holes.csv', '--columns', '0-3'])).toBe("error: holes.csv: line 5, column 1 (sepal width) is 'NA', not a number");
    // Not chosen, not checked.
    expect(run(['cluster', 'holes.csv', '--columns', '0,2,3', '--bandwidth', '1'], tmp).code).toBe(0);
  });

  it('with it, bad rows are counted on stderr and labels carry their line numbers', () => {
    writeFileSync(at('holes.csv'), text);
    const r = run(['cluster', 'holes.csv', '--columns', '0-3', '--drop-invalid', '--bandwidth', '0.6', '--labels', 'holes-labels.csv'], tmp);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("note: holes.csv: dropped 3 rows with a missing or non-numeric value (the first: line 5, column 1 (sepal width) is 'NA', not a number); 147 kept\n");
    const lines = readFileSync(at('holes-labels.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('line,label');
    expect(lines.slice(1)).toEqual(keptRows.map(([i], k) => `${i + 2},${reference.labels[k]}`));
  });

  it('JSON Lines records with null and missing values; --output keeps only the kept rows', () => {
    const records = iris.map((r, i) => {
      const o: Record<string, unknown> = Object.fromEntries(IRIS_NAMES.map((n, j) => [n, r[j]]));
      if (i === 3) o['sepal width'] = null;
      if (i === 17) delete o['sepal width'];
      if (i === 60) o['sepal width'] = 'abc';
      return JSON.stringify(o);
    });
    writeFileSync(at('holes.jsonl'), `${records.join('\n')}\n`);
    expect(oneLineError(['cluster', 'holes.jsonl'])).toBe('error: holes.jsonl: line 4, column 1 (sepal width) is null, not a number');
    const r = run(['cluster', 'holes.jsonl', '--drop-invalid', '--bandwidth', '0.6', '--labels', 'jl.json', '--output', 'jl-out.jsonl'], tmp);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^note: holes\.jsonl: dropped 3 rows .*; 147 kept\n$/);
    const labels = JSON.parse(readFileSync(at('jl.json'), 'utf8')) as { line: number; label: number }[];
    expect(labels).toEqual(keptRows.map(([i], k) => ({ line: i + 1, label: reference.labels[k] })));
    const out = readFileSync(at('jl-out.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
    expect(out).toEqual(keptRows.map(([, row], k) => ({ ...Object.fromEntries(IRIS_NAMES.map((n, j) => [n, row[j]])), label: reference.labels[k] })));
  });

  it('Parquet nulls: an error naming the row, or dropped', () => {
    expect(oneLineError(['cluster', data('iris-nulls.parquet'), '--columns', '0-3'])).toBe(
      `error: ${data('iris-nulls.parquet')}: row 7, column 0 (sepal length) is null, not a number`,
    );
    const kept = iris.map((r, i) => [i, r] as const).filter(([i]) => ![7, 70, 140].includes(i));
    const expected = new MeanShift({ bandwidth: 0.6 }).fit(kept.map(([, r]) => r.slice(0, 4)));
    const r = run(['cluster', data('iris-nulls.parquet'), '--columns', '0-3', '--drop-invalid', '--bandwidth', '0.6', '--labels', 'pq.csv', '--quiet'], tmp);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(readFileSync(at('pq.csv'), 'utf8')).toBe(`row,label\n${kept.map(([i], k) => `${i},${expected.labels[k]}`).join('\n')}\n`);
  });
});

describe('--output: the input rows as read, with a label column', () => {
  const labelsOf = (file: string): number[] => JSON.parse(readFileSync(at(file), 'utf8')) as number[];

  it('CSV in, CSV out: every column of every row as written, then the label', () => {
    const r = run(['cluster', data('iris.csv'), ...iris9.args, '--output', 'iris-out.csv'], tmp);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('rows with their labels written to iris-out.csv');
    const expected = irisText.trim().split('\n').slice(1).map((line, i) => `${line},${iris9.labels[i]}`);
    expect(readFileSync(at('iris-out.csv'), 'utf8')).toBe(`${expected.join('\n')}\n`);
  });

  it('Parquet in, JSON Lines and TSV out: named columns, strings and int64 kept', () => {
    const r = run(['cluster', data('iris.parquet'), '--columns', '0-3', '--quantile', '0.1', '--output', 'pq.jsonl', '--labels', 'pq-labels.json'], tmp);
    expect(r.code, r.stderr).toBe(0);
    const rows = readFileSync(at('pq.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toHaveLength(150);
    expect(rows[0]).toEqual({ 'sepal length': 5.1, 'sepal width': 3.5, 'petal length': 1.4, 'petal width': 0.2, target: 0, species: 'setosa', label: iris9.labels[0] });
    expect(rows.map((row) => row.label)).toEqual(labelsOf('pq-labels.json'));
    run(['cluster', data('iris.feather'), '--columns', '0-3', '--quantile', '0.1', '--output', 'feather.tsv'], tmp);
    const tsv = readFileSync(at('feather.tsv'), 'utf8').trim().split('\n');
    expect(tsv[0]).toBe('sepal length\tsepal width\tpetal length\tpetal width\ttarget\tspecies\tlabel');
    expect(tsv[150]).toBe(`5.9\t3\t5.1\t1.8\t2\tvirginica\t${iris9.labels[149]}`);
  });

  it('standard input is kept for the second pass; a header named label gets another name', () => {
    const text = `x,label\n${iris.map((r) => `${r[0]},${r[4]}`).join('\n')}\n`;
    const r = runWithInput(['cluster', '-', '--columns', 'x', '--bandwidth', '0.3', '--output', 'stdin-out.csv', '--labels', 'stdin-labels.json'], text);
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(at('stdin-out.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('x,label,label_');
    const labels = labelsOf('stdin-labels.json');
    expect(lines.slice(1)).toEqual(iris.map((r, i) => `${r[0]},${r[4]},${labels[i]}`));
  });
});

describe('errors: one line, exit 1', () => {
  it('a --columns name not in the header lists the names; an index out of range says how many columns there are', () => {
    writeFileSync(at('named.csv'), `${IRIS_NAMES.join(',')},class\n${iris.map((r) => r.join(',')).join('\n')}\n`);
    expect(oneLineError(['cluster', 'named.csv', '--columns', 'petal'])).toBe(
      "error: --columns petal: named.csv has no column 'petal'; its columns are: sepal length, sepal width, petal length, petal width, class",
    );
    expect(oneLineError(['cluster', 'named.csv', '--columns', '0-7'])).toBe('error: --columns 0-7: named.csv has 5 columns, numbered 0 to 4; there is no column 7');
    expect(oneLineError(['cluster', data('iris.csv'), '--skip-rows', '1', '--columns', 'x'])).toBe(
      `error: --columns x: ${data('iris.csv')} has no column names (no header), so choose columns by index, from 0 to 4`,
    );
    expect(oneLineError(['cluster', 'named.csv', '--columns', '3-1'])).toMatch(/the range 3-1 runs backwards/);
    expect(oneLineError(['cluster', 'named.csv', '--columns', '0,0'])).toBe('error: --columns 0,0: column 0 (sepal length) is chosen twice');
    expect(oneLineError(['cluster', data('iris.parquet'), '--columns', 'species'])).toBe(
      `error: ${data('iris.parquet')}: column 5 (species) holds strings, not numbers; choose numeric columns with --columns`,
    );
  });

  it('unreadable Parquet, Arrow and gzip files say so', () => {
    writeFileSync(at('bad.parquet'), 'not parquet at all');
    expect(oneLineError(['cluster', 'bad.parquet'])).toMatch(/^error: bad\.parquet: not a readable Parquet file \(.+\)$/);
    writeFileSync(at('cut.parquet'), readFileSync(data('iris.parquet')).subarray(0, 1500));
    expect(oneLineError(['cluster', 'cut.parquet'])).toMatch(/^error: cut\.parquet: not a readable Parquet file/);
    writeFileSync(at('bad.feather'), 'FEA1 and then nothing');
    expect(oneLineError(['cluster', 'bad.feather'])).toMatch(/^error: bad\.feather: not a readable Arrow IPC \/ Feather file \(Feather version 1; .*write_feather/);
    writeFileSync(at('bad.csv.gz'), Buffer.concat([gzipSync(irisText).subarray(0, 300)]));
    expect(oneLineError(['cluster', 'bad.csv.gz', '--skip-rows', '1'])).toMatch(/^error: bad\.csv\.gz: not valid gzip data/);
  });

  it('options that do not fit the input or are malformed', () => {
    expect(oneLineError(['cluster', data('iris.parquet'), '--no-header'])).toBe(`error: --header/--no-header applies to CSV/TSV input, and ${data('iris.parquet')} is PARQUET`);
    expect(oneLineError(['cluster', data('iris.csv'), '--delimiter', '::'])).toMatch(/--delimiter '::': it must be one ASCII character/);
    expect(oneLineError(['cluster', data('iris.csv'), '--format', 'xlsx'])).toMatch(/option '--format <F>' argument 'xlsx' is invalid/);
    expect(oneLineError(['cluster', data('iris.csv'), '--skip-rows', '-1'])).toMatch(/--skip-rows/);
    expect(oneLineError(['cluster', data('iris.csv'), '--output', 'out.xlsx'])).toBe("error: --output out.xlsx: unsupported file type '.xlsx'; use .csv or .tsv or .jsonl");
    expect(oneLineError(['cluster', data('iris.csv'), '--skip-rows', '500'])).toMatch(/no data \(the file is empty after skipping 500 lines\)/);
    expect(oneLineError(['cluster', '-'], '')).toBe('error: standard input: no data (the file is empty)');
    writeFileSync(at('open.csv'), 'x,y\n1,"2\n3,4\n');
    expect(oneLineError(['cluster', 'open.csv'])).toBe('error: open.csv: a quote opened on line 2 is never closed');
    writeFileSync(at('bad.jsonl'), '[1,2]\n[3,4\n');
    expect(oneLineError(['cluster', 'bad.jsonl'])).toMatch(/^error: bad\.jsonl: line 2 is not valid JSON/);
  });
});

// The walk-through runs head, cut, sort and uniq through sh: not on Windows.
it.skipIf(process.platform === 'win32')("README's command-line examples and docs/iris.svg are what the commands print and draw (times aside)", () => {
  const r = spawnSync(process.execPath, [join(__dirname, '..', 'scripts', 'readme-own-data.mjs'), '--check'], { encoding: 'utf8', timeout: 120_000 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
});

it('--help documents the new options', () => {
  const help = run(['cluster', '--help'], tmp).stdout;
  for (const option of ['--columns', '--skip-rows', '--header', '--no-header', '--delimiter', '--comment', '--drop-invalid', '--format', '--standardize', '--output', '--json']) {
    expect(help).toContain(option);
  }
});
