// The client: a fit spread over the workers as a BullMQ flow, resolved to fit's result.
import { randomUUID } from 'node:crypto';
import { type ConnectionOptions, FlowProducer, Queue, QueueEvents } from 'bullmq';
import {
  AbortError,
  type FitOptions,
  matrixFromBuffer,
  matrixToBuffer,
  type Matrix,
  type MeanShiftOptions,
  seedsFor,
} from 'fast-meanshift';
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

/** Where a client's fits go: the Redis server and queue its workers serve. */
export interface FitClientOptions {
  /** Redis: ioredis options (`{ host, port }`) or an ioredis instance. */
  connection: ConnectionOptions;
  /** Default 'fast-meanshift'. */
  queueName?: string;
  /** Seconds a fit's keys and failed jobs live in Redis at most. Default 3600. */
  ttlSeconds?: number;
}

/** How one fit is spread, and how its caller follows it. */
export interface FitSpread {
  /**
   * Seed shards (climb jobs). 1 (the default): the whole fit is one job, X inside it. More: X is
   * stored in Redis once, the seeds are climbed in this many jobs, merged, and the rows labelled in
   * `rowShards` jobs.
   */
  shards?: number;
  /** Label jobs. Default: `shards`. */
  rowShards?: number;
  /** Removes the flow's pending jobs and rejects with an AbortError. */
  signal?: AbortSignal | null;
  /** Shards done of all shards (seed shards and row shards). */
  onProgress?: ((progress: { done: number; total: number }) => void) | null;
}

/** `distributedFit`'s settings: a client's (or the client itself) and the fit's spread. */
export type DistributedFitOptions = FitSpread & (FitClientOptions | { client: FitClient; connection?: undefined });

function toRows(data: Float64Array, nCols: number): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < data.length; i += nCols) rows.push(Array.from(data.subarray(i, i + nCols)));
  return rows;
}

/** `fit`'s options, and its rows' weights (as `meanShift` takes them). */
export type DistributedFitParams = MeanShiftOptions & FitOptions;

/** Serialisable options of a whole-fit job (seeds as bytes; the weights travel beside them). */
function jobOptions(options: DistributedFitParams): Record<string, unknown> {
  const { seeds, sampleWeight: _weights, ...rest } = options;
  return { ...rest, ...(seeds ? { seeds: matrixToBuffer(seeds).toString('base64') } : {}) };
}

/** The weights as the bytes of a Float64Array (`null`: none). */
function weightBytes(sampleWeight: FitOptions['sampleWeight']): Buffer | null {
  if (sampleWeight === undefined || sampleWeight === null) return null;
  const weights = sampleWeight instanceof Float64Array ? sampleWeight : Float64Array.from(sampleWeight);
  return Buffer.from(weights.buffer, weights.byteOffset, weights.byteLength);
}

/** Handlers of one fit's job events. */
interface FitListener {
  completed(jobId: string, returnvalue: unknown): void;
  failed(failedReason: string): void;
}

/**
 * Fits on the workers of one queue, many at a time over one set of connections: a `Queue`, a
 * `QueueEvents` stream read once for all fits, a `FlowProducer` and a data connection. Opening
 * those per fit cost several milliseconds per fit; a server keeps one client and calls `fit`.
 */
export class FitClient {
  readonly queueName: string;
  private readonly connection: ConnectionOptions;
  private readonly ttlSeconds: number;
  private readonly queue: Queue;
  private readonly redis: ReturnType<typeof dataClient>;
  private readonly flows: FlowProducer;
  private readonly listeners = new Map<string, FitListener>();
  private events: Promise<QueueEvents> | null = null;
  private closed = false;

  constructor({ connection, queueName = DEFAULT_QUEUE, ttlSeconds = 3600 }: FitClientOptions) {
    this.connection = connection;
    this.queueName = queueName;
    this.ttlSeconds = ttlSeconds;
    this.queue = new Queue(queueName, { connection });
    this.redis = dataClient(connection);
    this.flows = new FlowProducer({ connection });
  }

  /** The queue's event stream, opened on the first fit and read from its end at that moment. */
  private listen(): Promise<QueueEvents> {
    this.events ??= (async () => {
      // Read from the stream's current end, before any job of this client exists: a job that
      // finishes before the listener's first read is not missed.
      const [last] = await this.redis.xrevrange(this.queue.keys.events, '+', '-', 'COUNT', 1);
      const events = new QueueEvents(this.queueName, { connection: this.connection, lastEventId: last?.[0] ?? '0-0' });
      events.on('completed', ({ jobId, returnvalue }) => {
        const fitId = fitIdOf(jobId);
        if (fitId !== undefined) this.listeners.get(fitId)?.completed(jobId, returnvalue);
      });
      events.on('failed', ({ jobId, failedReason }) => {
        const fitId = fitIdOf(jobId);
        if (fitId !== undefined) this.listeners.get(fitId)?.failed(failedReason);
      });
      await events.waitUntilReady();
      return events;
    })();
    return this.events;
  }

  /**
   * `fit(X, options)` on the workers: resolves to the same centres, labels, `nIter` and bandwidth,
   * bit for bit. A library error raised by a worker rejects with that error (its class, `code`,
   * `parameter`); `signal` removes the jobs still pending.
   */
  async fit(X: Matrix, options: DistributedFitParams, spread: FitSpread = {}): Promise<DistributedFitResult> {
    const { shards = 1, signal, onProgress } = spread;
    const rowShards = spread.rowShards ?? shards;
    for (const [name, value] of [['shards', shards], ['rowShards', rowShards]] as const) {
      if (!Number.isInteger(value) || value < 1) {
        throw Object.assign(new RangeError(`The '${name}' option of distributedFit must be an integer ≥ 1. Got ${String(value)} instead.`), {
          code: 'ERR_OUT_OF_RANGE',
          parameter: name,
        });
      }
    }
    if (shards > 1 && options.clusterAssignment === 'attractor') {
      // The label shards label by nearest centre (assignLabels); attractor labels need each row's climb.
      const message =
        "distributedFit labels a fit split into shards by nearest centre only: clusterAssignment 'attractor' needs shards: 1 (the whole fit in one job).";
      throw Object.assign(new RangeError(message), { code: 'ERR_OUT_OF_RANGE', parameter: 'clusterAssignment' });
    }
    if (this.closed) throw new Error('fast-meanshift-bullmq: this FitClient is closed.');
    if (signal?.aborted) throw new AbortError(undefined, { cause: signal.reason });
    await this.listen();
    const fitId = randomUUID();
    const keys = keysOf(fitId);
    const ids: string[] = [];
    try {
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
          this.listeners.delete(fitId);
          if (error) reject(error);
          else resolve(value!);
        };
        const onAbort = () => finish(new AbortError(undefined, { cause: signal?.reason }));
        this.listeners.set(fitId, {
          completed: (jobId, returnvalue) => {
            if (finished) return;
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
          },
          failed: (failedReason) => finish(decodeError(failedReason)),
        });
        signal?.addEventListener('abort', onAbort, { once: true });

        const submit = async () => {
          if (shards === 1) {
            rootId = jobIds.fit(fitId);
            ids.push(rootId);
            onResult = async (value) => {
              const r = (typeof value === 'string' ? JSON.parse(value) : value) as FitResult;
              const centers = new Float64Array(ownBuffer(fromBase64(r.centers)));
              const labels = new Int32Array(ownBuffer(fromBase64(r.labels)));
              for (const w of r.warnings) process.emitWarning(w, { type: 'UserWarning', code: 'FAST_MEANSHIFT' });
              return { clusterCenters: toRows(centers, r.nFeatures), labels, nIter: r.nIter, bandwidth: r.bandwidth };
            };
            const weights = weightBytes(options.sampleWeight);
            const data: FitJob = {
              x: matrixToBuffer(X).toString('base64'),
              options: jobOptions(options),
              ...(weights ? { sampleWeight: weights.toString('base64') } : {}),
            };
            await this.queue.add(JOB.fit, data, { jobId: rootId, removeOnComplete: true, removeOnFail: { age: this.ttlSeconds } });
            return;
          }
          // The seeds and bandwidth fit would use, checked here: bad input fails before any job.
          const { seeds, bandwidth } = seedsFor(X, options);
          const x = matrixToBuffer(X);
          const [nRows, nCols] = [x.readUInt32LE(8), x.readUInt32LE(12)];
          const nSeeds = seeds.shape[0];
          // The rows themselves, unless some weigh 0 (they seed nothing): then the seeds are stored.
          const seedsAreRows = (options.seeds ?? null) === null && !options.binSeeding && nSeeds === nRows;
          const ttl = this.ttlSeconds;
          const weights = weightBytes(options.sampleWeight);
          const write = this.redis.multi().set(keys.x, x, 'EX', ttl);
          if (weights) write.set(keys.weights, weights, 'EX', ttl);
          if (!seedsAreRows) write.set(keys.seeds, matrixToBuffer(seeds), 'EX', ttl);
          await write.exec();
          const per = Math.ceil(nSeeds / shards);
          rootId = jobIds.root(fitId);
          total = shards + rowShards;
          const children = Array.from({ length: shards }, (_, shard) => {
            const data: ClimbJob = {
              fitId,
              shard,
              seedsKey: seedsAreRows ? null : keys.seeds,
              xKey: keys.x,
              weightsKey: weights ? keys.weights : null,
              start: Math.min(shard * per, nSeeds),
              end: Math.min((shard + 1) * per, nSeeds),
              totalSeeds: nSeeds,
              bandwidth,
              maxIter: options.maxIter ?? 300,
              kernel: options.kernel ?? 'flat',
              kernelCutoff: options.kernelCutoff ?? 3,
              ttl,
            };
            const jobId = jobIds.climb(fitId, shard);
            ids.push(jobId);
            return {
              name: JOB.climb,
              queueName: this.queueName,
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
            const labelBytes = await this.redis.getBuffer(keys.labels);
            const labels = labelBytes === null ? new Int32Array(0) : new Int32Array(ownBuffer(labelBytes));
            if (labels.length !== nRows) throw new Error(`fast-meanshift: ${labels.length} labels in Redis for ${nRows} rows.`);
            return { clusterCenters: toRows(centers.data as Float64Array, nCols), labels, nIter: r.nIter, bandwidth };
          };
          await this.flows.add({
            name: JOB.merge,
            queueName: this.queueName,
            data: root,
            opts: { jobId: rootId, removeOnComplete: true, removeOnFail: { age: ttl } },
            children,
          });
        };
        submit().catch(finish);
      });
    } catch (error) {
      // Failed or aborted: nothing more of this fit should run.
      await this.cancel(fitId, ids);
      throw error;
    } finally {
      // A whole-fit job stores no keys.
      if (shards > 1) await this.redis.del(...keys.all(shards)).catch(() => undefined);
    }
  }

  /**
   * Stops a fit: marks it aborted (workers skip its remaining work) and removes its jobs that are
   * not running (a running job cannot be removed; it finds the mark and ends).
   */
  private async cancel(fitId: string, ids: string[]): Promise<void> {
    await this.redis.set(keysOf(fitId).aborted, '1', 'EX', this.ttlSeconds).catch(() => undefined);
    for (const id of ids.slice().reverse()) {
      await this.queue.remove(id, { removeChildren: true }).catch(() => undefined);
    }
  }

  /** Closes the connections; fits still running are not waited for. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const events = this.events;
    this.redis.disconnect();
    await Promise.all([this.queue.close(), this.flows.close(), events?.then((e) => e.close(), () => undefined)]);
  }
}

/** A client for `settings`' queue; `close()` it when done (a server keeps one for its lifetime). */
export function createFitClient(settings: FitClientOptions): FitClient {
  return new FitClient(settings);
}

/**
 * `fit(X, options)` on the workers: one fit, through `settings.client` or through connections
 * opened for this call and closed after it (a few ms per call: keep a client for many fits).
 */
export async function distributedFit(X: Matrix, options: DistributedFitParams, settings: DistributedFitOptions): Promise<DistributedFitResult> {
  if ('client' in settings && settings.client) return settings.client.fit(X, options, settings);
  const client = new FitClient(settings as FitClientOptions);
  try {
    return await client.fit(X, options, settings);
  } finally {
    await client.close();
  }
}
