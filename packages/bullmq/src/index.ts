/**
 * fast-meanshift-bullmq: fast-meanshift fits spread over worker processes with BullMQ on Redis,
 * with `fit`'s bits. Workers: `startWorker({ connection })`; clients: `distributedFit(X, options,
 * { connection, shards })`.
 */
export { startWorker } from './worker.js';
export type { StartWorkerOptions, MeanShiftWorker } from './worker.js';
export { distributedFit } from './client.js';
export type { DistributedFitOptions, DistributedFitResult } from './client.js';
export { DEFAULT_QUEUE, JOB } from './protocol.js';
