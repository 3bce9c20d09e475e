// @ts-check
// fast-meanshift benchmark suite: W1–W5 of docs (shared spec workloads) plus a scaling series,
// every implementation in its own child process, side by side in one run.
//
//   npm run bench                       everything; prints the table, writes bench/results/latest.json
//   npm run bench -- --only W1,W3       some workloads ('scaling' = the whole scaling series, 'small' = the small fits)
//   npm run bench -- --impl sklearn     some implementations (fast-all, fast-1t, js-brute, js-kdbush, sklearn)
//   npm run bench -- --quick            3 runs at most, 3 s budget, scaling up to 10^6
//   npm run bench -- --write            also regenerate BENCHMARKS.md and bench/scaling.svg
//   npm run bench -- --sklearn-threads default   scikit-learn's own OpenMP/BLAS pools (default: 1 thread)
//   npm run bench:smoke                 tiny sizes, all implementations, checks agreement (CI)
//   npm run bench:report                BENCHMARKS.md and bench/scaling.svg from latest.json
//
// Needs the built package (npm run build). scikit-learn runs from $BENCH_PYTHON, .venv-bench/bin/python
// or python3, the first that can `import sklearn` (see bench/requirements.txt); without one (or with
// BENCH_PYTHON=none) its column and W3/W4 are skipped with a note.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BLOBS, readMatrix } from './data.mjs';
import { IMPLS, fmtBytes, fmtTime, textTable } from './format.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(BENCH, '..');
const CACHE = join(BENCH, '.cache');
const RESULTS = join(BENCH, 'results', 'latest.json');

const W1_RULE = { quantile: 0.2, nSamples: 500, randomState: 0 };
/** Above these N an implementation is not run in the scaling series (it would take minutes). */
const SCALING_CAPS = { 'js-brute': 1e6, 'js-kdbush': 1e6, sklearn: 1e6 };

/**
 * @typedef {{ kind: 'blobs', n: number, options?: object } | { kind: 'china' } | { kind: 'digits' }} DataSpec
 * @typedef {{ id: string, title: string, data: DataSpec, rule: { quantile: number, nSamples: number, randomState: number } | null,
 *   binSeeding: boolean, targets?: { sklearn?: number, 'js-brute'?: number, threads?: number, fitSec?: number, rss?: boolean },
 *   caps?: Record<string, number>, scaling?: boolean, clusterAssignment?: 'attractor', impls?: string[] }} Workload
 */

/** W6 and W7: embedding-like data, make_blobs cast to float32 (the cast is applied to every implementation's input). */
const BLOBS_W6 = { centers: 16, nFeatures: 64, clusterStd: 1, randomState: 0, float32: true };
const BLOBS_W7 = { centers: 20, nFeatures: 384, clusterStd: 1, randomState: 0, float32: true };
/** The plain-JS brute force would take minutes per fit on W6/W7 (N² × D). */
const HIGH_D_CAPS = { 'js-brute': 1000 };

/** @returns {Workload[]} */
export function fullWorkloads() {
  const scaling = [1e3, 1e4, 1e5, 1e6, 1e7].map((n) => ({
    id: `scale-1e${Math.log10(n)}`,
    title: `2-D blobs, N = 10^${Math.log10(n)}, bin seeding`,
    data: /** @type {DataSpec} */ ({ kind: 'blobs', n }),
    rule: W1_RULE,
    binSeeding: true,
    scaling: true,
    caps: SCALING_CAPS,
    targets: n === 1e7 ? { fitSec: 3, rss: true } : undefined,
  }));
  return [
    { id: 'W1', title: 'the tutorial: 10k 2-D blobs, every point a seed', data: { kind: 'blobs', n: 1e4 }, rule: W1_RULE, binSeeding: false, targets: { sklearn: 500, 'js-brute': 100, threads: 1.7 } },
    // fast-meanshift alone: the baselines have no attractor labels.
    { id: 'W1-attractor', title: "W1 with clusterAssignment 'attractor'", data: { kind: 'blobs', n: 1e4 }, rule: W1_RULE, binSeeding: false, clusterAssignment: 'attractor', impls: ['fast-all', 'fast-1t'] },
    { id: 'W2', title: '1M 2-D blobs, bin seeding', data: { kind: 'blobs', n: 1e6 }, rule: W1_RULE, binSeeding: true, targets: { sklearn: 50 } },
    { id: 'W3', title: 'china.jpg pixels (RGB 0–255), bin seeding', data: { kind: 'china' }, rule: { quantile: 0.1, nSamples: 1000, randomState: 0 }, binSeeding: true, targets: { sklearn: 50 } },
    { id: 'W4', title: 'digits, 64-D, every point a seed', data: { kind: 'digits' }, rule: W1_RULE, binSeeding: false, targets: { sklearn: 50 } },
    { id: 'W5', title: "W1's data, no bandwidth (full estimate, quantile 0.3)", data: { kind: 'blobs', n: 1e4 }, rule: null, binSeeding: false, targets: { sklearn: 50 } },
    { id: 'W6', title: '20k 64-D blobs (16 centres) as float32, every point a seed', data: { kind: 'blobs', n: 20000, options: BLOBS_W6 }, rule: { quantile: 0.05, nSamples: 1000, randomState: 0 }, binSeeding: false, caps: HIGH_D_CAPS, targets: { sklearn: 100 } },
    { id: 'W7', title: '10k 384-D blobs (20 centres) as float32, every point a seed', data: { kind: 'blobs', n: 10000, options: BLOBS_W7 }, rule: { quantile: 0.04, nSamples: 1000, randomState: 0 }, binSeeding: false, caps: HIGH_D_CAPS, targets: { sklearn: 50 } },
    ...scaling,
  ];
}

/** Tiny versions for CI: every code path, every implementation, in seconds. */
function smokeWorkloads() {
  const blobs3d = { centers: 4, nFeatures: 3, clusterStd: 0.5, randomState: 1 };
  const blobs8d = { centers: 3, nFeatures: 8, clusterStd: 1, randomState: 2 };
  return /** @type {Workload[]} */ ([
    { id: 'smoke-W1', title: '250 2-D blobs, every point a seed', data: { kind: 'blobs', n: 250 }, rule: W1_RULE, binSeeding: false },
    { id: 'smoke-W2', title: '5,000 2-D blobs, bin seeding', data: { kind: 'blobs', n: 5000 }, rule: W1_RULE, binSeeding: true },
    { id: 'smoke-3d', title: '2,000 3-D blobs, bin seeding', data: { kind: 'blobs', n: 2000, options: blobs3d }, rule: { quantile: 0.1, nSamples: 1000, randomState: 0 }, binSeeding: true },
    { id: 'smoke-8d', title: '150 8-D blobs, every point a seed', data: { kind: 'blobs', n: 150, options: blobs8d }, rule: W1_RULE, binSeeding: false },
    { id: 'smoke-W5', title: '200 2-D blobs, no bandwidth', data: { kind: 'blobs', n: 200 }, rule: null, binSeeding: false },
  ]);
}

// ---------------------------------------------------------------------------------------------
// processes

/** Runs a command, resolves with stdout; rejects with stderr's tail on failure. */
function run(cmd, args, { env = process.env, timeoutMs = 45 * 60_000 } = {}) {
  return new Promise((resolvePromise, reject) => {
    execFile(cmd, args, { env, maxBuffer: 64 << 20, timeout: timeoutMs, cwd: ROOT }, (error, stdout, stderr) => {
      if (error) {
        const why = error.killed ? `killed (${error.signal ?? 'timeout'})` : `exit ${error.code}`;
        const lines = String(stderr).split('\n').map((l) => l.trim()).filter((l) => l && !/^Node\.js v/.test(l));
        const tail = lines.find((l) => /^(\w*Error\b|Error \[)/.test(l)) ?? lines.slice(-3).join(' | ');
        reject(new Error(`${relative(ROOT, args[0] ?? cmd)}: ${why}: ${tail}`));
      } else resolvePromise(String(stdout));
    });
  });
}

const lastJsonLine = (out) => JSON.parse(out.trim().split('\n').at(-1) ?? 'null');

/** The Python child's environment: OpenBLAS tuning variables removed (NumPy picks its own kernel). */
function pythonEnv() {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}

/** The first of $BENCH_PYTHON, .venv-bench/bin/python, python3 that imports sklearn, with versions. */
async function findPython() {
  if (process.env.BENCH_PYTHON === 'none') return { python: null, info: null, note: 'BENCH_PYTHON=none' };
  const candidates = [process.env.BENCH_PYTHON, join(ROOT, '.venv-bench', 'bin', 'python'), 'python3'].filter(Boolean);
  const tried = [];
  for (const py of /** @type {string[]} */ (candidates)) {
    try {
      const info = lastJsonLine(await run(py, [join(BENCH, 'sklearn_runner.py'), '{"task":"info"}'], { env: pythonEnv(), timeoutMs: 60_000 }));
      return { python: py, info };
    } catch {
      tried.push(py);
    }
  }
  return { python: null, info: null, note: `no Python with scikit-learn (tried ${tried.join(', ')})` };
}

const python = (py, job) => run(py, [join(BENCH, 'sklearn_runner.py'), JSON.stringify(job)], { env: pythonEnv() }).then(lastJsonLine);

// ---------------------------------------------------------------------------------------------
// data

/** Makes (or reuses) the workload's data file; returns { path, n, d } or { skip }. */
async function prepareData(spec, py) {
  mkdirSync(CACHE, { recursive: true });
  if (spec.kind === 'blobs') {
    const tag = spec.options ? `-${Buffer.from(JSON.stringify(spec.options)).toString('base64url')}` : '';
    const path = join(CACHE, `blobs-${spec.n}${tag}.bin`);
    const d = spec.options?.nFeatures ?? 2;
    if (!existsSync(path) || statSync(path).size !== spec.n * d * 8) {
      await run(process.execPath, [join(BENCH, 'data.mjs'), 'blobs', String(spec.n), path, JSON.stringify(spec.options ?? BLOBS)]);
    }
    return { path, n: spec.n, d };
  }
  if (!py) return { skip: `needs scikit-learn's bundled ${spec.kind === 'china' ? 'china.jpg' : 'digits'} (no Python with scikit-learn)` };
  const path = join(CACHE, `${spec.kind}.bin`);
  const shapes = { china: [273280, 3], digits: [1797, 64] };
  const [n, d] = shapes[spec.kind];
  if (!existsSync(path) || statSync(path).size !== n * d * 8) {
    try {
      await python(py, { task: spec.kind, out: path });
    } catch (e) {
      return { skip: `could not load ${spec.kind} from scikit-learn (pillow missing?): ${String(e.message).split('\n').at(-2) ?? ''}` };
    }
  }
  return { path, n, d };
}

// ---------------------------------------------------------------------------------------------
// one workload

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** makeBlobs options in make_blobs' names (`float32` is the cast after it, not an option of it). */
const sklearnBlobs = (o) => ({
  centers: o.centers ?? 3,
  ...(o.nFeatures !== undefined ? { n_features: o.nFeatures } : {}),
  cluster_std: o.clusterStd ?? 1,
  random_state: o.randomState,
});

/** Whether the workload's input is float32 (its values are float32 in the .bin file; each implementation gets a float32 array). */
const float32Input = (w) => w.data.kind === 'blobs' && !!w.data.options?.float32;

/** How each figure is reproduced. */
const commandFor = (w, impl, ctx) =>
  ctx.smoke ? 'npm run bench:smoke' : `npm run bench -- --only ${w.id} --impl ${impl}${ctx.quick ? ' --quick' : ''}${impl === 'sklearn' && ctx.sklearnThreads !== 1 ? ` --sklearn-threads ${ctx.sklearnThreads ?? 'default'}` : ''}`;

/**
 * @param {Workload} w
 * @param {{ impls: string[], reps: number, budgetSec: number, py: string | null, smoke: boolean, labelsUpTo: number, memo: Map<string, any>, log: (s: string) => void }} ctx
 */
async function runWorkload(w, ctx) {
  const { estimateBandwidth, getBinSeeds } = await import('../dist/index.js');
  const record = { id: w.id, title: w.title, date: new Date().toISOString(), binSeeding: w.binSeeding, rule: w.rule, targets: w.targets ?? null, scaling: !!w.scaling, results: {}, notes: [] };
  const data = await prepareData(w.data, ctx.py);
  if ('skip' in data) {
    record.skipped = data.skip;
    ctx.log(`${w.id}: skipped (${data.skip})`);
    return record;
  }
  const { path, n, d } = data;
  Object.assign(record, { n, d, inputBytes: n * d * 8 });
  const X = { data: readMatrix(path, n, d), shape: /** @type {[number, number]} */ ([n, d]) };
  const bandwidth = w.rule ? estimateBandwidth(X, w.rule) : null;
  record.bandwidth = bandwidth;
  record.nSeeds = w.binSeeding && bandwidth ? getBinSeeds(X, bandwidth).length : n;
  const withLabels = n <= ctx.labelsUpTo;
  ctx.log(`${w.id}: N=${n} D=${d} bandwidth=${bandwidth ?? 'estimated in fit'} seeds=${record.nSeeds}`);

  for (const impl of ctx.impls) {
    const cap = w.caps?.[impl];
    if (cap !== undefined && n > cap) {
      record.results[impl] = { skipped: `not run above N = ${cap.toExponential(0).replace('e+', 'e')} (would take minutes)` };
      continue;
    }
    if (w.impls && !w.impls.includes(impl)) {
      record.results[impl] = { skipped: `runs ${w.impls.join(', ')} only` };
      continue;
    }
    if (impl === 'js-kdbush' && d !== 2) {
      record.results[impl] = { skipped: 'kdbush indexes 2-D points only' };
      continue;
    }
    if (impl === 'sklearn' && !ctx.py) {
      record.results[impl] = { skipped: 'no Python with scikit-learn' };
      continue;
    }
    const key = JSON.stringify([impl, path, bandwidth, w.binSeeding, w.clusterAssignment, ctx.reps, ctx.budgetSec]);
    const labelsOut = withLabels ? join(CACHE, `labels-${w.id}-${impl}.bin`) : undefined;
    let result;
    if (ctx.memo.has(key)) {
      const prior = ctx.memo.get(key);
      result = { ...prior.result, sameRunAs: prior.id };
      if (withLabels && prior.labelsOut) writeFileSync(/** @type {string} */ (labelsOut), readFileSync(prior.labelsOut));
    } else {
      try {
        if (impl === 'sklearn') {
          const r = await python(ctx.py, {
            task: 'fit',
            data: path,
            n,
            d,
            bandwidth,
            bin_seeding: w.binSeeding,
            reps: ctx.reps,
            budget_sec: ctx.budgetSec,
            estimate: w.rule ? { quantile: w.rule.quantile, n_samples: w.rule.nSamples, random_state: w.rule.randomState } : null,
            labels_out: labelsOut,
            threads: ctx.sklearnThreads,
            check_blobs: w.data.kind === 'blobs' ? { blobs: sklearnBlobs(w.data.options ?? BLOBS) } : null,
            float32: float32Input(w),
          });

          result = {
            times: r.times,
            median: r.median,
            nClusters: r.n_clusters,
            nIter: r.n_iter,
            bandwidthUsed: r.bandwidth_used,
            bandwidthEstimate: r.bandwidth_estimate,
            centers: r.centers,
            peakRssBytes: r.peak_rss_bytes,
            blobsEqual: r.blobs_equal,
          };
        } else {
          const job = { impl, data: path, n, d, bandwidth, binSeeding: w.binSeeding, clusterAssignment: w.clusterAssignment, reps: ctx.reps, budgetSec: ctx.budgetSec, labelsOut, float32: float32Input(w) };
          result = lastJsonLine(await run(process.execPath, [join(BENCH, 'child.mjs'), JSON.stringify(job)]));
          delete result.impl;
        }
      } catch (e) {
        result = { error: String(e.message).slice(0, 1500) };
        record.notes.push(`${impl} failed`);
      }
      ctx.memo.set(key, { id: w.id, result, labelsOut });
    }
    if (typeof result.blobsEqual === 'boolean') {
      record.dataCheck = result.blobsEqual ? 'bit-identical to make_blobs' : 'DIFFERS from make_blobs';
      if (!result.blobsEqual) record.notes.push("makeBlobs' data differs from make_blobs");
    }
    result.command = commandFor(w, impl, ctx);
    record.results[impl] = result;
    ctx.log(
      `  ${impl.padEnd(9)} ${'median' in result ? `${fmtTime(result.median)} (${result.times.length} run${result.times.length > 1 ? 's' : ''}), ${result.nClusters} clusters, peak RSS ${fmtBytes(result.peakRssBytes)}` : result.skipped ?? result.error}`,
    );
  }

  // Agreement: cluster counts (always), bandwidths, and labels on small data, against the first timed implementation.
  const timed = Object.entries(record.results).filter(([, r]) => 'median' in r);
  const counts = Object.fromEntries(timed.map(([k, r]) => [k, r.nClusters]));
  record.agree = { clusterCounts: new Set(Object.values(counts)).size <= 1, counts };
  const bws = timed.map(([, r]) => r.bandwidthUsed).filter((b) => typeof b === 'number');
  record.agree.bandwidth = bws.every((b) => Math.abs(b - bws[0]) <= 1e-9 * Math.abs(bws[0]));
  const sk = record.results.sklearn;
  if (sk && typeof sk.bandwidthEstimate === 'number' && bandwidth !== null) {
    record.agree.bandwidth &&= Math.abs(sk.bandwidthEstimate - bandwidth) <= 1e-9 * bandwidth;
  }
  if (withLabels && timed.length > 1) {
    const [refImpl] = timed[0];
    const readLabels = (impl) => {
      const buf = readFileSync(join(CACHE, `labels-${w.id}-${impl}.bin`));
      return new Int32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    };
    const ref = readLabels(refImpl);
    record.agree.labelMismatches = {};
    for (const [impl] of timed.slice(1)) {
      const other = readLabels(impl);
      let diff = other.length === ref.length ? 0 : Math.max(ref.length, other.length);
      for (let i = 0; i < Math.min(ref.length, other.length); i++) if (ref[i] !== other[i]) diff++;
      record.agree.labelMismatches[impl] = diff;
    }
    record.agree.labels = Object.values(record.agree.labelMismatches).every((x) => x === 0);
    record.agree.labelsAgainst = refImpl;
  }
  for (const [impl] of timed) rmSync(join(CACHE, `labels-${w.id}-${impl}.bin`), { force: true });
  if (!record.agree.clusterCounts) record.notes.push(`cluster counts differ: ${JSON.stringify(counts)}`);
  if (!record.agree.bandwidth) record.notes.push('bandwidths differ');
  if (record.agree.labels === false) record.notes.push(`labels differ: ${JSON.stringify(record.agree.labelMismatches)}`);

  // Ratios: how many times faster fast-meanshift (all threads) is.
  const fast = record.results['fast-all'];
  record.ratios = {};
  if (fast && 'median' in fast) {
    for (const [impl, r] of timed) if (impl !== 'fast-all') record.ratios[impl] = r.median / fast.median;
  }
  return record;
}

// ---------------------------------------------------------------------------------------------
// machine

function tryExec(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], cwd: ROOT }).trim();
  } catch {
    return null;
  }
}

function machineInfo(pyInfo, pyNote, pyPath) {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu;
  } catch {}
  return {
    cpu,
    cores: os.availableParallelism(),
    memoryBytes: os.totalmem(),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    rustc: tryExec('rustc', ['--version']),
    fastMeanshift: JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version,
    commit: tryExec('git', ['rev-parse', '--short', 'HEAD']),
    python: pyInfo ? { path: relative(ROOT, pyPath) || pyPath, ...pyInfo } : { note: pyNote },
    openblasEnvRemovedForPython: ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'].filter((v) => process.env[v] !== undefined),
    loadAverageAtStart: os.loadavg().map((x) => Number(x.toFixed(2))),
  };
}

// ---------------------------------------------------------------------------------------------
// main

async function main() {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      impl: { type: 'string' },
      quick: { type: 'boolean', default: false },
      smoke: { type: 'boolean', default: false },
      write: { type: 'boolean', default: false },
      'no-save': { type: 'boolean', default: false },
      reps: { type: 'string' },
      'sklearn-threads': { type: 'string', default: '1' },
      'budget-sec': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    const lines = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n');
    console.log(lines.slice(1, lines.findIndex((l) => !l.startsWith('//'))).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
    return 0;
  }
  if (!existsSync(join(ROOT, 'dist', 'index.js'))) {
    console.error('bench: dist/ is missing: run `npm run build` (or `npx tsup` when the addon is built) first');
    return 2;
  }
  const t0 = Date.now();
  const smoke = values.smoke;
  let workloads = smoke ? smokeWorkloads() : fullWorkloads();
  if (values.quick) workloads = workloads.filter((w) => !(w.scaling && w.data.kind === 'blobs' && w.data.n > 1e6));
  if (values.only) {
    const wanted = values.only.split(',').map((s) => s.trim());
    const unknown = wanted.filter((id) => id !== 'scaling' && id !== 'small' && !workloads.some((w) => w.id === id));
    if (unknown.length) {
      console.error(`bench: unknown workload ${unknown.join(', ')}; known: ${workloads.map((w) => w.id).join(', ')}, scaling`);
      return 2;
    }
    workloads = workloads.filter((w) => wanted.includes(w.id) || (wanted.includes('scaling') && w.scaling));
  }
  let impls = IMPLS.map((i) => i.id);
  if (values.impl) {
    const wanted = values.impl.split(',').map((s) => s.trim());
    const unknown = wanted.filter((id) => !impls.includes(id));
    if (unknown.length) {
      console.error(`bench: unknown implementation ${unknown.join(', ')}; known: ${impls.join(', ')}`);
      return 2;
    }
    impls = impls.filter((i) => wanted.includes(i));
  }
  const reps = values.reps ? Number(values.reps) : smoke ? 1 : values.quick ? 3 : 5;
  const budgetSec = values['budget-sec'] ? Number(values['budget-sec']) : smoke ? 0 : values.quick ? 3 : 10;

  const log = (s) => process.stderr.write(`${s}\n`);
  const found = impls.includes('sklearn') || workloads.some((w) => w.data.kind !== 'blobs') ? await findPython() : { python: null, info: null, note: 'not requested' };
  if (found.python) log(`bench: scikit-learn ${found.info.sklearn} via ${found.python}`);
  else log(`bench: scikit-learn skipped: ${found.note}`);
  const machine = machineInfo(found.info, found.note, found.python);
  const sklearnThreads = values['sklearn-threads'] === 'default' ? null : Number(values['sklearn-threads']);
  machine.sklearnThreads = sklearnThreads;
  const ctx = { impls, reps, budgetSec, py: found.python, smoke, labelsUpTo: 1e5, memo: new Map(), log, sklearnThreads, quick: values.quick };

  const records = [];
  for (const w of workloads) records.push(await runWorkload(w, ctx));
  machine.loadAverageAtEnd = os.loadavg().map((x) => Number(x.toFixed(2)));

  if (records.length > 0) {
    console.log(`\nfast-meanshift benchmarks: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}` + (found.info ? `, scikit-learn ${found.info.sklearn}` : ', no scikit-learn'));
    console.log(`medians; ×X = X's time / fast-meanshift all threads; 1t/all = 1 thread / all threads; k = clusters\n`);
    console.log(textTable(records));
    const notes = records.flatMap((w) => w.notes?.map((n) => `${w.id}: ${n}`) ?? []);
    if (notes.length) console.log(`\n${notes.join('\n')}`);
  }
  console.log(`\n${((Date.now() - t0) / 1000).toFixed(1)} s in all`);

  // The small fits (bench/small.mjs): one process of their own, the implementations interleaved.
  const small = !smoke && (!values.only || values.only.split(',').some((s) => s.trim() === 'small'));
  if (small) {
    console.log('\nSmall fits (bench/small.mjs):\n');
    console.log((await run(process.execPath, [join(BENCH, 'small.mjs'), ...(values.quick ? ['--quick'] : []), ...(values.write ? ['--write'] : [])])).trimEnd());
  }

  const disagree = records.filter((w) => w.agree && (!w.agree.clusterCounts || w.agree.labels === false || !w.agree.bandwidth || Object.values(w.results).some((r) => r.error)));
  if (!smoke && !values['no-save'] && records.length > 0) {
    const runInfo = { suite: values.quick ? 'quick' : 'full', reps, budgetSec, argv: process.argv.slice(2), seconds: (Date.now() - t0) / 1000 };
    const previous = existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, 'utf8')) : { workloads: {} };
    const merged = { version: 1, machine, run: runInfo, workloads: { ...previous.workloads } };
    for (const r of records) merged.workloads[r.id] = { ...r, machineDate: r.date, run: runInfo, load: machine.loadAverageAtStart };
    mkdirSync(dirname(RESULTS), { recursive: true });
    writeFileSync(RESULTS, `${JSON.stringify(merged, null, 1)}\n`);
    log(`bench: wrote ${relative(ROOT, RESULTS)}`);
    if (values.write) {
      const { writeReport } = await import('./report.mjs');
      writeReport(merged);
    }
  }
  if (disagree.length) {
    console.error(`\nbench: implementations disagree on ${disagree.map((w) => w.id).join(', ')}`);
    return 1;
  }
  if (smoke) console.log(`bench:smoke: the implementations agree on all ${records.length} workloads`);
  return 0;
}

process.exitCode = await main();

