// What a node measures about the statements it answers — mean response time, error rate and
// throughput, each an exponentially decaying average — so membership can gossip them and the
// balancer route by them. Sessions are metered by wrapping the query engine's SessionFactory.

import type { ExecuteOptions, PreparedStatement, QueryResult, Session, SessionFactory } from '../../query/index.js';

/** A statement's weight halves every this long: the figures follow the last ~half minute. */
export const METRICS_HALF_LIFE_MS = 10_000;

export interface StatementFigures {
  /** Decayed mean statement time, ms (0 before any statement). */
  readonly meanResponseMs: number;
  /** Decayed share of statements that failed, 0..1. */
  readonly errorRate: number;
  /** Decayed statements per second. */
  readonly statementsPerSecond: number;
}

export class StatementMetrics {
  private weight = 0;
  private weightedMs = 0;
  private weightedErrors = 0;
  private at: number;

  constructor(private readonly now: () => number = () => performance.now()) {
    this.at = now();
  }

  private decayTo(t: number): void {
    if (t <= this.at) return;
    const k = 2 ** (-(t - this.at) / METRICS_HALF_LIFE_MS);
    this.weight *= k;
    this.weightedMs *= k;
    this.weightedErrors *= k;
    this.at = t;
  }

  record(ms: number, failed: boolean): void {
    this.decayTo(this.now());
    this.weight += 1;
    this.weightedMs += ms;
    if (failed) this.weightedErrors += 1;
  }

  figures(): StatementFigures {
    this.decayTo(this.now());
    if (this.weight === 0) return { meanResponseMs: 0, errorRate: 0, statementsPerSecond: 0 };
    // The decay kernel integrates to half-life / ln 2 seconds: that many seconds of statements are in `weight`.
    const windowSeconds = METRICS_HALF_LIFE_MS / 1000 / Math.LN2;
    return {
      meanResponseMs: this.weightedMs / this.weight,
      errorRate: this.weightedErrors / this.weight,
      statementsPerSecond: this.weight / windowSeconds,
    };
  }
}

/** Sessions whose statements (scripts, one result at a time, and prepared executions) are timed into metrics. */
export function meteredSessions(factory: SessionFactory, metrics: StatementMetrics): SessionFactory {
  return {
    openSession(options) {
      const inner = factory.openSession(options);
      const session: Session = {
        async *executeScript(sql: string, opts?: ExecuteOptions): AsyncGenerator<QueryResult, void, undefined> {
          const it = inner.executeScript(sql, opts);
          for (;;) {
            const t0 = performance.now();
            let step: IteratorResult<QueryResult, void>;
            try {
              step = await it.next();
            } catch (e) {
              metrics.record(performance.now() - t0, true);
              throw e;
            }
            if (step.done === true) return;
            metrics.record(performance.now() - t0, false);
            yield step.value;
          }
        },
        async prepare(sql, paramTypes) {
          const prepared = await inner.prepare(sql, paramTypes);
          const metered: PreparedStatement = {
            paramTypes: prepared.paramTypes,
            columns: prepared.columns,
            async execute(params, opts) {
              const t0 = performance.now();
              try {
                const result = await prepared.execute(params, opts);
                metrics.record(performance.now() - t0, false);
                return result;
              } catch (e) {
                metrics.record(performance.now() - t0, true);
                throw e;
              }
            },
          };
          return metered;
        },
        beginCopyIn: (sql, opts) => inner.beginCopyIn(sql, opts),
        noteError: () => inner.noteError(),
        get transactionStatus() {
          return inner.transactionStatus;
        },
        setting: (name) => inner.setting(name),
        changeSetting: (name, value, local) => inner.changeSetting?.(name, value, local),
        close: () => inner.close(),
      };
      return session;
    },
  };
}
