#!/usr/bin/env node
// A worker process: `fast-meanshift-worker` (REDIS_URL, default redis://127.0.0.1:6379;
// CONCURRENCY, QUEUE, N_JOBS; LOCK_DURATION and STALLED_INTERVAL in ms). Prints 'ready' when
// it listens, closes on SIGTERM/SIGINT.
import { startWorker } from './worker.js';

const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const num = (name: string) => (process.env[name] === undefined ? undefined : Number(process.env[name]));
const handle = startWorker({
  connection: { host: url.hostname, port: Number(url.port || 6379) },
  concurrency: num('CONCURRENCY') ?? 1,
  queueName: process.env.QUEUE ?? undefined,
  nJobs: num('N_JOBS') ?? null,
  lockDuration: num('LOCK_DURATION'),
  stalledInterval: num('STALLED_INTERVAL'),
});
if (process.env.LOG_JOBS) handle.worker.on('active', (job) => process.stdout.write(`active ${job.id}\n`));
await handle.worker.waitUntilReady();
process.stdout.write('ready\n');
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    handle.close().then(() => process.exit(0), () => process.exit(1));
  });
}
