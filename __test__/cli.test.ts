// The `fast-meanshift` command end to end: the real binary (packages/cli/dist/cli.js) on temporary files.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeanShift, estimateBandwidth, makeBlobs } from '../src/index.js';
import { CLI, CLI_PACKAGE, ROOT, float64Bytes, npyBytes, parseSvg, pngSize, requireBuiltCli, run } from './cli-helpers.js';
import { tutorialBlobs } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'fast-meanshift-cli-'));
const at = (name: string): string => join(tmp, name);
const fixture = (name: string): string => join(ROOT, '__test__', 'fixtures', 'npy', name);

// 600 points in 3 blobs, like the tutorial; the library's own answer is the reference.
const X = tutorialBlobs(600);
const BANDWIDTH = 0.8;
const reference = new MeanShift({ bandwidth: BANDWIDTH }).fit(X);
const expectedLabels = Array.from(reference.labels);

beforeAll(() => {
  requireBuiltCli();
  writeFileSync(at('blobs.csv'), `temperature yesterday,temperature today\n${X.map((r) => r.join(',')).join('\n')}\n`);
  writeFileSync(at('blobs-noheader.csv'), `${X.map((r) => r.join(',')).join('\r\n')}\r\n`);
  writeFileSync(at('blobs.tsv'), `a\tb\n${X.map((r) => r.join('\t')).join('\n')}\n`);
  writeFileSync(at('blobs.json'), JSON.stringify(X));
  writeFileSync(at('blobs-dense.json'), JSON.stringify({ data: X.flat(), shape: [X.length, 2] }));
  writeFileSync(at('blobs.npy'), npyBytes('<f8', [X.length, 2], float64Bytes(X.flat())));
  writeFileSync(at('blobs-3d.csv'), X.map((r, i) => [r[0], (i % 7) / 7, r[1]].join(',')).join('\n'));
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Exit code 1, exactly one line on stderr starting with `error:`, no stack trace, nothing on stdout. */
function expectOneLineError(args: string[], ...parts: (string | RegExp)[]): string {
  const r = run(args, tmp);
  expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(1);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(r.stderr).not.toMatch(/\n\s+at |node:internal|Error:/);
  for (const part of parts) expect(lines[0]).toMatch(part);
  return lines[0]!;
}

describe('cluster: each input format gives the library’s labels', () => {
  it.each(['blobs.csv', 'blobs-noheader.csv', 'blobs.tsv', 'blobs.json', 'blobs-dense.json', 'blobs.npy'])('%s', (file) => {
    const out = `${file}.labels.json`;
    const r = run(['cluster', file, '--bandwidth', String(BANDWIDTH), '--labels', out], tmp);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Estimated number of clusters = 3\n/);
    expect(r.stdout).toContain(`bandwidth = ${BANDWIDTH} (given)`);
    expect(r.stdout).toMatch(/time = [\d.]+ m?s for 600 points × 2 features/);
    expect(JSON.parse(readFileSync(at(out), 'utf8'))).toEqual(expectedLabels);
  });

  it('clusters.npy from numpy.save (the tutorial’s file) and its CSV twin agree', () => {
    copyFileSync(fixture('clusters.npy'), at('clusters.npy'));
    const a = run(['cluster', 'clusters.npy', '--quantile', '0.2', '--labels', 'npy-labels.csv'], tmp);
    const b = run(['cluster', fixture('clusters.csv'), '--quantile', '0.2', '--labels', 'csv-labels.csv'], tmp);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(a.stdout).toMatch(/^Estimated number of clusters = 3\n/);
    expect(a.stdout).toMatch(/bandwidth = [\d.]+ \(estimated: quantile 0\.2 on all of 300 samples\)/);
    expect(readFileSync(at('npy-labels.csv'), 'utf8')).toBe(readFileSync(at('csv-labels.csv'), 'utf8'));
  });

  it('estimates the bandwidth as the tutorial does (--quantile --n-samples)', () => {
    const r = run(['cluster', 'blobs.npy', '--quantile', '0.2', '--n-samples', '500'], tmp);
    const expected = estimateBandwidth(X, { quantile: 0.2, nSamples: 500 });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`bandwidth = ${expected} (estimated: quantile 0.2 on 500 of 600 samples)`);
  });

  it('passes --bin-seeding, --min-bin-freq, --no-cluster-all, --max-iter and --jobs through', () => {
    const options = { bandwidth: 0.5, binSeeding: true, minBinFreq: 3, clusterAll: false, maxIter: 50, nJobs: 1 };
    const lib = new MeanShift(options).fit(X);
    const r = run(
      ['cluster', 'blobs.csv', '--bandwidth', '0.5', '--bin-seeding', '--min-bin-freq', '3', '--no-cluster-all', '--max-iter', '50', '--jobs', '1', '--labels', 'opts.csv', '--centers', 'opts-centers.json'],
      tmp,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Estimated number of clusters = ${lib.clusterCenters.length}`);
    const labels = readFileSync(at('opts.csv'), 'utf8').trim().split('\n');
    expect(labels[0]).toBe('label');
    expect(labels.slice(1).map(Number)).toEqual(Array.from(lib.labels));
    expect(JSON.parse(readFileSync(at('opts-centers.json'), 'utf8'))).toEqual(lib.clusterCenters);
    const orphans = Array.from(lib.labels).filter((l) => l === -1).length;
    if (orphans > 0) expect(r.stdout).toContain(`orphans (label -1) = ${orphans}`);
  });

  it('passes --cluster-assignment through', () => {
    for (const [flag, clusterAssignment] of [['attractor', 'attractor'], ['nearest-centroid', 'nearestCentroid']] as const) {
      const lib = new MeanShift({ bandwidth: 0.5, clusterAssignment }).fit(X);
      const r = run(['cluster', 'blobs.csv', '--bandwidth', '0.5', '--cluster-assignment', flag, '--labels', `assign-${flag}.csv`], tmp);
      expect(r.code, r.stderr).toBe(0);
      const labels = readFileSync(at(`assign-${flag}.csv`), 'utf8').trim().split('\n');
      expect(labels.slice(1).map(Number)).toEqual(Array.from(lib.labels));
    }
    const bad = run(['cluster', 'blobs.csv', '--cluster-assignment', 'nearest'], tmp);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('Allowed choices are nearest-centroid, attractor.');
  });
});

describe('cluster: outputs', () => {
  it('writes labels (CSV, JSON) and centres (CSV with the header’s names, JSON)', () => {
    const r = run(['cluster', 'blobs.csv', '--bandwidth', '0.8', '--labels', 'l.csv', '--centers', 'c.csv'], tmp);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('labels written to l.csv');
    expect(r.stdout).toContain('centres written to c.csv');
    expect(readFileSync(at('l.csv'), 'utf8')).toBe(`label\n${expectedLabels.join('\n')}\n`);
    const [header, ...rows] = readFileSync(at('c.csv'), 'utf8').trim().split('\n');
    expect(header).toBe('temperature yesterday,temperature today');
    expect(rows.map((row) => row.split(',').map(Number))).toEqual(reference.clusterCenters);
    run(['cluster', 'blobs.npy', '--bandwidth', '0.8', '--centers', 'c.json'], tmp);
    expect(JSON.parse(readFileSync(at('c.json'), 'utf8'))).toEqual(reference.clusterCenters);
    run(['cluster', 'blobs.npy', '--bandwidth', '0.8', '--centers', 'c2.csv'], tmp);
    expect(readFileSync(at('c2.csv'), 'utf8').split('\n')[0]).toBe('x0,x1');
  });

  it('writes an SVG scatter plot: one mark per point, K colours, centres, title and the header’s axis names', () => {
    const r = run(['cluster', 'blobs.csv', '--bandwidth', '0.8', '--plot', 'plot.svg'], tmp);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('plot written to plot.svg');
    const svg = parseSvg(readFileSync(at('plot.svg'), 'utf8'));
    expect(svg.title).toBe('Estimated number of clusters = 3');
    expect([svg.xLabel, svg.yLabel]).toEqual(['temperature yesterday', 'temperature today']);
    expect(svg.clusters.map((c) => c.label)).toEqual([0, 1, 2]);
    expect(svg.clusters.reduce((s, c) => s + c.marks, 0)).toBe(600);
    for (const c of svg.clusters) expect(c.marks).toBe(expectedLabels.filter((l) => l === c.label).length);
    expect(new Set(svg.clusters.map((c) => c.fill)).size).toBe(3);
    expect(svg.centers).toBe(3);
  });

  it('writes a PNG', () => {
    const r = run(['cluster', 'blobs.json', '--bandwidth', '0.8', '--plot', 'plot.png'], tmp);
    expect(r.code, r.stderr).toBe(0);
    const png = readFileSync(at('plot.png'));
    expect(pngSize(png)).toEqual({ width: 800, height: 600 });
    expect(png.length).toBeGreaterThan(10_000);
  });

  it('plots the features --dims picks when there are more than 2', () => {
    const r = run(['cluster', 'blobs-3d.csv', '--bandwidth', '1.2', '--plot', 'dims.svg', '--dims', '2,0'], tmp);
    expect(r.code, r.stderr).toBe(0);
    const svg = parseSvg(readFileSync(at('dims.svg'), 'utf8'));
    expect([svg.xLabel, svg.yLabel]).toEqual(['column 2', 'column 0']);
    expect(svg.clusters.reduce((s, c) => s + c.marks, 0)).toBe(600);
  });
});

describe('demo', () => {
  it('runs the tutorial, prints the cluster count and the time, and writes the figure (SVG)', () => {
    const r = run(['demo', '--plot', 'demo.svg'], tmp);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Estimated number of clusters = 3\n/);
    expect(r.stdout).toMatch(/fit time = [\d.]+ m?s for 10000 points/);
    expect(r.stdout).toContain('predict([[0, 0], [5, 5]]) = [2, 1]');
    const svg = parseSvg(readFileSync(at('demo.svg'), 'utf8'));
    expect(svg.title).toBe('Estimated number of clusters = 3');
    expect([svg.xLabel, svg.yLabel]).toEqual(['Temperature yesterday', 'Temperature today']);
    expect(svg.clusters.reduce((s, c) => s + c.marks, 0)).toBe(10_000);
    expect(new Set(svg.clusters.map((c) => c.fill)).size).toBe(3);
    expect(svg.centers).toBe(3);
    // The README's picture is this figure (regenerate: node packages/cli/dist/cli.js demo --plot docs/demo.svg).
    expect(readFileSync(join(ROOT, 'docs', 'demo.svg'), 'utf8')).toBe(readFileSync(at('demo.svg'), 'utf8'));
  });

  it('--samples and a PNG', () => {
    const r = run(['demo', '--samples', '1500', '--plot', 'demo.png'], tmp);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Estimated number of clusters = 3\n/);
    expect(r.stdout).toContain('for 1500 points');
    expect(pngSize(readFileSync(at('demo.png')))).toEqual({ width: 800, height: 600 });
  });
});

describe('help, version', () => {
  it('--help lists the commands and options', () => {
    const top = run(['--help'], tmp);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/demo/);
    expect(top.stdout).toMatch(/cluster/);
    const cluster = run(['cluster', '--help'], tmp);
    for (const option of ['--bandwidth', '--quantile', '--n-samples', '--bin-seeding', '--min-bin-freq', '--no-cluster-all', '--cluster-assignment', '--max-iter', '--jobs', '--labels', '--centers', '--plot', '--dims', '--quiet']) {
      expect(cluster.stdout).toContain(option);
    }
    expect(run(['demo', '--help'], tmp).stdout).toContain('--samples');
  });

  it('--version prints its package.json’s version, which is the library’s (versions in lock-step)', () => {
    const { version } = JSON.parse(readFileSync(join(CLI_PACKAGE, 'package.json'), 'utf8')) as { version: string };
    const library = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(version).toBe(library.version);
    const r = run(['--version'], tmp);
    expect([r.code, r.stdout.trim()]).toEqual([0, version]);
  });
});

describe('errors: exit 1, one line, no stack trace', () => {
  it('a missing file names the file', () => {
    expectOneLineError(['cluster', 'nope.csv'], 'nope.csv: no such file');
    expectOneLineError(['cluster', 'nope.npy', '--bandwidth', '1'], 'nope.npy');
  });

  it('a bad CSV cell names the line and column', () => {
    writeFileSync(at('bad.csv'), 'x,y\n1,2\n3,4\n5,oops\n');
    expectOneLineError(['cluster', 'bad.csv'], "bad.csv: line 4, column 1 (y) is 'oops', not a number");
    writeFileSync(at('ragged.csv'), '1,2\n3,4\n5\n');
    expectOneLineError(['cluster', 'ragged.csv'], 'ragged.csv: line 3 has 1 columns');
  });

  it('.npy: unsupported dtype and Fortran order say so', () => {
    expectOneLineError(['cluster', fixture('complex.npy')], "unsupported .npy dtype '<c16'");
    expectOneLineError(['cluster', fixture('fortran.npy')], /Fortran-order .* not supported/);
    writeFileSync(at('objects.npy'), npyBytes('|O', [2, 2], new Uint8Array(32)));
    expectOneLineError(['cluster', 'objects.npy'], "objects.npy: unsupported .npy dtype '|O'");
    writeFileSync(at('fake.npy'), 'not numpy');
    expectOneLineError(['cluster', 'fake.npy'], 'fake.npy: not a valid .npy file');
  });

  it('bad option values name the option', () => {
    expectOneLineError(['cluster', 'blobs.csv', '--bandwidth', '-1'], "option '--bandwidth <B>' argument '-1' is invalid");
    expectOneLineError(['cluster', 'blobs.csv', '--bandwidth', 'wide'], '--bandwidth');
    expectOneLineError(['cluster', 'blobs.csv', '--quantile', '1.5'], '--quantile');
    expectOneLineError(['cluster', 'blobs.csv', '--n-samples', '0'], '--n-samples');
    expectOneLineError(['cluster', 'blobs.csv', '--max-iter', '2.5'], '--max-iter');
    expectOneLineError(['cluster', 'blobs.csv', '--jobs', '0'], '--jobs');
    expectOneLineError(['cluster', 'blobs.csv', '--bin-seeding', '--min-bin-freq', 'x'], '--min-bin-freq');
    expectOneLineError(['cluster', 'blobs.csv', '--plot', 'p.svg', '--dims', '0'], '--dims');
    expectOneLineError(['cluster', 'blobs.csv', '--plot', 'p.svg', '--dims', '0,5'], '--dims 0,5: blobs.csv has 2 features, numbered 0 to 1');
    expectOneLineError(['cluster', 'blobs.csv', '--labels', 'out.txt'], "--labels out.txt: unsupported file type '.txt'; use .csv or .json");
    expectOneLineError(['cluster', 'blobs.csv', '--plot', 'out.pdf'], '--plot out.pdf');
    expectOneLineError(['cluster', 'blobs.csv', '--bandwidth', '1', '--quantile', '0.2'], '--bandwidth cannot be combined with --quantile');
    expectOneLineError(['cluster', 'blobs.csv', '--bandwidth', '1', '--bandwith', '2'], "unknown option '--bandwith'", 'Did you mean --bandwidth?');
    expectOneLineError(['demo', '--samples', 'many'], '--samples');
    expectOneLineError(['cluster'], "missing required argument 'INPUT'");
    expectOneLineError(['clusters', 'blobs.csv'], "unknown command 'clusters'");
  });

  it('input and output problems', () => {
    expectOneLineError(['cluster', 'blobs.xlsx'], "blobs.xlsx: unknown input type '.xlsx'");
    expectOneLineError(['cluster', 'blobs.csv', '--bandwidth', '1', '--labels', 'no/such/dir/l.csv'], 'cannot write no/such/dir/l.csv');
    expectOneLineError(['cluster', fixture('nan.npy'), '--bandwidth', '1'], 'row 1, column 0 is NaN');
    expectOneLineError(
      ['cluster', 'blobs.csv', '--bandwidth', '0.0001', '--bin-seeding', '--min-bin-freq', '1000'],
      'Bin seeding found no seed: no bin of size 0.0001 holds at least --min-bin-freq=1000 points. Lower --min-bin-freq, increase --bandwidth or drop --bin-seeding.',
    );
  });
});

describe('progress bar', () => {
  it('is off when stderr is not a TTY', () => {
    const r = run(['demo', '--samples', '3000'], tmp);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });

  // `script` runs the command on a pseudo-terminal, as a person's shell would.
  const hasScript = spawnSync('script', ['--version']).status === 0;

  it.skipIf(!hasScript)('shows seeds done/total, rate and ETA on a TTY, and not with --quiet', () => {
    const onTty = (extra: string): string =>
      spawnSync('script', ['-qefc', `"${process.execPath}" "${CLI}" demo --samples 6000 ${extra}`, '/dev/null'], {
        cwd: tmp,
        encoding: 'utf8',
        env: { ...process.env, COLUMNS: '100' },
        timeout: 120_000,
      }).stdout;
    const shown = onTty('');
    expect(shown).toMatch(/fitting \[[= >]*\] [\d,]+\/6,000 seeds {2}[\d,]+\/s {2}ETA /);
    expect(shown).toContain('Estimated number of clusters = 3');
    const quiet = onTty('--quiet');
    expect(quiet).toContain('Estimated number of clusters = 3');
    expect(quiet).not.toContain('seeds');
  });
});

it('Ctrl-C (SIGINT) cancels a fit: exit 130, one line', async () => {
  const big = makeBlobs({ nSamples: 300_000, centers: 3, clusterStd: 0.5, randomState: 1 }).X;
  writeFileSync(at('big.npy'), npyBytes('<f8', [big.length, 2], float64Bytes(big.flat())));
  const child = spawn(process.execPath, [CLI, 'cluster', 'big.npy', '--bandwidth', '0.5'], { cwd: tmp });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const started = Date.now();
  setTimeout(() => child.kill('SIGINT'), 1500);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  expect(code).toBe(130);
  expect(stderr).toBe('error: interrupted\n');
  expect(Date.now() - started).toBeLessThan(20_000);
});

it('fast-meanshift-cli has the bin (dist/cli.js, which starts with a shebang) and the library has none', () => {
  type Manifest = { name: string; version: string; bin?: Record<string, string>; dependencies?: Record<string, string> };
  const cli = JSON.parse(readFileSync(join(CLI_PACKAGE, 'package.json'), 'utf8')) as Manifest;
  const library = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;
  expect(cli.name).toBe('fast-meanshift-cli');
  expect(cli.bin).toEqual({ 'fast-meanshift': 'dist/cli.js' });
  expect(join(CLI_PACKAGE, cli.bin!['fast-meanshift']!)).toBe(CLI);
  expect(readFileSync(CLI, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  expect(cli.dependencies?.[library.name]).toBe(library.version);
  expect(library.bin).toBeUndefined();
  expect(library.dependencies).toBeUndefined();
});

describe('cluster: --weights, --kernel, --kernel-cutoff (issue 16)', () => {
  const weights = X.map((_, i) => (i * 7) % 4);
  beforeAll(() => {
    writeFileSync(at('weighted.csv'), `w,x,y\n${X.map((r, i) => [weights[i], r[0], r[1]].join(',')).join('\n')}\n`);
  });

  it.each([
    ['a name', ['--weights', 'w']],
    ['an index', ['--weights', '0']],
    ['a name, with --columns', ['--weights', 'w', '--columns', 'x,y']],
  ])('weights by %s give the library’s weighted fit', (_, flags) => {
    const expected = new MeanShift({ bandwidth: BANDWIDTH, kernel: 'gaussian', kernelCutoff: 2 }).fit(X, { sampleWeight: weights });
    const r = run(['cluster', 'weighted.csv', ...flags, '--bandwidth', String(BANDWIDTH), '--kernel', 'gaussian', '--kernel-cutoff', '2', '--labels', 'w.json', '--centers', 'w-centres.json'], tmp);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('features = x, y (2 of 3 columns)');
    expect(JSON.parse(readFileSync(at('w.json'), 'utf8'))).toEqual(Array.from(expected.labels));
    expect(JSON.parse(readFileSync(at('w-centres.json'), 'utf8'))).toEqual(expected.clusterCenters);
  });

  it('estimates the bandwidth with the weights', () => {
    const r = run(['cluster', 'weighted.csv', '--weights', 'w', '--quantile', '0.2', '--json'], tmp);
    expect(r.code).toBe(0);
    const data = { data: Float64Array.from(X.flat()), shape: [X.length, 2] as [number, number] };
    expect(JSON.parse(r.stdout).bandwidth).toBe(estimateBandwidth(data, { quantile: 0.2, sampleWeight: weights }));
  });

  it('bad weights and kernels are one-line errors', () => {
    expectOneLineError(['cluster', 'weighted.csv', '--weights', 'nope', '--bandwidth', '1'], /--weights nope: weighted\.csv has no such column \(its columns are w, x, y\)/);
    expectOneLineError(['cluster', 'weighted.csv', '--kernel', 'box'], /--kernel <K>' argument 'box' is invalid\. It must be flat, gaussian or epanechnikov\./);
    expectOneLineError(['cluster', 'weighted.csv', '--kernel-cutoff', '2'], /--kernel-cutoff only applies with --kernel gaussian/);
    // The weights column listed among the features too, by name or by index.
    const twice = /--weights (w|0): that column is also in --columns (x,y,w|0-2); the weights are not a feature, so leave it out of --columns/;
    expectOneLineError(['cluster', 'weighted.csv', '--weights', 'w', '--columns', 'x,y,w', '--bandwidth', '1'], twice);
    expectOneLineError(['cluster', 'weighted.csv', '--weights', '0', '--columns', '0-2', '--bandwidth', '1'], twice);
    // A weights column not in the file is named as --weights, also with --columns.
    expectOneLineError(['cluster', 'weighted.csv', '--weights', 'nope', '--columns', 'x,y', '--bandwidth', '1'], /--weights nope: weighted\.csv has no column 'nope'; its columns are: w, x, y/);
  });
});
