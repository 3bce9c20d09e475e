// @ts-check
// The command's input speed (issue 14): the same 3,000,000 × 2 blobs in every input format, each
// clustered by the real `fast-meanshift` command (node packages/cli/dist/cli.js) in its own process, with a
// given bandwidth and bin seeding so that the fit stays about a second and the read shows.
//
//   npm run bench:cli-input                 prints the table (5 rounds over every format, the medians)
//   npm run bench:cli-input -- --runs 9     more rounds
//   npm run bench:cli-input -- --write      also puts the table in BENCHMARKS.md (keep block cli_input)
//   npm run bench:cli-input -- --rows 300000   a smaller data set (the table is not written then)
//
// Data (bench/.cache/cli-input/, made once): makeBlobs with W2's rule (centres (5,5), (3,3),
// (1,1), std 0.3, random_state 0), values rounded to 2 decimals (as a spreadsheet or a CSV export
// writes them; the .npy, JSON, Parquet and Arrow files hold the same rounded values), plus one
// CSV of the unrounded values in full (shortest round trip, 17 digits), the hard case for a
// parser. Needs the built package (npm run build).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { BLOBS } from './data.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(BENCH, '..');
const MD = join(ROOT, 'BENCHMARKS.md');
const CLI = join(ROOT, 'packages', 'cli', 'dist', 'cli.js');

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    rows: { type: 'string', default: '3000000' },
    write: { type: 'boolean', default: false },
  },
});
const N = Number(args.rows);
const RUNS = Number(args.runs);
const DIR = join(BENCH, '.cache', 'cli-input', String(N));

/** The files, in the table's order: name, what it is, extra command options. */
const FORMATS = [
  { file: 'blobs.npy', what: '.npy (numpy.save, float64)', options: [] },
  { file: 'blobs.csv', what: 'CSV, 2 decimals', options: [] },
  { file: 'blobs.tsv', what: 'TSV, 2 decimals', options: [] },
  { file: 'blobs.csv.gz', what: 'CSV, gzip', options: [] },
  { file: 'blobs-full.csv', what: 'CSV, 17 significant digits', options: [] },
  { file: 'blobs.jsonl', what: 'JSON Lines records `{"x":…,"y":…}`', options: [] },
  { file: 'blobs-rows.jsonl', what: 'JSON Lines rows `[…,…]`', options: [] },
  { file: 'blobs.json', what: 'JSON array of rows (one JSON.parse)', options: [] },
  { file: 'blobs.parquet', what: 'Parquet (hyparquet-writer, snappy)', options: [] },
  { file: 'blobs.arrow', what: 'Arrow IPC file (flechette)', options: [] },
  { file: 'blobs.csv', what: 'CSV from standard input (`-`)', options: [], stdin: true },
];

const fmtBytes = (b) => (b >= 1e6 ? `${(b / 1e6).toFixed(1)} MB` : `${(b / 1e3).toFixed(1)} kB`);
const fmtMs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function writeAtomic(path, content) {
  writeFileSync(`${path}.tmp`, content);
  renameSync(`${path}.tmp`, path);
}

/** Writes the data files once (a half-written file is never picked up). */
async function makeData() {
  mkdirSync(DIR, { recursive: true });
  if (FORMATS.every((f) => existsSync(join(DIR, f.file)))) return;
  const { makeBlobs } = await import('../dist/index.js');
  const { parquetWriteBuffer } = await import('hyparquet-writer');
  const { tableFromArrays, tableToIPC } = await import('@uwdata/flechette');
  console.log(`making ${N.toLocaleString('en-US')} rows in ${DIR} ...`);
  const { X } = makeBlobs({ nSamples: N, ...BLOBS });
  const x = new Float64Array(N);
  const y = new Float64Array(N);
  const text = { x: new Array(N), y: new Array(N) };
  for (let i = 0; i < N; i++) {
    text.x[i] = X[i][0].toFixed(2);
    text.y[i] = X[i][1].toFixed(2);
    x[i] = Number(text.x[i]);
    y[i] = Number(text.y[i]);
  }
  const join2 = (sep, prefix = '', suffix = '') => {
    const parts = new Array(N);
    for (let i = 0; i < N; i++) parts[i] = `${prefix}${text.x[i]}${sep}${text.y[i]}${suffix}`;
    return parts.join('\n');
  };
  const csv = `x,y\n${join2(',')}\n`;
  writeAtomic(join(DIR, 'blobs.csv'), csv);
  writeAtomic(join(DIR, 'blobs.csv.gz'), gzipSync(csv));
  writeAtomic(join(DIR, 'blobs.tsv'), `x\ty\n${join2('\t')}\n`);
  writeAtomic(join(DIR, 'blobs.jsonl'), `${join2(',"y":', '{"x":', '}')}\n`);
  writeAtomic(join(DIR, 'blobs-rows.jsonl'), `${join2(',', '[', ']')}\n`);
  writeAtomic(join(DIR, 'blobs.json'), `[${join2(',', '[', ']').replace(/\n/g, ',')}]\n`);
  writeAtomic(join(DIR, 'blobs-full.csv'), `x,y\n${X.map((r) => `${r[0]},${r[1]}`).join('\n')}\n`);
  // .npy: header padded to 64 bytes, then float64 row-major.
  const header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${N}, 2), }`.padEnd(117, ' ') + '\n';
  const npy = new Uint8Array(10 + header.length + N * 16);
  npy.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(npy.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) npy[10 + i] = header.charCodeAt(i);
  const values = new Float64Array(N * 2);
  for (let i = 0; i < N; i++) [values[2 * i], values[2 * i + 1]] = [x[i], y[i]];
  npy.set(new Uint8Array(values.buffer), 10 + header.length);
  writeAtomic(join(DIR, 'blobs.npy'), npy);
  const parquet = parquetWriteBuffer({ columnData: [{ name: 'x', data: x, type: 'DOUBLE' }, { name: 'y', data: y, type: 'DOUBLE' }] });
  writeAtomic(join(DIR, 'blobs.parquet'), new Uint8Array(parquet));
  writeAtomic(join(DIR, 'blobs.arrow'), tableToIPC(tableFromArrays({ x, y }), { format: 'file' }));
}

/** A module the child imports first: it writes its peak RSS to $CLI_INPUT_RSS when it exits. */
function rssHook() {
  const hook = join(DIR, 'rss-hook.mjs');
  writeFileSync(
    hook,
    "import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(process.env.CLI_INPUT_RSS, String(process.resourceUsage().maxRSS * 1024)));\n",
  );
  return hook;
}

/** One run of the command: wall time, the command's own read/fit times, peak RSS, clusters. */
function runOnce(format, bandwidth, hook) {
  const rssFile = join(DIR, 'rss.txt');
  rmSync(rssFile, { force: true });
  const input = format.stdin ? '-' : join(DIR, format.file);
  const argv = ['--import', hook, CLI, 'cluster', input, '--bandwidth', String(bandwidth), '--bin-seeding', '--json', '--quiet', ...format.options];
  const started = performance.now();
  const r = spawnSync(process.execPath, argv, {
    encoding: 'utf8',
    input: format.stdin ? readFileSync(join(DIR, format.file)) : undefined,
    env: { ...process.env, CLI_INPUT_RSS: rssFile },
    maxBuffer: 64 << 20,
  });
  const wall = performance.now() - started;
  if (r.status !== 0) throw new Error(`${format.file}: exit ${r.status}\n${r.stderr}`);
  const summary = JSON.parse(r.stdout);
  return { wall, read: summary.timeMs.read, fit: summary.timeMs.fit, rss: Number(readFileSync(rssFile, 'utf8')), rows: summary.rows, k: summary.nClusters };
}

async function main() {
  if (!existsSync(CLI)) throw new Error('packages/cli/dist/cli.js is missing: npm run build');
  await makeData();
  const hook = rssHook();
  const { estimateBandwidth } = await import('../dist/index.js');
  const npy = readFileSync(join(DIR, 'blobs.npy'));
  const values = new Float64Array(npy.buffer.slice(npy.byteOffset + 128, npy.byteOffset + npy.byteLength));
  // W2's rule: quantile 0.2 on 500 rows (random_state 0).
  const bandwidth = estimateBandwidth({ data: values, shape: [N, 2] }, { quantile: 0.2, nSamples: 500 });
  // Rounds over every format (not every run of one format in a row), so that a change in the
  // machine's load falls on every format alike.
  const all = FORMATS.map(() => []);
  for (let round = 0; round < RUNS; round++) {
    FORMATS.forEach((format, f) => all[f].push(runOnce(format, bandwidth, hook)));
    console.log(`round ${round + 1} of ${RUNS} done`);
  }
  const results = [];
  for (const [f, format] of FORMATS.entries()) {
    const runs = all[f];
    const size = statSync(join(DIR, format.file)).size;
    const r = { format, size, wall: median(runs.map((x) => x.wall)), read: median(runs.map((x) => x.read)), fit: median(runs.map((x) => x.fit)), rss: median(runs.map((x) => x.rss)), rows: runs[0].rows, k: runs[0].k };
    results.push(r);
    console.log(`${format.what.padEnd(40)} ${fmtMs(r.wall).padStart(8)}  read ${fmtMs(r.read).padStart(8)}  ${fmtBytes(r.rss).padStart(9)}  k=${r.k}`);
  }
  const base = results[0];
  for (const r of results) {
    if (r.rows !== N || r.k !== base.k) throw new Error(`${r.format.file}: ${r.rows} rows, ${r.k} clusters; the .npy gives ${N} and ${base.k}`);
  }
  const command = `node packages/cli/dist/cli.js cluster FILE --bandwidth ${bandwidth} --bin-seeding --json --quiet`;
  const table = [
    `Measured ${new Date().toISOString().slice(0, 10)} at commit ${gitCommit()} on ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), Node ${process.version}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(', ')} at the end.`,
    `${N.toLocaleString('en-US')} rows × 2 features, ${base.k} clusters in every format; each figure the median of ${RUNS} runs, taken in ${RUNS} rounds over every format. **Read** is the command's own time to read and parse the input into typed arrays (\`timeMs.read\` of \`--json\`); **command** is the whole process, from start to exit (Node start-up, reading, the fit, ${fmtMs(base.fit)} for the .npy, and the printout); **× .npy** is the command's time over the .npy command's. MB/s is of the file as stored (compressed for gzip and Parquet).`,
    '',
    '| input | file size | read | rows/s | MB/s | command | × .npy | peak RSS |',
    '|---|--:|--:|--:|--:|--:|--:|--:|',
    ...results.map((r) => `| ${r.format.what} | ${fmtBytes(r.size)} | ${fmtMs(r.read)} | ${(r.rows / (r.read / 1000) / 1e6).toFixed(1)} M | ${(r.size / 1e6 / (r.read / 1000)).toFixed(0)} | ${fmtMs(r.wall)} | ${(r.wall / base.wall).toFixed(2)}× | ${fmtBytes(r.rss)} |`),
    '',
    'Each row is this command on that file (standard input: `node packages/cli/dist/cli.js cluster - ... < blobs.csv`), its bandwidth from W2\'s rule',
    '(`estimateBandwidth(X, { quantile: 0.2, nSamples: 500 })` on the .npy data), made and run by `npm run bench:cli-input -- --write`:',
    '',
    '```sh',
    command,
    '```',
    '',
    'Why the text formats have byte loops of their own (csv-parse builds an array of strings per record, `JSON.parse` an object per',
    'line): the same files read in one process by each reader (`bench/cli-input.mjs`, after the table above):',
    '',
    await parsers(),
  ].join('\n');
  console.log(`\n${table}`);
  if (args.write) {
    if (N !== 3_000_000) throw new Error('--write records the 3,000,000-row run only');
    const md = readFileSync(MD, 'utf8');
    const block = /<!-- keep:cli_input -->\n[\s\S]*?\n?<!-- \/keep:cli_input -->/;
    if (!block.test(md)) throw new Error('BENCHMARKS.md has no keep:cli_input block (npm run bench:report adds it)');
    writeFileSync(MD, md.replace(block, `<!-- keep:cli_input -->\n${table}\n<!-- /keep:cli_input -->`));
    console.log('\nBENCHMARKS.md updated (section "CLI input")');
  }
}

/**
 * Why byte loops: the same CSV and JSON Lines files read by the command's readers (bundled from
 * packages/cli/src/ with esbuild) and by the usual alternatives: csv-parse's stream (an array of strings
 * per record, Number() on each cell) and JSON.parse per line. In this process, after the runs
 * above; the median of RUNS reads each.
 */
async function parsers() {
  const { build } = await import('esbuild');
  const out = join(DIR, 'parsers');
  await build({
    entryPoints: [join(ROOT, 'packages', 'cli', 'src', 'csv.ts'), join(ROOT, 'packages', 'cli', 'src', 'jsonl.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outdir: out,
    external: ['csv-parse'],
    logLevel: 'error',
  });
  const { CsvReader } = await import(join(out, 'csv.js'));
  const { JsonlReader } = await import(join(out, 'jsonl.js'));
  const { parse } = await import('csv-parse');
  const { createReadStream } = await import('node:fs');
  const chunks = (file) => createReadStream(join(DIR, file), { highWaterMark: 1 << 22 });
  const candidates = [
    {
      name: 'CSV: the byte loop (`CsvReader`)',
      file: 'blobs.csv',
      read: async () => {
        const r = new CsvReader({ file: 'blobs.csv' });
        for await (const c of chunks('blobs.csv')) r.push(c);
        return r.finish().nRows;
      },
    },
    {
      name: 'CSV: csv-parse stream, `Number()` per cell',
      file: 'blobs.csv',
      read: async () => {
        const values = new Float64Array(2 * N);
        let n = 0;
        for await (const record of chunks('blobs.csv').pipe(parse({ from_line: 2 }))) {
          values[2 * n] = Number(record[0]);
          values[2 * n + 1] = Number(record[1]);
          n++;
        }
        return n;
      },
    },
    {
      name: 'JSON Lines records: the byte loop (`JsonlReader`)',
      file: 'blobs.jsonl',
      read: async () => {
        const r = new JsonlReader({ file: 'blobs.jsonl' });
        for await (const c of chunks('blobs.jsonl')) r.push(c);
        return r.finish().nRows;
      },
    },
    {
      name: 'JSON Lines records: `JSON.parse` per line',
      file: 'blobs.jsonl',
      read: async () => {
        const values = new Float64Array(2 * N);
        let n = 0;
        let rest = '';
        for await (const c of chunks('blobs.jsonl')) {
          const lines = (rest + c.toString('utf8')).split('\n');
          rest = lines.pop() ?? '';
          for (const line of lines) {
            const o = JSON.parse(line);
            values[2 * n] = o.x;
            values[2 * n + 1] = o.y;
            n++;
          }
        }
        return n;
      },
    },
  ];
  const rows = [];
  for (const c of candidates) {
    const times = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      const n = await c.read();
      times.push(performance.now() - t);
      if (n !== N) throw new Error(`${c.name}: ${n} rows`);
    }
    const ms = median(times);
    rows.push(`| ${c.name} | ${fmtMs(ms)} | ${(statSync(join(DIR, c.file)).size / 1e6 / (ms / 1000)).toFixed(0)} |`);
    console.log(rows.at(-1));
  }
  return ['| reader (same process, one after another) | read | MB/s |', '|---|--:|--:|', ...rows].join('\n');
}

function gitCommit() {
  const r = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : 'unknown';
}

await main();
