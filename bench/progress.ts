// Progress of a long step: a redrawn bar on a terminal, a log line per tenth otherwise (CI logs).

/** Fractions between log lines when stderr is not a terminal. */
const LOG_STEP = 0.1;
const BAR_WIDTH = 30;

export type ProgressFn = (fraction: number, detail?: string) => void;

export function progressBar(label: string, log: (message: string) => void): { update: ProgressFn; done(): void } {
  const tty = process.stderr.isTTY === true;
  let nextLog = LOG_STEP;
  return {
    update(fraction, detail = '') {
      const f = Math.max(0, Math.min(1, fraction));
      if (tty) {
        const filled = Math.round(f * BAR_WIDTH);
        process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${(f * 100).toFixed(0).padStart(3)}% ${detail}\u001b[K`);
      } else if (f >= nextLog) {
        log(`${label}: ${(f * 100).toFixed(0)}% ${detail}`.trimEnd());
        while (nextLog <= f) nextLog += LOG_STEP;
      }
    },
    done() {
      if (tty) process.stderr.write('\n');
    },
  };
}
