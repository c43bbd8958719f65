// Runs the built `ingest` bench suite end to end on a small table against eon, DuckDB and PostgreSQL.

import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { benchMain, runBench } from './run-bench.js';

const smokeTimeoutMs = 90_000;
const ROWS = 5_000;

describe('bench ingest smoke', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it(
    `loads ${ROWS} rows every way into eon, duckdb and postgres, and every table holds them all`,
    async () => {
      expect(existsSync(benchMain), `${benchMain} missing: run npm run build first`).toBe(true);
      const out = await mkdtemp(path.join(tmpdir(), 'eon-bench-ingest-'));
      dirs.push(out);
      const result = await runBench(['ingest', '--rows', String(ROWS), '--out', out], smokeTimeoutMs - 5_000);
      expect(result.code, result.stderr.slice(-4_000)).toBe(0);
      expect(result.stdout).toContain('All engines agree.');
      const jsonFile = (await readdir(out)).find((f) => f.startsWith('ingest-') && f.endsWith('.json'));
      expect(jsonFile).toBeDefined();
      const report = JSON.parse(await readFile(path.join(out, jsonFile as string), 'utf8')) as {
        data: { engines: { name: string; measures: Record<string, { rows: number; rowsPerSecond: number }> }[] };
      };
      const byName = new Map(report.data.engines.map((e) => [e.name, e]));
      expect(Object.keys(byName.get('eon')?.measures ?? {}).sort()).toEqual(['copy', 'insert', 'insertSelect', 'rest']);
      expect(Object.keys(byName.get('postgres')?.measures ?? {}).sort()).toEqual(['copy', 'insert', 'insertSelect']);
      expect(Object.keys(byName.get('duckdb')?.measures ?? {}).sort()).toEqual(['copy', 'insert', 'insertSelect']);
      for (const e of report.data.engines) for (const m of Object.values(e.measures)) expect(m.rows).toBe(ROWS);
    },
    smokeTimeoutMs,
  );
});
