// The pgbench suite: reading pgbench's summary, and a small run of the real pgbench on eon and PostgreSQL.
import { describe, expect, it } from 'vitest';
import { parsePgbenchOutput } from '../../bench/suites/pgbench.js';
import { runSuite, runFailure } from './run-bench.js';

const smokeTimeoutMs = 120_000;

const PGBENCH_15_OUTPUT = `transaction type: /tmp/select.sql
scaling factor: 1
query mode: prepared
number of clients: 8
number of threads: 2
maximum number of tries: 1
duration: 5 s
number of transactions actually processed: 150134
number of failed transactions: 0 (0.000%)
latency average = 0.266 ms
initial connection time = 6.528 ms
tps = 30026.764369 (without initial connection time)
`;

describe('parsePgbenchOutput', () => {
  it('reads tps, average latency, transactions and failures', () => {
    expect(parsePgbenchOutput(PGBENCH_15_OUTPUT)).toEqual({ tps: 30026.764369, latencyAverageMs: 0.266, transactions: 150134, failed: 0 });
  });

  it('refuses output without a summary', () => {
    expect(() => parsePgbenchOutput('pgbench: error: connection to server failed')).toThrow(/no tps/);
  });
});

describe('bench pgbench smoke', () => {
  it(
    'runs both scripts in both modes on eon and postgres without failed transactions',
    async () => {
      const { run, report } = await runSuite(['pgbench', '--rows', '3000', '--engines', 'eon,postgres'], smokeTimeoutMs - 5_000);
      expect(run.code, runFailure(run)).toBe(0);
      expect(run.stdout).toContain('All engines agree.');
      const engines = (report as { data: { engines: { name: string; runs: Record<string, { tps: number }> }[] } }).data.engines;
      expect(engines.map((e) => e.name)).toEqual(['eon', 'postgres']);
      for (const e of engines) {
        expect(Object.keys(e.runs).sort()).toEqual(['read-write prepared', 'read-write simple', 'select-only prepared', 'select-only simple']);
        for (const r of Object.values(e.runs)) expect(r.tps).toBeGreaterThan(0);
      }
    },
    smokeTimeoutMs,
  );
});
