// The async API (issue #4): fitAsync off the event loop, AbortSignal, progress, thread control,
// bit-identical results under concurrency. Assertions compare the run against itself (sync vs
// async, a fit's own duration), never against absolute speeds: the machine is small and shared.
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  AbortError,
  estimateBandwidth,
  estimateBandwidthAsync,
  makeBlobs,
  MeanShift,
  meanShift,
  meanShiftAsync,
  type MeanShiftOptions,
  type Progress,
} from '../src/index.js';
import { tutorialBlobs } from './helpers.js';

const BANDWIDTH = 0.5609388709056582; // W1's estimate_bandwidth(X, quantile=0.2, n_samples=500)

/** W1's data (10,000 points), or more points from the same blobs. */
function blobs(nSamples: number, randomState = 0): { data: Float64Array; shape: [number, number] } {
  return { data: Float64Array.from(tutorialBlobs(nSamples, randomState).flat()), shape: [nSamples, 2] };
}

const W1 = blobs(10_000);

/** The largest gap between the ticks of a 2 ms interval while `work` runs. */
async function maxGapDuring(work: () => unknown): Promise<{ gap: number; duration: number }> {
  let last = performance.now();
  let gap = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    gap = Math.max(gap, now - last);
    last = now;
  }, 2);
  // Let the interval tick once so that `last` is a tick, not the set-up.
  await new Promise((resolve) => setTimeout(resolve, 10));
  const start = performance.now();
  await work();
  const duration = performance.now() - start;
  // A sync fit blocks until here: the next tick measures the gap it caused.
  await new Promise((resolve) => setTimeout(resolve, 10));
  clearInterval(timer);
  return { gap, duration };
}

const sameFit = (a: MeanShift, b: MeanShift): void => {
  expect(a.clusterCenters).toEqual(b.clusterCenters);
  expect(a.labels).toEqual(b.labels);
  expect(a.nIter).toBe(b.nIter);
  expect(a.bandwidthUsed).toBe(b.bandwidthUsed);
};

describe('fitAsync keeps the event loop running', () => {
  it('a 2 ms interval keeps firing during fitAsync; the same fit called synchronously blocks it', async () => {
    // W1, or more points (the cost grows about as N²) until the sync fit takes 600 ms.
    let X = W1;
    for (let n = 20_000; n <= 320_000; n *= 2) {
      const start = performance.now();
      new MeanShift({ bandwidth: BANDWIDTH }).fit(X);
      if (performance.now() - start >= 600) break;
      X = blobs(n);
    }
    const asyncModel = new MeanShift({ bandwidth: BANDWIDTH });
    const during = await maxGapDuring(() => asyncModel.fitAsync(X));
    const syncModel = new MeanShift({ bandwidth: BANDWIDTH });
    const blocked = await maxGapDuring(() => syncModel.fit(X));
    console.log(
      `fitAsync ${during.duration.toFixed(0)} ms, largest interval gap ${during.gap.toFixed(1)} ms; ` +
        `fit ${blocked.duration.toFixed(0)} ms, largest gap ${blocked.gap.toFixed(1)} ms`,
    );
    expect(during.duration).toBeGreaterThanOrEqual(200);
    expect(during.gap).toBeLessThan(during.duration / 4);
    expect(blocked.gap).toBeGreaterThanOrEqual(blocked.duration * 0.9);
    sameFit(asyncModel, syncModel);
  });
});

describe('AbortSignal', () => {
  it('an already aborted signal rejects at once, before any work', async () => {
    const controller = new AbortController();
    const reason = new Error('no longer needed');
    controller.abort(reason);
    const progress: Progress[] = [];
    const model = new MeanShift({ bandwidth: BANDWIDTH });
    const error = await model.fitAsync(W1, { signal: controller.signal, onProgress: (p) => progress.push(p) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('AbortError');
    expect((error as AbortError).code).toBe('ABORT_ERR');
    expect((error as Error).cause).toBe(reason);
    expect(progress).toEqual([]);
    expect(() => model.labels).toThrow(/not fitted/);
    await expect(meanShiftAsync(W1, { bandwidth: BANDWIDTH, signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    await expect(estimateBandwidthAsync(W1, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('an abort during the fit stops the core and rejects with an AbortError promptly', async () => {
    const controller = new AbortController();
    const calls: Progress[] = [];
    // Four times W1's points: the fit takes far longer than the 20 ms before the abort. (2-D fits with many
    // seeds climb in lock-step, so seeds finish late: the abort comes on a timer, not on a progress call.)
    const n = 40_000;
    const promise = new MeanShift({ bandwidth: BANDWIDTH }).fitAsync(blobs(n), {
      signal: controller.signal,
      onProgress: (p) => calls.push(p),
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const abortedAt = performance.now();
    controller.abort();
    const error = await promise.catch((e: unknown) => e);
    const latency = performance.now() - abortedAt;
    console.log(`abort latency ${latency.toFixed(1)} ms (${calls.at(-1)?.done ?? 0} of ${n} seeds done)`);
    expect((error as Error).name).toBe('AbortError');
    // The core stopped: it never reported every seed done.
    expect(calls.every((p) => p.done < n)).toBe(true);
    // 100 ms is the target (a query takes microseconds); generous for a shared machine.
    expect(latency).toBeLessThan(1000);
    // No progress after the abort, and none after the rejection.
    const count = calls.length;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(calls.length).toBe(count);
  });

  it('an abort while queued behind other fits rejects at once; the others complete', async () => {
    const controller = new AbortController();
    const first = new MeanShift({ bandwidth: BANDWIDTH }).fitAsync(W1);
    const second = new MeanShift({ bandwidth: BANDWIDTH }).fitAsync(W1);
    const queued = new MeanShift({ bandwidth: BANDWIDTH }).fitAsync(W1, { signal: controller.signal });
    const start = performance.now();
    controller.abort();
    await expect(queued).rejects.toMatchObject({ name: 'AbortError' });
    expect(performance.now() - start).toBeLessThan(100);
    const reference = new MeanShift({ bandwidth: BANDWIDTH }).fit(W1);
    sameFit(await first, reference);
    sameFit(await second, reference);
  });

  it('estimateBandwidthAsync and a fit with bandwidth null stop on abort too', async () => {
    // Aborted right after the call: the task has started (nothing else runs), so the core stops it.
    for (const run of [
      (signal: AbortSignal) => estimateBandwidthAsync(W1, { signal }),
      (signal: AbortSignal) => new MeanShift().fitAsync(W1, { signal }),
    ]) {
      const controller = new AbortController();
      const promise = run(controller.signal);
      controller.abort();
      await expect(promise).rejects.toMatchObject({ name: 'AbortError' });
    }
  });
});

describe('onProgress', () => {
  it('is monotone, rate limited, ends with done === total, and is never called after settling', async () => {
    const calls: (Progress & { at: number })[] = [];
    let settled = false;
    let calledAfterSettling = false;
    const start = performance.now();
    const model = await new MeanShift({ bandwidth: BANDWIDTH }).fitAsync(W1, {
      onProgress: (p) => {
        if (settled) calledAfterSettling = true;
        calls.push({ ...p, at: performance.now() });
      },
    });
    settled = true;
    const duration = performance.now() - start;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(calledAfterSettling).toBe(false);
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.at(-1)).toMatchObject({ done: 10_000, total: 10_000 });
    for (const [i, call] of calls.entries()) {
      expect(call.total).toBe(10_000);
      expect(Number.isInteger(call.done) && call.done > 0 && call.done <= call.total).toBe(true);
      if (i > 0) expect(call.done).toBeGreaterThan(calls[i - 1]!.done);
    }
    // At most 20 a second (one per 50 ms tick) plus the last call.
    expect(calls.length).toBeLessThanOrEqual(Math.ceil(duration / 50) + 2);
    expect(model.labels.length).toBe(10_000);
  });

  it('reports bin seeds as the total with binSeeding', async () => {
    const calls: Progress[] = [];
    const model = await new MeanShift({ bandwidth: BANDWIDTH, binSeeding: true }).fitAsync(W1, { onProgress: (p) => calls.push(p) });
    expect(calls.at(-1)!.done).toBe(calls.at(-1)!.total);
    expect(calls.at(-1)!.total).toBeLessThan(10_000);
    sameFit(model, new MeanShift({ bandwidth: BANDWIDTH, binSeeding: true }).fit(W1));
  });

  it('an error thrown by onProgress stops the fit and rejects with it', async () => {
    const boom = new Error('progress handler failed');
    const promise = new MeanShift({ bandwidth: BANDWIDTH }).fitAsync(W1, {
      onProgress: () => {
        throw boom;
      },
    });
    await expect(promise).rejects.toBe(boom);
  });
});

describe('results: bit-identical for every nJobs, sync or async, under concurrency', () => {
  it('32 concurrent fitAsync calls on different data each equal their sync result', async () => {
    const cases = Array.from({ length: 32 }, (_, i) => {
      const { X } = makeBlobs({ nSamples: 300 + 40 * i, centers: 3 + (i % 3), clusterStd: 0.6, randomState: 100 + i });
      const options: MeanShiftOptions = {
        bandwidth: i % 4 === 3 ? null : 1.5,
        binSeeding: i % 2 === 1,
        nJobs: [null, 1, 2, -1][i % 4]!,
      };
      return { X, options };
    });
    const asyncFits = await Promise.all(cases.map(({ X, options }) => new MeanShift(options).fitAsync(X)));
    cases.forEach(({ X, options }, i) => {
      sameFit(asyncFits[i]!, new MeanShift(options).fit(X));
      sameFit(asyncFits[i]!, new MeanShift({ ...options, nJobs: 1 }).fit(X));
    });
    const functions = await Promise.all(cases.slice(0, 8).map(({ X, options }) => meanShiftAsync(X, options)));
    functions.forEach((result, i) => expect(result).toEqual(meanShift(cases[i]!.X, cases[i]!.options)));
  });

  it('estimateBandwidthAsync equals estimateBandwidth for every nJobs', async () => {
    const expected = estimateBandwidth(W1, { quantile: 0.2, nSamples: 500 });
    expect(expected).toBe(BANDWIDTH);
    const results = await Promise.all(
      [null, 1, 2, -1, 3].map((nJobs) => estimateBandwidthAsync(W1, { quantile: 0.2, nSamples: 500, nJobs })),
    );
    expect(results).toEqual([expected, expected, expected, expected, expected]);
  });

  it('copies X before the work starts: changing it right after the call changes nothing', async () => {
    const data = Float64Array.from(W1.data);
    const promise = new MeanShift({ bandwidth: BANDWIDTH, binSeeding: true }).fitAsync({ data, shape: W1.shape });
    data.fill(0);
    sameFit(await promise, new MeanShift({ bandwidth: BANDWIDTH, binSeeding: true }).fit(W1));
  });
});

describe('threads', () => {
  const meanshiftThreads = (): number =>
    readdirSync('/proc/self/task').filter((t) => {
      try {
        return readFileSync(`/proc/self/task/${t}/comm`, 'utf8').startsWith('meanshift-');
      } catch {
        return false; // the thread ended meanwhile
      }
    }).length;

  it.runIf(process.platform === 'linux')('thread pools are reused, not built per call', async () => {
    const batch = () =>
      Promise.all(
        Array.from({ length: 24 }, (_, i) => new MeanShift({ bandwidth: 1.5, nJobs: [null, 1, 2][i % 3]! }).fitAsync(blobs(500, i))),
      );
    await batch();
    const after = meanshiftThreads();
    for (let round = 0; round < 3; round++) await batch();
    expect(meanshiftThreads()).toBe(after);
  });

  it("many concurrent fits leave libuv's threadpool free for fs", async () => {
    // Six fits on one thread each (3-D, about a second each): they hold no libuv thread (the
    // binding runs them on pools of its own), so file reads (libuv pool jobs) finish long before.
    const { X } = makeBlobs({ nSamples: 12_000, nFeatures: 3, centers: 3, clusterStd: 0.5, randomState: 1 });
    let fitsSettled = 0;
    const fits = Array.from({ length: 6 }, () => new MeanShift({ bandwidth: 1, nJobs: 1 }).fitAsync(X).then(() => fitsSettled++));
    for (let i = 0; i < 8; i++) await readFile(new URL(import.meta.url));
    expect(fitsSettled).toBe(0);
    await Promise.all(fits);
  }, 30_000);
});

describe('argument checks', () => {
  it('rejects (does not throw) with the errors of the sync API', async () => {
    const model = new MeanShift({ bandwidth: BANDWIDTH });
    const call = model.fitAsync([[1, Number.NaN]]);
    expect(call).toBeInstanceOf(Promise);
    await expect(call).rejects.toThrow(RangeError);
    await expect(call).rejects.toThrow('Input X contains NaN (row 0, column 1).');
    await expect(model.fitAsync(W1, { signal: 'stop' as never })).rejects.toThrow(TypeError);
    await expect(model.fitAsync(W1, { onProgress: 1 as never })).rejects.toThrow(TypeError);
    await expect(model.fitAsync(W1, { sigal: null } as never)).rejects.toThrow("Unknown option 'sigal'");
    await expect(new MeanShift({ bandwidth: -1 }).fitAsync(W1)).rejects.toThrow(RangeError);
    await expect(meanShiftAsync(W1, { bandwith: 1 } as never)).rejects.toThrow(TypeError);
    await expect(meanShiftAsync([[0, 0]], { bandwidth: 1e-9, seeds: [[5, 5]] })).rejects.toThrow('No point was within bandwidth');
    await expect(estimateBandwidthAsync(W1, { quantile: 2 })).rejects.toThrow(RangeError);
    await expect(estimateBandwidthAsync(W1, { onProgress: () => {} } as never)).rejects.toThrow(TypeError);
  });
});
