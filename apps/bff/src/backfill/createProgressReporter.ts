import cliProgress from 'cli-progress';

/** What the bar shows of a bulk command's progress (`BackfillProgress`, `EraseProgress`). */
export interface BulkProgress {
  done: number;
  failed: number;
}

export interface ProgressReporter {
  update(progress: BulkProgress): void;
  stop(): void;
}

function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  const seconds = Math.round(ms / 1000);
  const minutes = Math.floor(seconds / 60);
  return minutes > 0 ? `${minutes}m${String(seconds % 60).padStart(2, '0')}s` : `${seconds}s`;
}

/** Users per minute since the start, and the time left at that rate. */
function rateAndEta(done: number, total: number, startedAt: number) {
  const elapsedMs = Math.max(1, Date.now() - startedAt);
  const perMinute = Math.round((done / elapsedMs) * 60_000);
  const etaMs = done === 0 ? Number.NaN : ((total - done) / done) * elapsedMs;
  return { perMinute, eta: formatDuration(etaMs) };
}

/**
 * A progress bar (done/total, rate, ETA) from cli-progress on a terminal; on anything else (a pipe, a CI
 * log) one plain line every `intervalMs`, since a redrawn bar would fill a log file with control codes.
 */
export function createProgressReporter(
  total: number,
  stream: NodeJS.WriteStream = process.stderr,
  intervalMs = 2_000,
  /** The command's name, first on every line. */
  label = 'backfill',
): ProgressReporter {
  const startedAt = Date.now();
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: `${label} [{bar}] {value}/{total} users | {perMinute}/min | ETA {etaText} | {failed} failed`,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { perMinute: 0, etaText: '?', failed: 0 });
    return {
      update(progress) {
        const { perMinute, eta } = rateAndEta(progress.done, total, startedAt);
        bar.update(progress.done, { perMinute, etaText: eta, failed: progress.failed });
      },
      stop: () => bar.stop(),
    };
  }
  let last: BulkProgress | undefined;
  let printed: BulkProgress | undefined;
  const print = () => {
    if (!last || last === printed) return;
    printed = last;
    const { perMinute, eta } = rateAndEta(last.done, total, startedAt);
    const percent = total === 0 ? 100 : Math.floor((last.done / total) * 100);
    stream.write(
      `${label}: ${last.done}/${total} users (${percent}%), ${perMinute}/min, ETA ${eta}, ${last.failed} failed\n`,
    );
  };
  const timer = setInterval(print, intervalMs);
  timer.unref();
  return {
    update(progress) {
      last = progress;
    },
    stop() {
      clearInterval(timer);
      print();
    },
  };
}
