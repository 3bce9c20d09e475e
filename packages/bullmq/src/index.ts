/**
 * fast-meanshift-bullmq: fast-meanshift fits spread over worker processes with BullMQ on Redis,
 * with `fit`'s bits. Workers: `startWorker({ connection })`; clients: `createFitClient({ connection })` and
 * `client.fit(X, options, { shards })`, or `distributedFit(X, options, { connection, shards })` for one fit.
 */
export { startWorker } from './worker.js';
export type { StartWorkerOptions, MeanShiftWorker } from './worker.js';
export { createFitClient, distributedFit, FitClient } from './client.js';
export type { DistributedFitOptions, DistributedFitResult, FitClientOptions, FitSpread } from './client.js';
export { DEFAULT_QUEUE, JOB } from './protocol.js';
