// @ts-check
// Distributed fits through BullMQ on a real Redis (issue 17), on this machine:
//   1. many independent small fits (1,000 points) through the queue with 1, 2 and 4 worker
//      processes, against the same fits in-process: fits per second, queue overhead per fit;
//   2. one large fit split over 1, 2 and 4 worker processes: 10^6 2-D points with every point a
//      seed, and 10^7 with bin seeding: time, bytes through Redis, and the result against fit's.
//
//   npm run build && npm run test:bullmq   (builds packages/bullmq)
//   node bench/distributed.mjs [--small-fits 200] [--large 1000000] [--huge 10000000] [--workers 1,2,4] [--write]
//
// --write also saves the output to bench/results/distributed.md, whose tables BENCHMARKS.md quotes
// (__test__/readme-figures.test.ts checks that they agree).
//
// Starts its own redis-server (a temporary directory, a free port) and worker processes
// (packages/bullmq/dist/worker-main.js), stops them at the end. Prints a Markdown table.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const { MeanShift, makeBlobs, meanShiftAsync } = await import(join(root, 'dist/index.js'));
const { createFitClient } = await import(join(root, 'packages/bullmq/dist/index.js'));
const { Redis } = await import(join(root, 'packages/bullmq/node_modules/ioredis/built/index.js'));

const { values: args } = parseArgs({
  options: {
    'small-fits': { type: 'string', default: '200' },
    large: { type: 'string', default: '1000000' },
    huge: { type: 'string', default: '10000000' },
    workers: { type: 'string', default: '1,2,4' },
    write: { type: 'boolean', default: false },
  },
});
const workerCounts = args.workers.split(',').map(Number);

async function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = /** @type {any} */ (s.address());
      s.close(() => resolve(port));
    });
  });
}

async function startRedis() {
  execFileSync('sh', ['-c', 'command -v redis-server']);
  const dir = mkdtempSync(join(tmpdir(), 'fms-bench-redis-'));
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve) => child.stdout.on('data', (c) => String(c).includes('Ready to accept') && resolve(undefined)));
  return { port, stop: () => (child.kill(), rmSync(dir, { recursive: true, force: true })) };
}

/** `n` worker processes; each climbs with `nJobs` threads. */
async function startWorkers(port, n, nJobs) {
  const main = join(root, 'packages/bullmq/dist/worker-main.js');
  const children = [];
  for (let i = 0; i < n; i++) {
    const child = spawn(process.execPath, [main], {
      env: { ...process.env, REDIS_URL: `redis://127.0.0.1:${port}`, N_JOBS: String(nJobs), CONCURRENCY: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise((resolve) => child.stdout.on('data', (c) => String(c).includes('ready') && resolve(undefined)));
    children.push(child);
  }
  return async () => {
    await Promise.all(children.map((c) => new Promise((r) => (c.once('exit', r), c.kill('SIGTERM')))));
  };
}

/** Bytes Redis received and sent so far. */
async function netBytes(redis) {
  const info = await redis.info('stats');
  const get = (name) => Number(new RegExp(`${name}:(\\d+)`).exec(info)?.[1] ?? 0);
  return get('total_net_input_bytes') + get('total_net_output_bytes');
}

const bits = (rows) => Buffer.from(Float64Array.from(rows.flat()).buffer);
const same = (got, model) =>
  bits(got.clusterCenters).equals(bits(model.clusterCenters)) &&
  Buffer.from(got.labels.buffer).equals(Buffer.from(model.labels.buffer)) &&
  got.nIter === model.nIter;
const mb = (bytes) => (bytes / 1e6).toFixed(1);

/**
 * `n` 2-D points as { data, shape } (no number[][]): a map of places, one Gaussian blob (std 0.3)
 * of about 3,000 points on each node of a square grid with spacing 4, so the density (and so the
 * work of a step, about 2,600 points within the bandwidth 0.6) stays the same as `n` grows.
 */
function mapPoints(n, seed) {
  const data = new Float64Array(2 * n);
  let s = seed >>> 0;
  const uniform = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  const side = Math.ceil(Math.sqrt(n / 3000));
  for (let i = 0; i < n; i++) {
    const place = i % (side * side);
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const a = 2 * Math.PI * uniform();
    data[2 * i] = 4 * (place % side) + 0.3 * r * Math.cos(a);
    data[2 * i + 1] = 4 * Math.floor(place / side) + 0.3 * r * Math.sin(a);
  }
  return { data, shape: [n, 2] };
}

/** Everything printed, for --write. */
const printed = [];
const log = (line = '') => {
  printed.push(line);
  console.log(line);
};

const redisServer = await startRedis();
const connection = { host: '127.0.0.1', port: redisServer.port };
const redis = new Redis(connection);
const cores = cpus().length;
log(`node ${process.version}, ${cores} cores, redis-server on port ${redisServer.port}\n`);

// 1. Many small fits.
const nSmall = Number(args['small-fits']);
const smallData = Array.from({ length: 20 }, (_, i) => makeBlobs({ nSamples: 1_000, centers: [[5, 5], [3, 3], [1, 1]], clusterStd: 0.3, randomState: i }).X);
const smallOptions = { bandwidth: 0.5 };
{
  let t = performance.now();
  for (let i = 0; i < nSmall; i++) new MeanShift({ ...smallOptions, nJobs: 1 }).fit(smallData[i % 20]);
  const inProcessSeq = (performance.now() - t) / nSmall;
  t = performance.now();
  await Promise.all(Array.from({ length: nSmall }, (_, i) => meanShiftAsync(smallData[i % 20], { ...smallOptions, nJobs: 1 })));
  const inProcessRate = nSmall / ((performance.now() - t) / 1000);
  log('## Many small fits (1,000 points, bandwidth 0.5)\n');
  log('| where | fits/s | ms per fit (one at a time) | queue overhead per fit |');
  log('|---|---|---|---|');
  log(`| in-process (\`meanShiftAsync\`, nJobs 1, ${nSmall} at once) | ${inProcessRate.toFixed(0)} | ${inProcessSeq.toFixed(2)} | |`);
  for (const n of workerCounts) {
    const stop = await startWorkers(redisServer.port, n, 1);
    // One client for all fits, as a server keeps one: its connections are opened once.
    const client = createFitClient({ connection });
    await client.fit(smallData[0], smallOptions);
    // One at a time: latency through the queue.
    const one = [];
    for (let i = 0; i < 30; i++) {
      const s = performance.now();
      await client.fit(smallData[i % 20], smallOptions);
      one.push(performance.now() - s);
    }
    one.sort((a, b) => a - b);
    const latency = one[15];
    t = performance.now();
    const results = await Promise.all(Array.from({ length: nSmall }, (_, i) => client.fit(smallData[i % 20], smallOptions)));
    await client.close();
    const rate = nSmall / ((performance.now() - t) / 1000);
    const ok = results.every((r, i) => same(r, new MeanShift(smallOptions).fit(smallData[i % 20])));
    log(`| queue, ${n} worker process${n > 1 ? 'es' : ''} (${nSmall} at once) | ${rate.toFixed(0)} | ${latency.toFixed(2)} (median of 30) | ${(latency - inProcessSeq).toFixed(2)} ms${ok ? '' : ' — RESULTS DIFFER'} |`);
    await stop();
  }
}

// 2. Large fits.
async function large(title, X, options, shardsPer) {
  log(`\n## ${title}\n`);
  let t = performance.now();
  const model = new MeanShift(options).fit(X);
  const inProcess = (performance.now() - t) / 1000;
  log('| where | seconds | bytes through Redis | same bits as fit |');
  log('|---|---|---|---|');
  log(`| in-process \`fit\` (all ${cores} cores) | ${inProcess.toFixed(2)} | | |`);
  for (const n of workerCounts) {
    const stop = await startWorkers(redisServer.port, n, Math.max(1, Math.floor(cores / n)));
    const before = await netBytes(redis);
    t = performance.now();
    const client = createFitClient({ connection });
    const got = await client.fit(X, options, { shards: shardsPer * n });
    await client.close();
    const seconds = (performance.now() - t) / 1000;
    const moved = (await netBytes(redis)) - before;
    log(`| ${n} worker process${n > 1 ? 'es' : ''}, ${shardsPer * n} seed shards | ${seconds.toFixed(2)} | ${mb(moved)} MB | ${same(got, model) ? 'yes' : 'NO'} |`);
    await stop();
  }
}

const [nLarge, nHuge] = [Number(args.large), Number(args.huge)];
const places = (n) => Math.ceil(Math.sqrt(n / 3000)) ** 2;
if (nLarge > 0) {
  const title = `${nLarge.toLocaleString('en-US')} 2-D points (${places(nLarge)} places), every point a seed (bandwidth 0.6)`;
  await large(title, mapPoints(nLarge, 1), { bandwidth: 0.6 }, 2);
}
if (nHuge > 0) {
  const title = `${nHuge.toLocaleString('en-US')} 2-D points (${places(nHuge)} places), bin seeding (bandwidth 0.6)`;
  await large(title, mapPoints(nHuge, 2), { bandwidth: 0.6, binSeeding: true }, 2);
}

redis.disconnect();
redisServer.stop();
log(`\n(load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(', ')})`);
if (args.write) writeFileSync(join(root, 'bench/results/distributed.md'), `${printed.join('\n')}\n`);
