// The worker: the four job kinds of a distributed fit, on BullMQ.
import { type ConnectionOptions, type Job, Queue, UnrecoverableError, WaitingChildrenError, Worker } from 'bullmq';
import {
  assignLabels,
  climbSeedsAsync,
  climbsFromBuffer,
  climbsToBuffer,
  type DenseMatrix,
  matrixFromBuffer,
  matrixToBuffer,
  MeanShift,
  type MeanShiftOptions,
  mergeModes,
} from 'fast-meanshift';
import type { Redis } from 'ioredis';
import {
  base64,
  type ClimbJob,
  dataClient,
  DEFAULT_QUEUE,
  encodeError,
  type FitJob,
  type FitResult,
  fromBase64,
  JOB,
  jobIds,
  keysOf,
  type LabelJob,
  type MergeJob,
  type MergeResult,
  ownBuffer,
} from './protocol.js';

export interface StartWorkerOptions {
  /** Redis: ioredis options (`{ host, port }`) or an ioredis instance. */
  connection: ConnectionOptions;
  /** Jobs this process runs at once. Default 1. */
  concurrency?: number;
  /** Default 'fast-meanshift'. */
  queueName?: string;
  /** Threads per climb or fit, as `MeanShift`'s `nJobs`. Default `null`: all cores. */
  nJobs?: number | null;
  /** BullMQ settings for tests and tuning (lock duration, stalled interval). */
  lockDuration?: number;
  stalledInterval?: number;
  maxStalledCount?: number;
}

export interface MeanShiftWorker {
  /** The BullMQ worker (events: 'completed', 'failed', 'stalled', ...). */
  readonly worker: Worker;
  /** Waits for the running jobs, then closes the connections. */
  close(): Promise<void>;
}

type DataMatrix = DenseMatrix & { data: Float64Array | Float32Array };

/** The data of the fits seen last (X, weights), by Redis key: a worker reads each from Redis once. */
class DataCache {
  #entries = new Map<string, Promise<DataMatrix | Float64Array>>();
  constructor(private readonly redis: Redis, private readonly size = 4) {}

  #get<T extends DataMatrix | Float64Array>(fitId: string, key: string, decode: (bytes: Buffer) => T): Promise<T> {
    let entry = this.#entries.get(key);
    if (!entry) {
      entry = this.redis.getBuffer(key).then((bytes) => {
        if (bytes === null) throw new UnrecoverableError(`fast-meanshift: the data of fit ${fitId} is gone from Redis (expired or aborted).`);
        return decode(bytes);
      });
      entry.catch(() => this.#entries.delete(key));
      this.#entries.set(key, entry);
      while (this.#entries.size > this.size) this.#entries.delete(this.#entries.keys().next().value as string);
    }
    return entry as Promise<T>;
  }

  x(fitId: string, key: string): Promise<DataMatrix> {
    return this.#get(fitId, key, (bytes) => matrixFromBuffer(bytes) as DataMatrix);
  }

  /** The rows' weights stored at `key` (`null`: the fit has none). */
  async weights(fitId: string, key: string | null): Promise<Float64Array | null> {
    return key === null ? null : this.#get(fitId, key, (bytes) => new Float64Array(ownBuffer(bytes)));
  }
}

/** Rows `start` to `end` of a `{ data, shape }` matrix, without a copy. */
function rowsOf(x: DenseMatrix, start: number, end: number): DenseMatrix {
  const d = x.shape[1];
  return { data: x.data.subarray(start * d, end * d), shape: [end - start, d] };
}

/**
 * Starts a worker that processes distributed fits' jobs: climbs of seed shards (off the event loop,
 * so BullMQ keeps its lock), the merge, label shards and whole small fits. A library error fails
 * the job without retry, carrying its `code` and fields to the client.
 */
export function startWorker(options: StartWorkerOptions): MeanShiftWorker {
  const { connection, concurrency = 1, queueName = DEFAULT_QUEUE, nJobs = null } = options;
  const redis = dataClient(connection);
  const cache = new DataCache(redis);
  const queue = new Queue(queueName, { connection });

  const aborted = async (fitId: string) => (await redis.exists(keysOf(fitId).aborted)) === 1;

  async function climb(job: Job<ClimbJob>) {
    const d = job.data;
    if (await aborted(d.fitId)) return { key: null };
    const [x, sampleWeight] = await Promise.all([cache.x(d.fitId, d.xKey), cache.weights(d.fitId, d.weightsKey)]);
    const nCols = x.shape[1];
    let seeds: DenseMatrix;
    if (d.seedsKey === null) seeds = rowsOf(x, d.start, d.end);
    else {
      // Only this shard's bytes: GETRANGE past the 24-byte header.
      const first = 24 + d.start * nCols * 8;
      const bytes = d.end > d.start ? await redis.getrangeBuffer(d.seedsKey, first, 24 + d.end * nCols * 8 - 1) : Buffer.alloc(0);
      const data = new Float64Array(ownBuffer(bytes));
      seeds = { data, shape: [d.end - d.start, nCols] };
    }
    const climbs = await climbSeedsAsync(x, seeds, {
      bandwidth: d.bandwidth,
      maxIter: d.maxIter,
      kernel: d.kernel,
      kernelCutoff: d.kernelCutoff,
      sampleWeight,
      firstSeed: d.start,
      totalSeeds: d.totalSeeds,
      nJobs,
    });
    const key = keysOf(d.fitId).climbs(d.shard);
    await redis.set(key, climbsToBuffer(climbs), 'EX', d.ttl);
    return { key };
  }

  async function merge(job: Job<MergeJob>, token: string): Promise<MergeResult | undefined> {
    const d = job.data;
    const keys = keysOf(d.fitId);
    if (await aborted(d.fitId)) throw new UnrecoverableError('fast-meanshift: the fit was aborted.');
    if (d.step === 'merge') {
      const buffers = await Promise.all(Array.from({ length: d.seedShards }, (_, i) => redis.getBuffer(keys.climbs(i))));
      const climbs = buffers.map((b, i) => {
        if (b === null) throw new UnrecoverableError(`fast-meanshift: the climbs of shard ${i} are gone from Redis.`);
        return climbsFromBuffer(b);
      });
      const modes = mergeModes(climbs, { bandwidth: d.bandwidth });
      await redis.set(keys.centers, matrixToBuffer(modes.clusterCenters), 'EX', d.ttl);
      await redis.del(...Array.from({ length: d.seedShards }, (_, i) => keys.climbs(i)));
      await job.updateData({ ...d, step: 'label', nIter: modes.nIter });
    }
    // Step 2: add the label jobs (again after a crash here: their ids make it idempotent while
    // they are pending, and a label job run twice writes the same bytes).
    const step = job.data;
    const per = Math.ceil(step.nRows / step.rowShards);
    for (let shard = 0; step.step === 'label' && shard < step.rowShards; shard++) {
      const data: LabelJob = {
        fitId: step.fitId,
        shard,
        xKey: step.xKey,
        start: Math.min(shard * per, step.nRows),
        end: Math.min((shard + 1) * per, step.nRows),
        bandwidth: step.bandwidth,
        clusterAll: step.clusterAll,
        ttl: step.ttl,
      };
      await queue.add(JOB.label, data, {
        jobId: jobIds.label(step.fitId, shard),
        parent: { id: job.id!, queue: job.queueQualifiedName },
        failParentOnFailure: true,
        removeOnComplete: true,
        removeOnFail: { age: step.ttl },
      });
    }
    if (step.step === 'label') await job.updateData({ ...step, step: 'wait' });
    // Step 3: wait for them; run again when they are done.
    if (await job.moveToWaitingChildren(token)) throw new WaitingChildrenError();
    const centers = await redis.getBuffer(keys.centers);
    if (centers === null) throw new UnrecoverableError('fast-meanshift: the centres are gone from Redis.');
    return { centers: centers.toString('base64'), nIter: step.nIter ?? 0 };
  }

  async function label(job: Job<LabelJob>) {
    const d = job.data;
    if (await aborted(d.fitId)) return { rows: 0 };
    const keys = keysOf(d.fitId);
    const [x, centers] = await Promise.all([cache.x(d.fitId, d.xKey), redis.getBuffer(keys.centers)]);
    if (centers === null) throw new UnrecoverableError('fast-meanshift: the centres are gone from Redis.');
    const labels = assignLabels(rowsOf(x, d.start, d.end), matrixFromBuffer(centers), {
      bandwidth: d.bandwidth,
      clusterAll: d.clusterAll,
      nJobs,
    });
    await redis.multi().setrange(keys.labels, d.start * 4, Buffer.from(labels.buffer, labels.byteOffset, labels.byteLength)).expire(keys.labels, d.ttl).exec();
    return { rows: labels.length };
  }

  async function fit(job: Job<FitJob>): Promise<FitResult> {
    const { x, options, sampleWeight } = job.data;
    const { seeds, ...rest } = options;
    const params = { ...rest, nJobs, ...(typeof seeds === 'string' ? { seeds: matrixFromBuffer(fromBase64(seeds)) } : {}) } as MeanShiftOptions;
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    const model = new MeanShift(params);
    process.on('warning', onWarning);
    try {
      const weights = sampleWeight === undefined ? null : new Float64Array(ownBuffer(fromBase64(sampleWeight)));
      await model.fitAsync(matrixFromBuffer(fromBase64(x)), { sampleWeight: weights });
    } finally {
      process.off('warning', onWarning);
    }
    const centers = Float64Array.from(model.clusterCenters.flat());
    return {
      centers: base64(centers),
      nFeatures: model.nFeaturesIn,
      labels: base64(model.labels),
      nIter: model.nIter,
      bandwidth: model.bandwidthUsed,
      warnings,
    };
  }

  const worker = new Worker(
    queueName,
    async (job: Job, token?: string) => {
      try {
        switch (job.name) {
          case JOB.climb:
            return await climb(job as Job<ClimbJob>);
          case JOB.merge:
            return await merge(job as Job<MergeJob>, token!);
          case JOB.label:
            return await label(job as Job<LabelJob>);
          case JOB.fit:
            return await fit(job as Job<FitJob>);
          default:
            throw new UnrecoverableError(`fast-meanshift: unknown job kind '${job.name}'.`);
        }
      } catch (error) {
        if (error instanceof WaitingChildrenError) throw error;
        // A library error (it has a code) will not go away on a retry.
        if ((error as { code?: unknown })?.code !== undefined || error instanceof UnrecoverableError) {
          throw new UnrecoverableError(encodeError(error));
        }
        throw error;
      }
    },
    {
      connection,
      concurrency,
      ...(options.lockDuration !== undefined ? { lockDuration: options.lockDuration } : {}),
      ...(options.stalledInterval !== undefined ? { stalledInterval: options.stalledInterval } : {}),
      ...(options.maxStalledCount !== undefined ? { maxStalledCount: options.maxStalledCount } : {}),
    },
  );
  return {
    worker,
    async close() {
      await worker.close();
      await queue.close();
      redis.disconnect();
    },
  };
}
