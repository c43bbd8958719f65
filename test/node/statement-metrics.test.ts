import { describe, expect, it } from 'vitest';
import { METRICS_HALF_LIFE_MS, StatementMetrics, meteredSessions } from '../../src/node/statement-metrics.js';
import type { QueryResult, Session, SessionFactory } from '../../query/index.js';
import { EonError } from '../../src/errors/index.js';

const ok: QueryResult = { command: 'SELECT', rowCount: 0, columns: null, rows: [] };

describe('StatementMetrics', () => {
  it('averages response times and errors, and lets old statements fade', () => {
    let now = 0;
    const m = new StatementMetrics(() => now);
    expect(m.figures()).toEqual({ meanResponseMs: 0, errorRate: 0, statementsPerSecond: 0 });
    m.record(10, false);
    m.record(30, true);
    expect(m.figures().meanResponseMs).toBeCloseTo(20);
    expect(m.figures().errorRate).toBeCloseTo(0.5);
    now += METRICS_HALF_LIFE_MS;
    m.record(100, false);
    // The two old statements weigh half as much as the new one: (10 + 30) / 2 + 100 over 2.
    expect(m.figures().meanResponseMs).toBeCloseTo((20 + 100) / 2);
    expect(m.figures().errorRate).toBeCloseTo(0.5 / 2);
    const rate = m.figures().statementsPerSecond;
    now += 10 * METRICS_HALF_LIFE_MS;
    expect(m.figures().statementsPerSecond).toBeLessThan(rate / 1000);
  });

  it('meters scripts statement by statement and prepared executions, failures included', async () => {
    const metrics = new StatementMetrics(() => 0);
    const inner: Session = {
      async *executeScript(sql) {
        yield ok;
        if (sql === 'fail') throw new EonError('division_by_zero', 'division by zero');
        yield ok;
      },
      async prepare() {
        return { paramTypes: [], columns: null, execute: async () => { throw new EonError('query_canceled', 'canceled'); } };
      },
      beginCopyIn: () => null,
      noteError: () => {},
      transactionStatus: 'I',
      setting: () => undefined,
      close: () => {},
    };
    const factory: SessionFactory = { openSession: () => inner };
    const session = meteredSessions(factory, metrics).openSession({ user: 'u', database: 'd' });
    const results: QueryResult[] = [];
    for await (const r of session.executeScript('two')) results.push(r);
    expect(results).toEqual([ok, ok]);
    await expect((async () => { for await (const _ of session.executeScript('fail')) { /* drain */ } })()).rejects.toThrow('division by zero');
    await expect((await session.prepare('x')).execute([])).rejects.toThrow('canceled');
    const f = metrics.figures();
    // two + one successful, one failed script step, one failed execution
    expect(f.errorRate).toBeCloseTo(2 / 5);
    expect(session.transactionStatus).toBe('I');
  });
});
