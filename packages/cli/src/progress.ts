/**
 * A progress bar on stderr, shown only when stderr is a terminal: piped or redirected output
 * never carries bar characters.
 * @module
 */
import { formatSize } from './sizes.js';

/** Where a bar is drawn: stderr, or any stream with the same few members. */
export interface ProgressSink {
  /** True when the stream is a terminal. */
  readonly isTTY?: boolean;
  /** Terminal width in characters. */
  readonly columns?: number;
  /** Writes text. */
  write(text: string): unknown;
}

/** A running progress display. */
export interface Progress {
  /** Reports `done` bytes of the total (or of an unknown total). */
  update(done: number): void;
  /** Removes the bar, leaving the line clean. */
  finish(): void;
}

/** Repaint at most this often, in milliseconds. */
const REPAINT_MS = 100;

/**
 * The bar's text for one moment, fitted to `width` columns:
 * `label [#########...........]  45%  28.8 MiB / 64 MiB`, or without a total
 * `label 28.8 MiB`.
 */
export function renderProgress(
  label: string,
  done: number,
  total: number | undefined,
  width: number,
): string {
  if (total === undefined) return `${label} ${formatSize(done)}`.slice(0, width);
  const fraction = total <= 0 ? 1 : Math.min(1, Math.max(0, done / total));
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const tail = ` ${percent}  ${formatSize(done)} / ${formatSize(total)}`;
  const barWidth = Math.max(0, Math.min(40, width - label.length - tail.length - 4));
  if (barWidth < 5) return `${label}${tail}`.slice(0, width);
  const filled = Math.round(fraction * barWidth);
  return `${label} [${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}]${tail}`;
}

const SILENT: Progress = { update() {}, finish() {} };

/**
 * A progress display on `sink`: a bar redrawn in place when `sink` is a terminal, nothing at all
 * otherwise (or when `enabled` is false).
 */
export function createProgress(
  sink: ProgressSink,
  label: string,
  total: number | undefined,
  options: { enabled?: boolean; now?: () => number } = {},
): Progress {
  if (options.enabled === false || sink.isTTY !== true) return SILENT;
  const now = options.now ?? Date.now;
  let last = Number.NEGATIVE_INFINITY;
  let drawn = false;
  return {
    update(done) {
      const time = now();
      const complete = total !== undefined && done >= total;
      if (time - last < REPAINT_MS && !complete) return;
      last = time;
      drawn = true;
      const width = Math.max(20, (sink.columns || 80) - 1);
      sink.write(`\r${renderProgress(label, done, total, width)}\x1b[K`);
    },
    finish() {
      if (drawn) sink.write('\r\x1b[K');
      drawn = false;
    },
  };
}
