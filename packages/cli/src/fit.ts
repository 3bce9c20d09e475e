import { estimateBandwidthAsync, type EstimateBandwidthOptions, type Matrix, type MeanShift } from 'fast-meanshift';
import { CliError } from './errors.js';
import { ProgressBar, formatDuration } from './progress.js';

/** Thrown for Ctrl-C: the CLI exits 130 like a shell does on SIGINT. */
export class InterruptedError extends CliError {
  readonly exitCode = 130;
  constructor() {
    super('interrupted');
  }
}

/** Runs `work` with an AbortSignal that Ctrl-C fires; an abort becomes {@link InterruptedError}. */
async function interruptible<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    return await work(controller.signal);
  } catch (error) {
    if ((error as Error | null)?.name === 'AbortError' && controller.signal.aborted) throw new InterruptedError();
    throw error;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/**
 * Fits `model` off the main thread (`fitAsync`), with a progress bar on stderr when
 * `showProgress` (stderr is a TTY and not --quiet); Ctrl-C cancels the fit.
 */
export async function fitWithProgress(
  model: MeanShift,
  X: Matrix,
  showProgress: boolean,
  sampleWeight: Float64Array | Float32Array | null = null,
): Promise<void> {
  const bar = showProgress ? new ProgressBar(process.stderr, { label: 'fitting', unit: 'seeds' }) : null;
  try {
    await interruptible((signal) =>
      model.fitAsync(X, { signal, sampleWeight, onProgress: bar ? ({ done, total }) => bar.update(done, total) : null }),
    );
  } finally {
    bar?.done();
  }
}

/**
 * `estimateBandwidthAsync` (no progress counts there): on a TTY, a status line with the
 * elapsed time while it runs; Ctrl-C cancels.
 */
export async function estimateWithStatus(X: Matrix, options: EstimateBandwidthOptions, status: string | null): Promise<number> {
  const start = performance.now();
  const draw = (): void => {
    process.stderr.write(`\r${status} ${formatDuration((performance.now() - start) / 1000)}\x1b[K`);
  };
  const timer = status === null ? null : setInterval(draw, 1000);
  try {
    return await interruptible((signal) => estimateBandwidthAsync(X, { ...options, signal }));
  } finally {
    if (timer) {
      clearInterval(timer);
      if (performance.now() - start >= 1000) process.stderr.write('\r\x1b[K');
    }
  }
}
