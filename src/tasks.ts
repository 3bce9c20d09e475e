// The async plumbing shared by fitAsync, meanShiftAsync and estimateBandwidthAsync.
//
// The native side (src/tasks.rs) copies the input, computes on a libuv thread that hands the work to
// a rayon pool of its own, and admits a task only while the running ones leave it room (at most half
// of libuv's threadpool, and no more threads than cores; a task alone always starts). A call that
// cannot start yet returns null and waits here, in a FIFO queue per JavaScript thread, where an abort
// removes it at once. A running task is stopped through its TaskControl: the core checks the abort
// flag before every seed, so the promise rejects as soon as the seeds in flight are done.
//
// Progress is a counter the core keeps in the TaskControl, read by a timer on this thread
// (PROGRESS_MS): no call ever crosses threads into JavaScript, the rate is capped by construction,
// and every onProgress call happens on this thread before the promise settles.
import type { TaskControl } from '../native.cjs';
import { AbortError, describe, fromNative } from './errors.js';
import { native } from './native.js';

/** Seeds whose climb has finished, of all seeds. */
export interface Progress {
  readonly done: number;
  readonly total: number;
}

/** What an async call accepts besides its data and options. */
export interface AsyncOptions {
  /** Aborts the call: the promise rejects with an {@link AbortError}. */
  signal?: AbortSignal | null;
  /**
   * The fit's work in seeds: `total` is the number of seeds and `done` the share of the climbs'
   * work done, in seeds, so that `done / total` follows the time of the fit (not the seeds that
   * finished: seeds climbing in lock-step all finish at the end). `done` increases, at most 20
   * calls a second, a last call with `done === total` when the fit succeeds; never called after
   * the promise settles. A bandwidth estimated by the fit (`bandwidth: null`) reports nothing.
   */
  onProgress?: ((progress: Progress) => void) | null;
}

/** At most 1000 / 50 = 20 progress calls a second. */
const PROGRESS_MS = 50;
/** How often a call waiting for room (taken by other JavaScript threads) tries again. */
const RETRY_MS = 5;

interface Job {
  start(): boolean;
}

const queue: Job[] = [];
let retry: ReturnType<typeof setTimeout> | undefined;

/**
 * The controls of this thread's running tasks, aborted on `process.exit()`: in a Worker, Node
 * waits for in-flight native work before it tears the thread down. (`worker.terminate()` runs
 * no JavaScript in the Worker, so it waits for the running fits to end: abort them first.)
 */
const running = new Set<TaskControl>();
let exitHook = false;
function abortAllOnExit(control: TaskControl): void {
  running.add(control);
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const c of running) c.abort();
  });
}

/** Starts queued calls, first come first served, while the native side admits them. */
function pump(): void {
  while (queue.length > 0) {
    if (!queue[0]!.start()) {
      // Room is made by a task of this thread (its completion pumps again) or of another one.
      retry ??= setTimeout(() => {
        retry = undefined;
        pump();
      }, RETRY_MS);
      return;
    }
    queue.shift();
  }
}

function abortError(signal: AbortSignal): AbortError {
  return signal.reason === undefined ? new AbortError() : new AbortError(undefined, { cause: signal.reason });
}

/** Checks `signal` and `onProgress` (TypeError otherwise). */
export function checkAsyncOptions(owner: string, signal: unknown, onProgress: unknown): AsyncOptions {
  if (
    signal !== undefined &&
    signal !== null &&
    !(typeof signal === 'object' && typeof (signal as AbortSignal).aborted === 'boolean' && typeof (signal as AbortSignal).addEventListener === 'function')
  ) {
    throw new TypeError(`The 'signal' option of ${owner} must be an AbortSignal. Got ${describe(signal)} instead.`);
  }
  if (onProgress !== undefined && onProgress !== null && typeof onProgress !== 'function') {
    throw new TypeError(`The 'onProgress' option of ${owner} must be a function. Got ${describe(onProgress)} instead.`);
  }
  return { signal: signal as AbortSignal | null | undefined, onProgress: onProgress as AsyncOptions['onProgress'] };
}

/**
 * Runs a native async call: `start` asks the native side to begin the work and returns its
 * promise, or null when it cannot start yet. Options must have been checked.
 */
export function runTask<T>(start: (control: TaskControl) => Promise<T> | null, options: AsyncOptions): Promise<T> {
  const { signal, onProgress } = options;
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const control = new native.TaskControl();
    let state: 'queued' | 'running' | 'settled' = 'queued';
    let timer: ReturnType<typeof setInterval> | undefined;
    let reported = 0;
    // An error thrown by onProgress: the work is stopped and the promise rejects with it.
    let callbackError: { error: unknown } | undefined;

    const report = (done: number, total: number): void => {
      if (callbackError || signal?.aborted || total === 0 || done <= reported) return;
      reported = done;
      try {
        onProgress?.({ done, total });
      } catch (error) {
        callbackError = { error };
        stopProgress();
        control.abort();
      }
    };
    const stopProgress = (): void => {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    };
    const settle = (outcome: () => void): void => {
      state = 'settled';
      stopProgress();
      signal?.removeEventListener('abort', onAbort);
      outcome();
    };
    const onAbort = (): void => {
      stopProgress();
      control.abort();
      if (state === 'queued') {
        queue.splice(queue.indexOf(job), 1);
        settle(() => reject(abortError(signal!)));
      }
    };
    const finish = (outcome: { value: T } | { error: unknown }): void => {
      running.delete(control);
      if ('value' in outcome && onProgress) report(control.total, control.total);
      if (callbackError) settle(() => reject(callbackError!.error));
      else if (signal?.aborted) settle(() => reject(abortError(signal)));
      else if ('value' in outcome) settle(() => resolve(outcome.value));
      else settle(() => reject(fromNative(outcome.error)));
      pump();
    };
    const job: Job = {
      start() {
        let promise: Promise<T> | null;
        try {
          promise = start(control);
        } catch (error) {
          settle(() => reject(fromNative(error)));
          return true;
        }
        if (promise === null) return false;
        state = 'running';
        abortAllOnExit(control);
        if (onProgress) timer = setInterval(() => report(control.done, control.total), PROGRESS_MS);
        promise.then(
          (value) => finish({ value }),
          (error: unknown) => finish({ error }),
        );
        return true;
      },
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    queue.push(job);
    if (queue.length === 1) pump();
  });
}
