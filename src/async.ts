// The JavaScript half of the async calls (fitAsync, meanShiftAsync, estimateBandwidthAsync): the
// AbortSignal wiring and progress. Everything else is the binding's (src/async_tasks.rs): it copies
// the input, queues the call in one process-wide queue, starts it on a thread pool of its own when
// the cores allow (no libuv thread is held, nothing polls), settles the promise, and aborts the calls
// of a Worker or process that is torn down.
//
// Progress is a counter the core keeps in the TaskControl, read by a timer on this thread
// (PROGRESS_MS): no call ever crosses threads into JavaScript, the rate is capped by construction,
// and every onProgress call happens on this thread before the promise settles.
import type { TaskControl } from '../loader.cjs';
import { addon } from './binding.js';
import { AbortError, describe, typeError } from './errors.js';

/** The fit's work done of its total, in seeds (see {@link AsyncOptions.onProgress}). */
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
    throw typeError(`The 'signal' option of ${owner} must be an AbortSignal. Got ${describe(signal)} instead.`, { parameter: 'signal' });
  }
  if (onProgress !== undefined && onProgress !== null && typeof onProgress !== 'function') {
    throw typeError(`The 'onProgress' option of ${owner} must be a function. Got ${describe(onProgress)} instead.`, { parameter: 'onProgress' });
  }
  return { signal: signal as AbortSignal | null | undefined, onProgress: onProgress as AsyncOptions['onProgress'] };
}

/**
 * Runs a native async call: `start` hands the work to the binding and returns its promise.
 * Options must have been checked.
 */
export function runTask<T>(start: (control: TaskControl) => Promise<T>, options: AsyncOptions): Promise<T> {
  const { signal, onProgress } = options;
  if (signal?.aborted) return Promise.reject(abortError(signal));
  const control = new addon.TaskControl();
  let reported = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
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
  const onAbort = (): void => {
    stopProgress();
    control.abort();
  };

  let promise: Promise<T>;
  try {
    promise = start(control);
  } catch (error) {
    return Promise.reject(error);
  }
  signal?.addEventListener('abort', onAbort, { once: true });
  if (onProgress) timer = setInterval(() => report(control.done, control.total), PROGRESS_MS);
  const settled = (): void => {
    stopProgress();
    signal?.removeEventListener('abort', onAbort);
  };
  return promise.then(
    (value) => {
      if (onProgress) report(control.total, control.total);
      settled();
      if (callbackError) throw callbackError.error;
      if (signal?.aborted) throw abortError(signal);
      return value;
    },
    (error: unknown) => {
      settled();
      if (callbackError) throw callbackError.error;
      if (signal?.aborted) throw abortError(signal);
      throw error;
    },
  );
}
