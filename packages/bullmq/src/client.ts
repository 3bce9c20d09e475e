// The client: a fit spread over the workers as a BullMQ flow, resolved to fit's result.
import { randomUUID } from 'node:crypto';
import { type ConnectionOptions, FlowProducer, Queue, QueueEvents } from 'bullmq';
import { AbortError, matrixFromBuffer, matrixToBuffer, type Matrix, type MeanShiftOptions, seedsFor } from 'fast-meanshift';
import {
  type ClimbJob,
  dataClient,
  decodeError,
  DEFAULT_QUEUE,
  type FitJob,
  type FitResult,
  fitIdOf,
  fromBase64,
  JOB,
  jobIds,
  keysOf,
  type MergeJob,
  type MergeResult,
  ownBuffer,
} from './protocol.js';

/** What distributedFit resolves to: `fit`'s result. */
export interface DistributedFitResult {
  clusterCenters: number[][];
  labels: Int32Array;
  nIter: number;
  bandwidth: number;
}

export interface DistributedFitOptions {
  /** Redis: ioredis options (`{ host, port }`) or an ioredis instance. */
  connection: ConnectionOptions;
  /**
   * Seed shards (climb jobs). 1 (the default): the whole fit is one job, X inside it. More: X is
   * stored in Redis once, the seeds are climbed in this many jobs, merged, and the rows labelled in
   * `rowShards` jobs.
   */
  shards?: number;
  /** Label jobs. Default: `shards`. */
  rowShards?: number;
  /** Default 'fast-meanshift'. */
  queueName?: string;
  /** Removes the flow's pending jobs and rejects with an AbortError. */
  signal?: AbortSignal | null;
  /** Shards done of all shards (seed shards and row shards). */
  onProgress?: ((progress: { done: number; total: number }) => void) | null;
  /** Seconds the fit's keys and failed jobs live in Redis at most. Default 3600. */
  ttlSeconds?: number;
}

function toRows(data: Float64Array, nCols: number): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < data.length; i += nCols) rows.push(Array.from(data.subarray(i, i + nCols)));
  return rows;
}

/** Serialisable options of a whole-fit job (seeds as bytes). */
function jobOptions(options: MeanShiftOptions): Record<string, unknown> {
  const { seeds, ...rest } = options;
  return { ...rest, ...(seeds ? { seeds: matrixToBuffer(seeds).toString('base64') } : {}) };
}

/**
 * `fit(X, options)` on the workers of `connection`'s queue: resolves to the same centres, labels,
 * `nIter` and bandwidth, bit for bit. A library error raised by a worker rejects with that error
 * (its class, `code`, `parameter`); `signal` removes the jobs still pending.
 */
export async function distributedFit(X: Matrix, options: MeanShiftOptions, settings: DistributedFitOptions): Promise<DistributedFitResult> {
  const { connection, shards = 1, queueName = DEFAULT_QUEUE, signal, onProgress, ttlSeconds = 3600 } = settings;
  const rowShards = settings.rowShards ?? shards;
  for (const [name, value] of [['shards', shards], ['rowShards', rowShards]] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw Object.assign(new RangeError(`The '${name}' option of distributedFit must be an integer ≥ 1. Got ${String(value)} instead.`), {
        code: 'ERR_OUT_OF_RANGE',
        parameter: name,
      });
    }
  }
  if (signal?.aborted) throw new AbortError(undefined, { cause: signal.reason });
  const fitId = randomUUID();
  const queue = new Queue(queueName, { connection });
  const redis = dataClient(connection);
  // Events are read from the stream's current end, before any job of this fit exists: a job that
  // finishes before the listener's first read is not missed.
  const [last] = await redis.xrevrange(queue.keys.events, '+', '-', 'COUNT', 1);
  const events = new QueueEvents(queueName, { connection, lastEventId: last?.[0] ?? '0-0' });
  const keys = keysOf(fitId);
  const ids: string[] = [];
  try {
    await events.waitUntilReady();
    return await new Promise<DistributedFitResult>((resolve, reject) => {
      let done = 0;
      let finished = false;
      let rootId = '';
      let total = 0;
      let onResult: (value: unknown) => Promise<DistributedFitResult> = async () => {
        throw new Error('unreachable');
      };
      const finish = (error: unknown, value?: DistributedFitResult) => {
        if (finished) return;
        finished = true;
        signal?.removeEventListener('abort', onAbort);
        events.off('completed', onCompleted);
        events.off('failed', onFailed);
        if (error) reject(error);
        else resolve(value!);
      };
      const onCompleted = ({ jobId, returnvalue }: { jobId: string; returnvalue: unknown }) => {
        if (finished || fitIdOf(jobId) !== fitId) return;
        if (jobId === rootId) {
          onResult(returnvalue).then((r) => finish(null, r), finish);
          return;
        }
        done += 1;
        try {
          onProgress?.({ done, total });
        } catch (error) {
          finish(error);
        }
      };
      const onFailed = ({ jobId, failedReason }: { jobId: string; failedReason: string }) => {
        if (!finished && fitIdOf(jobId) === fitId) finish(decodeError(failedReason));
      };
      const onAbort = () => finish(new AbortError(undefined, { cause: signal?.reason }));
      events.on('completed', onCompleted);
      events.on('failed', onFailed);
      signal?.addEventListener('abort', onAbort, { once: true });

      const submit = async () => {
        if (shards === 1) {
          rootId = jobIds.fit(fitId);
          total = 0;
          ids.push(rootId);
          onResult = async (value) => {
            const r = (typeof value === 'string' ? JSON.parse(value) : value) as FitResult;
            const centers = new Float64Array(ownBuffer(fromBase64(r.centers)));
            const labels = new Int32Array(ownBuffer(fromBase64(r.labels)));
            for (const w of r.warnings) process.emitWarning(w, { type: 'UserWarning', code: 'FAST_MEANSHIFT' });
            return { clusterCenters: toRows(centers, r.nFeatures), labels, nIter: r.nIter, bandwidth: r.bandwidth };
          };
          const data: FitJob = { x: matrixToBuffer(X).toString('base64'), options: jobOptions(options) };
          await queue.add(JOB.fit, data, { jobId: rootId, removeOnComplete: true, removeOnFail: { age: ttlSeconds } });
          return;
        }
        // The seeds and bandwidth fit would use, checked here: bad input fails before any job.
        const { seeds, bandwidth } = seedsFor(X, options);
        const x = matrixToBuffer(X);
        const [nRows, nCols] = [x.readUInt32LE(8), x.readUInt32LE(12)];
        const nSeeds = seeds.shape[0];
        const seedsAreRows = (options.seeds ?? null) === null && !options.binSeeding;
        const write = redis.multi().set(keys.x, x, 'EX', ttlSeconds);
        if (!seedsAreRows) write.set(keys.seeds, matrixToBuffer(seeds), 'EX', ttlSeconds);
        await write.exec();
        const per = Math.ceil(nSeeds / shards);
        const ttl = ttlSeconds;
        rootId = jobIds.root(fitId);
        total = shards + rowShards;
        const children = Array.from({ length: shards }, (_, shard) => {
          const data: ClimbJob = {
            fitId,
            shard,
            seedsKey: seedsAreRows ? null : keys.seeds,
            xKey: keys.x,
            start: Math.min(shard * per, nSeeds),
            end: Math.min((shard + 1) * per, nSeeds),
            totalSeeds: nSeeds,
            bandwidth,
            maxIter: options.maxIter ?? 300,
            ttl,
          };
          const jobId = jobIds.climb(fitId, shard);
          ids.push(jobId);
          return {
            name: JOB.climb,
            queueName,
            data,
            opts: { jobId, failParentOnFailure: true, removeOnComplete: true, removeOnFail: { age: ttl } },
          };
        });
        for (let shard = 0; shard < rowShards; shard++) ids.push(jobIds.label(fitId, shard));
        ids.push(rootId);
        const root: MergeJob = {
          fitId,
          step: 'merge',
          xKey: keys.x,
          seedShards: shards,
          nRows,
          rowShards,
          bandwidth,
          clusterAll: options.clusterAll ?? true,
          ttl,
        };
        onResult = async (value) => {
          const r = (typeof value === 'string' ? JSON.parse(value) : value) as MergeResult;
          const centers = matrixFromBuffer(fromBase64(r.centers));
          const labelBytes = await redis.getBuffer(keys.labels);
          const labels = labelBytes === null ? new Int32Array(0) : new Int32Array(ownBuffer(labelBytes));
          if (labels.length !== nRows) throw new Error(`fast-meanshift: ${labels.length} labels in Redis for ${nRows} rows.`);
          return { clusterCenters: toRows(centers.data as Float64Array, nCols), labels, nIter: r.nIter, bandwidth };
        };
        const flow = new FlowProducer({ connection });
        try {
          await flow.add({
            name: JOB.merge,
            queueName,
            data: root,
            opts: { jobId: rootId, removeOnComplete: true, removeOnFail: { age: ttl } },
            children,
          });
        } finally {
          await flow.close();
        }
      };
      submit().catch(finish);
    });
  } catch (error) {
    // Failed or aborted: nothing more of this fit should run.
    await cancel(queue, redis, fitId, ids, ttlSeconds);
    throw error;
  } finally {
    await redis.del(...keys.all(settings.shards ?? 1)).catch(() => undefined);
    redis.disconnect();
    await queue.close();
    await events.close();
  }
}

/**
 * Stops a fit: marks it aborted (workers skip its remaining work) and removes its jobs that are
 * not running (a running job cannot be removed; it finds the mark and ends).
 */
async function cancel(queue: Queue, redis: ReturnType<typeof dataClient>, fitId: string, ids: string[], ttl: number): Promise<void> {
  await redis.set(keysOf(fitId).aborted, '1', 'EX', ttl).catch(() => undefined);
  for (const id of ids.slice().reverse()) {
    await queue.remove(id, { removeChildren: true }).catch(() => undefined);
  }
}
