// The addon inside worker_threads: one Worker here, then two at once (and one that exits in the
// middle of a fit) in a child process that must exit by itself. The Workers load the built package
// (dist/), which `npm test` builds first.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { estimateBandwidth, makeBlobs, MeanShift } from '../src/index.js';

const workers = new URL('./workers/', import.meta.url);

describe('worker_threads', () => {
  it('the addon loads and fits (sync and async) inside a Worker', async () => {
    const worker = new Worker(new URL('fit.mjs', workers), { workerData: { nSamples: 2000, randomState: 5 } });
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    const answer = await new Promise<{
      bandwidth: number;
      sync: { centers: number[][]; labels: number[] };
      async: { centers: number[][]; labels: number[] };
    }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    expect(await exited).toBe(0);
    const { X } = makeBlobs({ nSamples: 2000, centers: [[5, 5], [3, 3], [1, 1]], clusterStd: 0.3, randomState: 5 });
    const bandwidth = estimateBandwidth(X, { quantile: 0.2, nSamples: 500 });
    const model = new MeanShift({ bandwidth }).fit(X);
    expect(answer.bandwidth).toBe(bandwidth);
    for (const result of [answer.sync, answer.async]) {
      expect(result.centers).toEqual(model.clusterCenters);
      expect(result.labels).toEqual(Array.from(model.labels));
    }
  });

  it('two Workers fit at once, a third exits mid-fit, and the process exits cleanly', () => {
    const child = spawnSync(process.execPath, [fileURLToPath(new URL('two-workers.mjs', workers))], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(child.stderr).toBe('');
    expect(child.signal).toBeNull();
    expect(child.status).toBe(0);
    expect(JSON.parse(child.stdout)).toEqual({ a: true, b: true, leftWith: 0 });
  });

  it("terminate() ends the Worker's fit in flight at once (an environment cleanup hook aborts it)", async () => {
    const worker = new Worker(new URL('terminate.mjs', workers));
    const first = await new Promise<string>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    expect(first).toBe('fitting');
    const started = performance.now();
    await worker.terminate();
    const took = performance.now() - started;
    // The whole fit takes seconds; terminate() waited for all of it before (9.9 s).
    expect(took).toBeLessThan(100);
    // The process goes on fitting: the aborted fit's pool was given back.
    const { X } = makeBlobs({ nSamples: 200, randomState: 1 });
    await expect(new MeanShift({ bandwidth: 1 }).fitAsync(X)).resolves.toBeInstanceOf(MeanShift);
  }, 60_000);
});
