// Hinted handoff's second half: every HINT_REPLAY_INTERVAL_MS (and whenever a member comes back)
// the hints kept for members that are up again are sent to them, oldest first, in bounded
// batches; a hint is forgotten once its target confirmed it, and a failure leaves that target's
// hints for the next round.

import type { NodeId } from '../runtime.js';
import type { HintStore } from './hint-store.js';

export const HINT_REPLAY_INTERVAL_MS = 1_000;
/** Hints sent to one target per round, one at a time (each is a whole replica.apply request). */
export const HINT_REPLAY_BATCH = 64;

export interface HintReplayerOptions {
  readonly hints: HintStore;
  readonly isUp: (id: NodeId) => boolean;
  /** Delivers one hint; resolves when the target confirmed it, rejects otherwise. */
  readonly deliver: (target: NodeId, body: unknown) => Promise<void>;
  readonly log: (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown>) => void;
  readonly intervalMs?: number;
}

export class HintReplayer {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly o: HintReplayerOptions) {}

  start(): void {
    const tick = (): void => {
      if (this.stopped) return;
      void this.replay();
      this.timer = setTimeout(tick, this.o.intervalMs ?? HINT_REPLAY_INTERVAL_MS);
      this.timer.unref();
    };
    tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
  }

  /** One round now (a round already running is not doubled); resolves when it ends. */
  replay(): Promise<void> {
    this.running ??= this.round().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async round(): Promise<void> {
    for (const target of this.o.hints.targets()) {
      if (this.stopped || !this.o.isUp(target)) continue;
      let sent = 0;
      for (const hint of this.o.hints.oldest(target, HINT_REPLAY_BATCH)) {
        try {
          await this.o.deliver(target, hint.body);
        } catch (e) {
          this.o.log('debug', 'hint not delivered yet', { target, error: e instanceof Error ? e.message : String(e) });
          break;
        }
        this.o.hints.delivered(hint);
        sent++;
      }
      if (sent > 0) this.o.log('info', 'hints handed off', { target, sent, left: this.o.hints.pending(target) });
    }
  }
}
