import type { Matrix, MeanShift } from '../index.js';
import { CliError } from './errors.js';
import { ProgressBar } from './progress.js';

/** What `fitAsync` takes (api.md); typed here so the CLI builds against any MeanShift. */
interface FitAsyncOptions {
  signal?: AbortSignal;
  onProgress?: (progress: { done: number; total: number }) => void;
}
type MaybeAsync = MeanShift & { fitAsync?: (X: Matrix, options?: FitAsyncOptions) => Promise<MeanShift> };

/** Thrown for Ctrl-C: the CLI exits 130 like a shell does on SIGINT. */
export class InterruptedError extends CliError {
  readonly exitCode = 130;
  constructor() {
    super('interrupted');
  }
}

/**
 * Fits `model`, with a progress bar on stderr when `showProgress` (stderr is a TTY and not
 * --quiet). Uses `fitAsync` (off the main thread, with progress and Ctrl-C to cancel) when the
 * library has it, else the synchronous `fit`.
 */
export async function fitWithProgress(model: MeanShift, X: Matrix, showProgress: boolean): Promise<void> {
  const m = model as MaybeAsync;
  if (typeof m.fitAsync !== 'function') {
    model.fit(X);
    return;
  }
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  const bar = showProgress ? new ProgressBar(process.stderr, { label: 'fitting', unit: 'seeds' }) : null;
  const options: FitAsyncOptions = { signal: controller.signal };
  if (bar) options.onProgress = ({ done, total }) => bar.update(done, total);
  try {
    await m.fitAsync(X, options);
  } catch (error) {
    if ((error as Error | null)?.name === 'AbortError' && controller.signal.aborted) throw new InterruptedError();
    throw error;
  } finally {
    bar?.done();
    process.off('SIGINT', onSigint);
  }
}
