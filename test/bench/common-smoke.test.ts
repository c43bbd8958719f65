// Runs the built `common` bench suite end to end at SF 0.01 against eon, DuckDB and PostgreSQL.

import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { benchMain, runSuite, runFailure } from './run-bench.js';

const smokeTimeoutMs = 150_000;

interface CommonJson {
  agreement: { ok: boolean };
  data: {
    outcomes: {
      name: string;
      statements: Record<string, { rows?: number; measure?: { medianMs: number }; error?: string }>;
      lookup: { lookups: number; loadRuns: number; p99Ms: number } | null;
    }[];
  };
}

describe('bench common smoke', () => {
  it(
    'runs the everyday statements and the lookups under load on eon, duckdb and postgres, and they agree',
    async () => {
      expect(existsSync(benchMain), `${benchMain} missing: run npm run build first`).toBe(true);
      const { run, report } = await runSuite(['common', '--sf', '0.01', '--runs', '1'], smokeTimeoutMs - 5_000);
      expect(run.code, runFailure(run)).toBe(0);
      expect(run.stdout).toContain('All engines agree.');
      const json = report as CommonJson;
      expect(json.agreement.ok).toBe(true);
      expect(json.data.outcomes.map((o) => o.name)).toEqual(['eon', 'duckdb', 'postgres']);
      for (const o of json.data.outcomes) {
        expect(Object.keys(o.statements)).toEqual(['limit', 'top-n', 'distinct', 'count-distinct', 'join-top-n', 'whole-table', 'update-prefix', 'delete-range']);
        for (const s of Object.values(o.statements)) {
          expect(s.error).toBeUndefined();
          expect(s.measure?.medianMs).toBeGreaterThan(0);
        }
        expect(o.statements['limit']?.rows).toBe(10);
        expect(o.statements['whole-table']?.rows).toBeGreaterThan(50_000);
        expect(o.lookup?.lookups).toBeGreaterThan(0);
        expect(o.lookup?.loadRuns).toBeGreaterThan(0);
      }
    },
    smokeTimeoutMs,
  );
});
