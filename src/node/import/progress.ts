/**
 * Progress of an import: a bar on a terminal (cli-progress), plain lines every few seconds
 * otherwise (a log, a CI job), nothing with `--quiet`. Progress goes to stderr; stdout keeps the
 * summary.
 */
import { Presets, SingleBar } from 'cli-progress';

/** What progress shows. */
export interface ProgressState {
  /** Rows read this run. */
  rows: number;
  accepted: number;
  /** Refused by Connect, or invalid. */
  failed: number;
  skipped: number;
  /** Rows read this run that are done (accepted, failed, skipped, or done in an earlier run). */
  done: number;
  /** Bytes read from disk, of `totalBytes`. */
  bytes: number;
  totalBytes: number;
}

/**
 * How far the import is, from 0 to 1: the share of the bytes read, scaled by the share of the
 * rows read that are done (reading runs ahead of delivery by up to the import's window).
 */
export function shareDone(state: ProgressState): number {
  if (state.totalBytes === 0) return 1;
  const read = Math.min(1, state.bytes / state.totalBytes);
  return state.rows === 0 ? read : read * Math.min(1, state.done / state.rows);
}

/** How progress is shown. */
export type ProgressMode = 'bar' | 'lines' | 'none';

/** A running progress display. */
export interface Progress {
  /** Shows the last state and stops. */
  stop(): void;
}

/** Starts showing `read()`'s state on `stream`. */
export function startProgress(
  mode: ProgressMode,
  stream: NodeJS.WritableStream,
  read: () => ProgressState,
  intervalMs: number,
): Progress {
  const started = performance.now();
  const rate = (state: ProgressState) => {
    const seconds = (performance.now() - started) / 1000;
    return seconds > 0 ? Math.round(state.rows / seconds) : 0;
  };
  if (mode === 'none') return { stop() {} };
  if (mode === 'lines') {
    const print = () => stream.write(`${plainLine(read(), rate(read()), started)}\n`);
    const timer = setInterval(print, intervalMs);
    timer.unref();
    return {
      stop() {
        clearInterval(timer);
        print();
      },
    };
  }
  const bar = new SingleBar(
    {
      stream: stream as NodeJS.WriteStream,
      format:
        'importing [{bar}] {percentage}% | {rows} rows | {rate} rows/s | accepted {accepted} | failed {failed} | ETA {eta_formatted}',
      barsize: 30,
      hideCursor: true,
      etaBuffer: 50,
      fps: 10,
      clearOnComplete: false,
    },
    Presets.shades_classic,
  );
  const payload = (state: ProgressState) => ({
    rows: state.rows,
    rate: rate(state),
    accepted: state.accepted,
    failed: state.failed,
  });
  const SCALE = 10_000;
  const first = read();
  bar.start(SCALE, Math.round(shareDone(first) * SCALE), payload(first));
  const timer = setInterval(() => {
    const state = read();
    bar.update(Math.round(shareDone(state) * SCALE), payload(state));
  }, 100);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      const state = read();
      bar.update(Math.round(shareDone(state) * SCALE), payload(state));
      bar.stop();
    },
  };
}

/** One plain progress line. */
function plainLine(state: ProgressState, rowsPerSecond: number, started: number): string {
  const share = shareDone(state);
  const elapsed = (performance.now() - started) / 1000;
  const eta = share > 0 && share < 1 ? duration((elapsed / share) * (1 - share)) : '0s';
  return `progress ${(share * 100).toFixed(1)}% | ${state.rows} rows | ${rowsPerSecond} rows/s | accepted ${state.accepted} | failed ${state.failed} | skipped ${state.skipped} | ETA ${eta}`;
}

function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
