// A one-line progress bar for stderr: `fitting [=====>    ] 4,120/10,000 seeds  2,351/s  ETA 2s`.
// Redrawn at most ten times a second with a carriage return; erased when done.

export interface ProgressStream {
  write(chunk: string): boolean;
  isTTY?: boolean;
  columns?: number;
}

const number = new Intl.NumberFormat('en-US');

/** `1m 05s`, `42s`, `1h 02m`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export class ProgressBar {
  readonly #stream: ProgressStream;
  readonly #label: string;
  readonly #unit: string;
  readonly #now: () => number;
  readonly #start: number;
  #lastDraw = -Infinity;
  #drawn = false;

  constructor(stream: ProgressStream, options: { label?: string; unit?: string; now?: () => number } = {}) {
    this.#stream = stream;
    this.#label = options.label ?? 'fitting';
    this.#unit = options.unit ?? 'seeds';
    this.#now = options.now ?? (() => performance.now());
    this.#start = this.#now();
  }

  /** The line for `done` of `total` (no carriage return), fitted to `columns`. */
  render(done: number, total: number, columns = 80): string {
    const elapsed = (this.#now() - this.#start) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const eta = done >= total ? 0 : rate > 0 ? (total - done) / rate : Number.POSITIVE_INFINITY;
    const counts = `${number.format(done)}/${number.format(total)} ${this.#unit}`;
    const tail = `${counts}  ${number.format(Math.round(rate))}/s  ETA ${formatDuration(eta)}`;
    const barWidth = Math.max(0, Math.min(40, columns - 1 - this.#label.length - tail.length - 5));
    if (barWidth < 5) return `${this.#label} ${tail}`.slice(0, Math.max(0, columns - 1));
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const full = Math.floor(fraction * barWidth);
    const bar = '='.repeat(full) + (full < barWidth ? '>' : '') + ' '.repeat(Math.max(0, barWidth - full - 1));
    return `${this.#label} [${bar}] ${tail}`;
  }

  /** Redraws (throttled to 10 Hz; always draws the last step). */
  update(done: number, total: number): void {
    const now = this.#now();
    if (done < total && now - this.#lastDraw < 100) return;
    this.#lastDraw = now;
    // A pseudo-terminal without a size reports 0 columns.
    const columns = this.#stream.columns && this.#stream.columns > 20 ? this.#stream.columns : 80;
    this.#stream.write(`\r${this.render(done, total, columns)}\x1b[K`);
    this.#drawn = true;
  }

  /** Erases the bar so the results print on a clean line. */
  done(): void {
    if (this.#drawn) this.#stream.write('\r\x1b[K');
    this.#drawn = false;
  }
}
