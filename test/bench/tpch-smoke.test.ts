// Runs the built `tpch` bench suite end to end at SF 0.01 against eon, DuckDB and PostgreSQL.

import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { benchMain, runSuite, runFailure } from './run-bench.js';

const smokeTimeoutMs = 150_000;

interface TpchJson {
  agreement: { ok: boolean };
  data: { engines: { name: string; errors: string[]; queries: Record<string, { rows: number | null; medianMs?: number; error: string | null }> }[]; explained: { query: number; text: string }[] };
}

describe('bench tpch smoke', () => {
  it(
    'generates SF 0.01, loads it into eon, duckdb and postgres, runs the 22 queries on each and they agree',
    async () => {
      expect(existsSync(benchMain), `${benchMain} missing: run npm run build first`).toBe(true);
      const { run, report, files } = await runSuite(['tpch', '--sf', '0.01', '--runs', '1'], smokeTimeoutMs - 5_000);
      expect(run.code, runFailure(run)).toBe(0);
      expect(run.stdout).toContain('All engines agree.');
      expect(files.filter((f) => /\.(md|json|svg)$/.test(f))).toHaveLength(3);
      const json = report as TpchJson;
      expect(json.agreement.ok).toBe(true);
      expect(json.data.engines.map((e) => e.name)).toEqual(['eon', 'duckdb', 'postgres']);
      for (const e of json.data.engines) {
        expect(e.errors).toEqual([]);
        expect(Object.keys(e.queries)).toHaveLength(22);
        for (const q of Object.values(e.queries)) {
          expect(q.error).toBeNull();
          expect(q.medianMs).toBeGreaterThan(0);
        }
      }
      expect(json.data.explained).toHaveLength(3);
      for (const x of json.data.explained) expect(x.text).toMatch(/Execution: \d+ rows/);
    },
    smokeTimeoutMs,
  );
});
