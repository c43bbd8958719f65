// Runs the built `ingest` bench suite end to end on a small table against eon, DuckDB and PostgreSQL.

import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { benchMain, runSuite, runFailure } from './run-bench.js';

const smokeTimeoutMs = 90_000;
const ROWS = 5_000;

describe('bench ingest smoke', () => {
  it(
    `loads ${ROWS} rows every way into eon, duckdb and postgres, and every table holds them all`,
    async () => {
      expect(existsSync(benchMain), `${benchMain} missing: run npm run build first`).toBe(true);
      const { run, report } = await runSuite(['ingest', '--rows', String(ROWS)], smokeTimeoutMs - 5_000);
      expect(run.code, runFailure(run)).toBe(0);
      expect(run.stdout).toContain('All engines agree.');
      const engines = (report as { data: { engines: { name: string; measures: Record<string, { rows: number }> }[] } }).data.engines;
      const byName = new Map(engines.map((e) => [e.name, e]));
      expect(Object.keys(byName.get('eon')?.measures ?? {}).sort()).toEqual(['copy', 'insert', 'insertSelect', 'rest']);
      expect(Object.keys(byName.get('postgres')?.measures ?? {}).sort()).toEqual(['copy', 'insert', 'insertSelect']);
      expect(Object.keys(byName.get('duckdb')?.measures ?? {}).sort()).toEqual(['copy', 'insert', 'insertSelect']);
      for (const e of engines) for (const m of Object.values(e.measures)) expect(m.rows).toBe(ROWS);
    },
    smokeTimeoutMs,
  );
});
