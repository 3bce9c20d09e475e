// Distributed fits on a real Redis (redis-server started by the test) with real BullMQ workers:
// the result is fit's, bit for bit, for any number of shards; errors carry the library's code;
// an abort removes the pending jobs; a worker killed with SIGKILL mid-shard is replaced by
// BullMQ's stalled-job recovery and the result is still fit's.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Queue, QueueEvents } from 'bullmq';
import { type FitOptions, makeBlobs, MeanShift, type MeanShiftOptions } from 'fast-meanshift';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createFitClient, distributedFit, type MeanShiftWorker, startWorker } from '../src/index.js';
import { type RedisServer, startRedis } from './redis.js';

let redis: RedisServer;
let worker: MeanShiftWorker;

beforeAll(async () => {
  redis = await startRedis();
  worker = startWorker({ connection: redis.connection, concurrency: 2, nJobs: 1 });
  await worker.worker.waitUntilReady();
});

afterAll(async () => {
  await worker?.close();
  await redis?.stop();
});

const blobs = (nSamples: number, nFeatures: number, randomState: number, clusterStd = 0.6) =>
  makeBlobs({ nSamples, nFeatures, centers: 4, clusterStd, randomState }).X;

function expectFitsBits(X: number[][], options: MeanShiftOptions & FitOptions, got: Awaited<ReturnType<typeof distributedFit>>) {
  const { sampleWeight, ...params } = options;
  const model = new MeanShift(params).fit(X, { sampleWeight });
  const bits = (rows: number[][]) => Buffer.from(Float64Array.from(rows.flat()).buffer);
  expect(bits(got.clusterCenters).equals(bits(model.clusterCenters)), 'centres, bit for bit').toBe(true);
  expect(got.labels).toEqual(model.labels);
  expect(got.nIter).toBe(model.nIter);
  expect(Object.is(got.bandwidth, model.bandwidthUsed)).toBe(true);
}

describe('distributedFit on BullMQ', () => {
  const X = blobs(4_000, 2, 1);

  it.each([1, 2, 3, 7])('gives fit\'s bits with %i seed shard(s), every point a seed (2-D rounds)', async (shards) => {
    const options = { bandwidth: 1.1 };
    const progress: { done: number; total: number }[] = [];
    const got = await distributedFit(X, options, { connection: redis.connection, shards, onProgress: (p) => progress.push(p) });
    expectFitsBits(X, options, got);
    if (shards > 1) expect(progress.at(-1)).toEqual({ done: 2 * shards, total: 2 * shards });
  });

  it('gives fit\'s bits with sample weights and smooth kernels, split or whole', async () => {
    const connection = redis.connection;
    const small = X.slice(0, 1_500);
    // Whole weights 0 to 4: rows of weight 0 seed nothing, so the seeds are not the rows.
    const weights = Float64Array.from(small, (_, i) => (i * 7) % 5);
    const cases: [MeanShiftOptions & FitOptions, number][] = [
      [{ bandwidth: 1.1, sampleWeight: weights }, 3],
      [{ bandwidth: 1.1, sampleWeight: Array.from(weights, (w) => w + 1) }, 2],
      [{ bandwidth: 0.9, binSeeding: true, sampleWeight: weights }, 4],
      [{ bandwidth: 1.1, kernel: 'gaussian', kernelCutoff: 2 }, 3],
      [{ bandwidth: 1.1, kernel: 'epanechnikov', sampleWeight: weights, maxIter: 20 }, 2],
      [{ bandwidth: 1.1, kernel: 'gaussian', sampleWeight: weights, clusterAssignment: 'attractor' }, 1],
    ];
    for (const [options, shards] of cases) {
      expectFitsBits(small, options, await distributedFit(small, options, { connection, shards }));
    }
  });

  it('a whole-fit job takes every option of fit: attractor labels, with bin seeds', async () => {
    const connection = redis.connection;
    for (const options of [{ bandwidth: 0.9, clusterAssignment: 'attractor' }, { bandwidth: 0.9, binSeeding: true, clusterAssignment: 'attractor', clusterAll: false }] as MeanShiftOptions[]) {
      expectFitsBits(X, options, await distributedFit(X, options, { connection }));
    }
  });

  it('with bin seeding, orphans, an estimated bandwidth, given seeds, 3-D and uneven row shards', async () => {
    const small = X.slice(0, 800);
    const three = blobs(1_500, 3, 2, 1);
    const cases: [number[][], MeanShiftOptions, number, number][] = [
      [X, { bandwidth: 0.9, binSeeding: true, clusterAll: false }, 5, 3],
      [small, { bandwidth: null }, 4, 6],
      [three, { bandwidth: 2.2, seeds: three.filter((_, i) => i % 5 === 0) }, 3, 2],
      [three, { bandwidth: 1.5, maxIter: 3 }, 6, 1],
    ];
    for (const [data, options, shards, rowShards] of cases) {
      expectFitsBits(data, options, await distributedFit(data, options, { connection: redis.connection, shards, rowShards }));
    }
  });

  it('rejects with the library\'s error, from the client or from a worker, not a timeout', async () => {
    const connection = redis.connection;
    // In the whole-fit job, on the worker: the error travels back with its class, code and parameter.
    const started = Date.now();
    await expect(distributedFit(X, { bandwidth: -1 }, { connection })).rejects.toMatchObject({
      name: 'RangeError',
      code: 'ERR_OUT_OF_RANGE',
      parameter: 'bandwidth',
      message: "The 'bandwidth' parameter of MeanShift must be a float in the range (0.0, inf) or null. Got -1 instead.",
    });
    // In the flow's merge, on a worker: no seed has a neighbour.
    await expect(distributedFit(X, { bandwidth: 0.5, seeds: [[500, 500], [600, 600]] }, { connection, shards: 2 })).rejects.toMatchObject({
      code: 'ERR_NO_POINT_WITHIN_BANDWIDTH',
      parameter: 'bandwidth',
    });
    // Checked by the client before any job.
    await expect(distributedFit([[0, 0], [1, NaN]], { bandwidth: 1 }, { connection, shards: 3 })).rejects.toMatchObject({
      code: 'ERR_NON_FINITE',
      parameter: 'X',
      row: 1,
      column: 1,
    });
    await expect(distributedFit(X, { bandwidth: 1 }, { connection, shards: 0 })).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE', parameter: 'shards' });
    await expect(distributedFit(X, { bandwidth: 1, clusterAssignment: 'attractor' }, { connection, shards: 2 })).rejects.toMatchObject({
      code: 'ERR_OUT_OF_RANGE',
      parameter: 'clusterAssignment',
    });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('one client runs many fits at once over the same connections, each with fit\'s bits', async () => {
    const admin = new Redis(redis.connection);
    const connections = async () => (await admin.client('LIST')).toString().trim().split('\n').length;
    const client = createFitClient({ connection: redis.connection });
    try {
      const data = [0, 1, 2, 3, 4, 5].map((seed) => blobs(300 + 50 * seed, 2, 10 + seed));
      const options = (i: number): MeanShiftOptions => ({ bandwidth: 0.8 + 0.1 * i, binSeeding: i % 2 === 1 });
      await client.fit(data[0]!, options(0));
      const before = await connections();
      const keysBefore = (await admin.keys('fast-meanshift:*')).sort();
      // 24 fits in flight, whole-fit jobs and flows mixed: no connection is opened per fit.
      const got = await Promise.all(
        Array.from({ length: 24 }, (_, i) => client.fit(data[i % 6]!, options(i % 6), { shards: i % 3 === 0 ? 2 : 1 })),
      );
      got.forEach((result, i) => expectFitsBits(data[i % 6]!, options(i % 6), result));
      expect(await connections()).toBe(before);
      // A fit's keys are deleted when it ends (earlier tests' abort marks expire on their own).
      expect((await admin.keys('fast-meanshift:*')).sort()).toEqual(keysBefore);
    } finally {
      await client.close();
      admin.disconnect();
    }
    await expect(client.fit(X, { bandwidth: 1 })).rejects.toThrow(/closed/);
  });

  it('an abort removes the flow\'s pending jobs', async () => {
    // A queue no worker serves: every job stays pending until the abort.
    const queueName = 'no-workers';
    const queue = new Queue(queueName, { connection: redis.connection });
    const controller = new AbortController();
    const fit = distributedFit(X, { bandwidth: 1 }, { connection: redis.connection, shards: 5, queueName, signal: controller.signal });
    for (let i = 0; i < 200 && (await queue.getJobCountByTypes('wait', 'waiting-children')) < 6; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await queue.getJobCountByTypes('wait', 'waiting-children')).toBe(6);
    controller.abort(new Error('client left'));
    await expect(fit).rejects.toMatchObject({ name: 'AbortError', code: 'ABORT_ERR' });
    const counts = await queue.getJobCounts('wait', 'waiting-children', 'active', 'delayed', 'completed', 'failed');
    expect(counts).toEqual({ wait: 0, 'waiting-children': 0, active: 0, delayed: 0, completed: 0, failed: 0 });
    await queue.close();
  });
});

describe('a worker killed mid-shard (SIGKILL)', () => {
  const main = fileURLToPath(new URL('../dist/worker-main.js', import.meta.url));
  const children: ChildProcess[] = [];

  /** A worker process; `onActive` sees each job id it starts. */
  async function spawnWorker(queueName: string, onActive: (jobId: string) => void = () => {}): Promise<ChildProcess> {
    const child = spawn(process.execPath, [main], {
      env: {
        ...process.env,
        REDIS_URL: `redis://127.0.0.1:${redis.port}`,
        QUEUE: queueName,
        N_JOBS: '1',
        LOCK_DURATION: '1000',
        STALLED_INTERVAL: '500',
        LOG_JOBS: '1',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    await new Promise<void>((resolve, reject) => {
      let text = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('ready\n')) resolve();
        for (const match of chunk.toString().matchAll(/^active (\S+)$/gm)) onActive(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
    });
    return child;
  }

  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('is rerun by another worker and the result is still fit\'s bits', async () => {
    const queueName = 'sigkill';
    // 20 features: every climb scans all points, so a shard runs for a second or more.
    const X = blobs(6_000, 20, 3, 1);
    const options = { bandwidth: 7, maxIter: 30 };
    const events = new QueueEvents(queueName, { connection: redis.connection });
    await events.waitUntilReady();
    const stalled: string[] = [];
    events.on('stalled', ({ jobId }) => stalled.push(jobId));

    let victim: ChildProcess | undefined;
    let killedJob = '';
    const firstClimb = new Promise<void>((resolve) => {
      void spawnWorker(queueName, (jobId) => {
        if (!killedJob && jobId.includes('.climb.')) {
          killedJob = jobId;
          victim!.kill('SIGKILL');
          resolve();
        }
      }).then((child) => (victim = child));
    });
    // The victim must be listening before the fit starts.
    while (!victim) await new Promise((r) => setTimeout(r, 20));
    const fit = distributedFit(X, options, { connection: redis.connection, shards: 3, queueName });
    await firstClimb;
    const rerunBy: string[] = [];
    await spawnWorker(queueName, (jobId) => rerunBy.push(jobId));
    const got = await fit;
    expect(victim.signalCode).toBe('SIGKILL');
    expect(stalled).toContain(killedJob);
    expect(rerunBy).toContain(killedJob);
    expectFitsBits(X, options, got);
    await events.close();
  });
});
