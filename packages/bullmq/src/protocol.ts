// What the client and the workers agree on: job names, Redis keys, payloads and errors.
import type { ConnectionOptions } from 'bullmq';
import type { Kernel } from 'fast-meanshift';
import { Redis, type RedisOptions } from 'ioredis';

/** The queue distributedFit and startWorker use unless told otherwise. */
export const DEFAULT_QUEUE = 'fast-meanshift';

/** The job kinds a worker processes. */
export const JOB = {
  /** A whole small fit: X travels in the job (base64 of matrixToBuffer). */
  fit: 'fit',
  /** Climb a run of seeds; the climbs go to a Redis key. */
  climb: 'climb',
  /** The flow's parent: merges the climbs, then waits for the label shards it adds. */
  merge: 'merge',
  /** Label a run of rows into the fit's labels key. */
  label: 'label',
} as const;

/** The Redis keys of one distributed fit (all expire after the fit's TTL). */
export function keysOf(fitId: string) {
  const base = `fast-meanshift:${fitId}`;
  return {
    x: `${base}:x`,
    weights: `${base}:weights`,
    seeds: `${base}:seeds`,
    climbs: (shard: number) => `${base}:climbs:${shard}`,
    centers: `${base}:centers`,
    labels: `${base}:labels`,
    aborted: `${base}:aborted`,
    all: (seedShards: number) => [
      `${base}:x`,
      `${base}:weights`,
      `${base}:seeds`,
      `${base}:centers`,
      `${base}:labels`,
      `${base}:aborted`,
      ...Array.from({ length: seedShards }, (_, i) => `${base}:climbs:${i}`),
    ],
  };
}

/** Job ids of one fit (BullMQ ids cannot contain ':'). */
export const jobIds = {
  root: (fitId: string) => `${fitId}.merge`,
  climb: (fitId: string, shard: number) => `${fitId}.climb.${shard}`,
  label: (fitId: string, shard: number) => `${fitId}.label.${shard}`,
  fit: (fitId: string) => `${fitId}.fit`,
};

/** The fit a job id belongs to. */
export const fitIdOf = (jobId: string | undefined): string | undefined => jobId?.split('.')[0];

/** The part of a fit's options a worker needs. */
export interface ClimbJob {
  fitId: string;
  shard: number;
  /** `null`: the seeds are the rows of X. */
  seedsKey: string | null;
  xKey: string;
  /** The rows' weights (Float64Array bytes); `null`: none. */
  weightsKey: string | null;
  start: number;
  end: number;
  totalSeeds: number;
  bandwidth: number;
  maxIter: number;
  kernel: Kernel;
  kernelCutoff: number;
  ttl: number;
}

export interface MergeJob {
  fitId: string;
  /** merge the climbs → add the label jobs → wait for them. */
  step: 'merge' | 'label' | 'wait';
  xKey: string;
  seedShards: number;
  nRows: number;
  rowShards: number;
  bandwidth: number;
  clusterAll: boolean;
  ttl: number;
  nIter?: number;
}

export interface LabelJob {
  fitId: string;
  shard: number;
  xKey: string;
  start: number;
  end: number;
  bandwidth: number;
  clusterAll: boolean;
  ttl: number;
}

export interface FitJob {
  /** base64 of matrixToBuffer(X). */
  x: string;
  /** MeanShift options; `seeds` as base64 of matrixToBuffer. */
  options: Record<string, unknown>;
  /** base64 of the rows' weights as a Float64Array; absent: none. */
  sampleWeight?: string;
}

/** What the merge job (the flow's root) returns. */
export interface MergeResult {
  centers: string;
  nIter: number;
}

/** What a fit job returns: centres and labels as base64 bytes. */
export interface FitResult {
  centers: string;
  nFeatures: number;
  labels: string;
  nIter: number;
  bandwidth: number;
  warnings: string[];
}

/** A failed job's reason carries the library's error as JSON after this marker. */
const MARK = 'fast-meanshift-error:';

/** The reason BullMQ stores for `error`: its message, and code and fields for the client. */
export function encodeError(error: unknown): string {
  const e = error as Error & Record<string, unknown>;
  const fields: Record<string, unknown> = { name: e?.name, message: e?.message ?? String(error) };
  for (const key of ['code', 'parameter', 'row', 'column', 'bandwidth', 'binSize', 'minBinFreq']) {
    if (e?.[key] !== undefined) fields[key] = e[key];
  }
  return `${MARK}${JSON.stringify(fields)}`;
}

/** The error a failed job's reason describes: the library's class, message, code and fields. */
export function decodeError(reason: string): Error {
  const at = reason.indexOf(MARK);
  if (at < 0) return new Error(reason);
  try {
    const { name, message, ...fields } = JSON.parse(reason.slice(at + MARK.length)) as Record<string, unknown>;
    const Class = name === 'RangeError' ? RangeError : name === 'TypeError' ? TypeError : Error;
    const error = Object.assign(new Class(String(message)), fields);
    if (typeof name === 'string' && !['Error', 'RangeError', 'TypeError'].includes(name)) error.name = name;
    return error;
  } catch {
    return new Error(reason);
  }
}

/** A plain Redis client for the data (BullMQ keeps its own connections). */
export function dataClient(connection: ConnectionOptions): Redis {
  if (connection instanceof Redis) return connection.duplicate();
  return new Redis({ ...(connection as RedisOptions), maxRetriesPerRequest: null, lazyConnect: false });
}

export const base64 = (bytes: ArrayBufferView): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
export const fromBase64 = (text: string): Buffer => Buffer.from(text, 'base64');

/** A copy of `bytes` as an ArrayBuffer of its own (a Buffer may sit at any offset of a shared pool). */
export const ownBuffer = (bytes: Uint8Array): ArrayBuffer => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
